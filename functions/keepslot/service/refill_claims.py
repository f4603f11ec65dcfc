"""Where refills start: a late cancel files the hour it gave back, and a booking that fills
it, once confirmed, claims it and schedules the refill job (service/refill.py runs it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from keepslot.domain.booking import Booking, BookingStatus
from keepslot.domain.policy import Outcome, Reason
from keepslot.service.changes import Change, Freed, Job, JobKind
from keepslot.service.context import Context

LONGEST = timedelta(hours=12)  # a service lasts at most this long (config: minutes <= 720)


def file_freed(booking: Booking, outcome: Outcome) -> Change:
    """A late cancel that kept money files its hour, for a refill if someone fills it."""
    if outcome.reason is not Reason.LATE_CANCEL or not outcome.forfeited:
        return Change()
    if booking.terms.refill_returns_percent <= 0:
        return Change()
    return Change(freed=[Freed(booking.id, booking.start, booking.end)])


def claim_refills(ctx: Context, booking: Booking, now: datetime) -> Change:
    """For a booking that is (now) confirmed: the refill job of every late-cancelled hour
    it overlaps. One Query. The job decides (the same client filling their own hour earns
    nothing, and the hour stays filed for someone else) and gives a refill once."""
    if booking.status is not BookingStatus.CONFIRMED:
        return Change()
    change = Change()
    for f in ctx.store.freed_between(booking.start - LONGEST, booking.end):
        if f.start < booking.end and booking.start < f.end:
            # Tagged by the filler: two fillers of one hour (a short service each) never
            # share an item; the refill is given once, by the cancelled booking's version.
            job = Job(f.booking_id, JobKind.REFILL, now, {"by": booking.id}, booking.id)
            change.jobs.append(job)
    return change
