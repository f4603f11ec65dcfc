"""What a signed link grants: one booking, one purpose, until an expiry.

The signer (adapters/tokens.py) makes and checks the tokens; handlers read the Claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Purpose(StrEnum):
    MANAGE = "manage"  # the link emailed to the client's address: it may change the booking
    VIEW = "view"  # the link in the booking answer: it shows the booking and takes the deposit
    ADMIN = "admin"
    # The freelancer's dashboard: these name a random nonce, not a booking.
    LOGIN = "login"  # the emailed sign-in link: 15 minutes, exchanged once for a session
    DASHBOARD = "dashboard"  # the session the page keeps for the day


@dataclass(frozen=True, slots=True)
class Claim:
    booking_id: str
    purpose: Purpose
    expires: datetime
