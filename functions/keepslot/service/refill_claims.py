"""Where refills start: a late cancel files the hour it gave back (service/refill.py gives
the refill when a booking that fills it is confirmed)."""

from __future__ import annotations

from keepslot.domain.booking import Booking
from keepslot.domain.policy import Outcome, Reason
from keepslot.service.ports.changes import Change, Freed


def file_freed(booking: Booking, outcome: Outcome) -> Change:
    """A late cancel that kept money files its hour, for a refill if someone fills it."""
    if outcome.reason is not Reason.LATE_CANCEL or not outcome.forfeited:
        return Change()
    if booking.terms.refill_returns_percent <= 0:
        return Change()
    return Change(freed=[Freed(booking.id, booking.start, booking.end)])
