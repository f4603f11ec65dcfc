"""What a signed link grants: one booking, one purpose, until an expiry.

The signer (adapters/tokens.py) makes and checks the tokens; handlers read the Claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


class Purpose(StrEnum):
    MANAGE = "manage"  # the link emailed to the client's address: it may change the booking
    VIEW = "view"  # the link in the booking answer: it shows the booking and takes the deposit
    ADMIN = "admin"
    # The freelancer's dashboard: these name a random nonce, not a booking.
    LOGIN = "login"  # the emailed sign-in link: 15 minutes, exchanged once for a session
    DASHBOARD = "dashboard"  # the session the page keeps for the day
    WAITLIST = "waitlist"  # names a waitlist entry: its holder may leave the list
    OFFER = "offer"  # names a freed time (`<service>_<start epoch b36>`), never a booking


@dataclass(frozen=True, slots=True)
class Claim:
    booking_id: str
    purpose: Purpose
    expires: datetime


def offer_subject(service: str, start: datetime) -> str:
    """`<service>_<start epoch, base 36>`: service ids hold no underscore."""
    return f"{service}_{b36(int(start.timestamp()))}"


def offer_of(subject: str) -> tuple[str, datetime]:
    """The service and start an offer token names (ValueError if it names none)."""
    service, _, raw = subject.rpartition("_")
    if not service or not raw:
        raise ValueError("not an offer")
    return service, datetime.fromtimestamp(int(raw, 36), UTC)


def b36(n: int) -> str:
    """`n` in base 36 (lower case), as token subjects and expiries are written."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"
