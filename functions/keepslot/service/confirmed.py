"""What follows a booking becoming confirmed: one job in the same change, so the request
itself reads nothing more. The clock then gives the refill of a late-cancelled hour the
booking fills, and ends its client's waitlist entries for that day (service/refill.py)."""

from __future__ import annotations

from datetime import datetime

from keepslot.domain.booking import Booking, BookingStatus
from keepslot.service.context import Context
from keepslot.service.ports.changes import Change, Job, JobKind


def on_confirmed(ctx: Context, booking: Booking, now: datetime) -> Change:
    if booking.status is not BookingStatus.CONFIRMED:
        return Change()
    return Change(jobs=[Job(booking.id, JobKind.FILLED, now, {}, "filled")])
