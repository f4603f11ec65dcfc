"""What follows a booking becoming confirmed, in the same change: a late-cancelled hour it
fills is claimed for a refill, and its client's waitlist entries for that day end."""

from __future__ import annotations

from datetime import datetime

from keepslot.domain.booking import Booking
from keepslot.service.changes import Change
from keepslot.service.context import Context
from keepslot.service.refill_claims import claim_refills
from keepslot.service.waitlist import end_waiting


def on_confirmed(ctx: Context, booking: Booking, now: datetime) -> Change:
    change = claim_refills(ctx, booking, now)
    change += end_waiting(ctx, booking, now)
    return change
