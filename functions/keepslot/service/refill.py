"""Refills: an hour a late cancel gave back is taken by another client's confirmed booking,
and the client who cancelled gets part of what was kept back (domain/refill.py decides).

Three steps, each in its own change's transaction: the late cancel files the freed hour;
the booking that fills it, once confirmed, claims it and schedules the refill job; the
clock runs the job, which settles the refill on the cancelled booking (ledger, credit or
refund, email) and marks it refilled, so it happens once whatever follows.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

from keepslot.domain.booking import Booking
from keepslot.domain.refill import refill
from keepslot.service.changes import Change
from keepslot.service.context import Context
from keepslot.service.mail import notify
from keepslot.service.money import settle
from keepslot.service.snapshots import DueItem

REFILL_CREDIT = "#refill"  # a refill's credit is filed under the booking's id + this


def run_refill(
    ctx: Context, booking: Booking, version: int, item: DueItem, now: datetime
) -> Change:
    """The refill of `booking` (late-cancelled) because the booking in the job filled its hour."""
    filler_id = json.loads(item.item.get("data") or "{}").get("by", "")
    filler, _ = ctx.store.get_booking(filler_id)
    outcome = refill(booking, filler, now)
    if outcome is None:
        return Change()  # already refilled, waived meanwhile, or the filler let go
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
