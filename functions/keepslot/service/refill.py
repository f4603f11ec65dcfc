"""Refills: an hour a late cancel gave back is taken by another client's confirmed booking,
and the client who cancelled gets part of what was kept back (domain/refill.py decides).

Three steps, each in its own change's transaction: the late cancel files the freed hour
(service/refill_claims.py); a booking's confirmation schedules its `filled` job
(service/confirmed.py); the clock runs the job, which settles the refill on the cancelled
booking (ledger, credit or refund, email) and marks it refilled, so it happens once
whatever follows.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from keepslot.domain.booking import Booking
from keepslot.domain.refill import refill
from keepslot.service.context import Context
from keepslot.service.mail import notify
from keepslot.service.ports.changes import Change
from keepslot.service.settle import settle
from keepslot.service.waitlist import end_waiting

LONGEST = timedelta(hours=12)  # a service lasts at most this long (config: minutes <= 720)
REFILL_CREDIT = "#refill"  # a refill's credit is filed under the booking's id + this


def run_filled(ctx: Context, filler: Booking, now: datetime) -> Change:
    """The job of a booking just confirmed: the refill of every late-cancelled hour it
    fills (refill() decides: the same client filling their own hour earns nothing, and
    the hour stays filed for someone else), and the end of its client's waitlist
    entries for that day. Two queries, on the clock rather than on the request."""
    change = Change()
    for f in ctx.store.freed_between(filler.start - LONGEST, filler.end):
        if f.start < filler.end and filler.start < f.end:
            freed, version = ctx.store.get_booking(f.booking_id)
            change += _refill(ctx, freed, version, filler, now)
    change += end_waiting(ctx, filler, now)
    return change


def _refill(ctx: Context, booking: Booking, version: int, filler: Booking, now: datetime) -> Change:
    """The refill of `booking` (late-cancelled) because `filler` took its hour, if any."""
    outcome = refill(booking, filler, now)
    if outcome is None:
        return Change()  # already refilled, waived meanwhile, or the same client
    change, done = settle(ctx, booking, outcome, now, None, credit_key=booking.id + REFILL_CREDIT)
    change.updated.append((replace(done, refilled_by=filler.id), version))
    change.freed_taken.append(booking.id)  # given: the hour is no longer filed
    extra = {
        "refill_percent": booking.terms.refill_returns_percent,
        "refill_kept": booking.deposit.kept,  # what the cancel kept, before this refill
        "refill_paid": booking.deposit.paid,
        "refill_amount": outcome.returned.amount if outcome.returned else 0,
    }
    change.outbox += notify(
        ctx, done, now, "refill", outcome=outcome, freelancer=False, extra=extra
    )
    return change
