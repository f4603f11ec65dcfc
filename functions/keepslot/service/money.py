"""Settling a decided outcome: the booking's deposit, credits, ledger and refunds."""

from __future__ import annotations

from datetime import datetime

from keepslot.domain.booking import Booking, BookingStatus
from keepslot.domain.credit import Credit
from keepslot.domain.policy import Fate, Outcome, apply_outcome
from keepslot.domain.terms import Returned
from keepslot.service.changes import Change, Job, JobKind, LedgerEntry
from keepslot.service.context import Context
from keepslot.service.payments import card_refund


def settle(
    ctx: Context,
    booking: Booking,
    outcome: Outcome,
    now: datetime,
    status: BookingStatus | None,
    *,
    credit_elsewhere: bool = False,
) -> tuple[Change, Booking]:
    """The change that carries out `outcome` on `booking` (moving it to `status` if given).

    `credit_elsewhere`: the returned credit pays a new booking at once (a late
    reschedule), so no standalone credit is issued.
    """
    done = apply_outcome(booking, outcome, status)
    change = Change()
    cur = booking.deposit.amount.currency
    if outcome.forfeited:
        change.ledger.append(LedgerEntry(booking.id, "forfeited", outcome.forfeited, cur, now))
    if outcome.fate is Fate.CARRIED:
        change.ledger.append(LedgerEntry(booking.id, "carried", outcome.amount, cur, now))
    given = outcome.returned
    if given and given.amount:
        if given.as_ is Returned.CREDIT:
            if not credit_elsewhere:
                until = outcome.credit_until or now
                change.credits_issued.append(
                    Credit(booking.client.key, booking.id, given.amount, cur, until)
                )
                change.jobs.append(
                    Job(booking.id, JobKind.CREDIT_EXPIRY, until, {"client": booking.client.key})
                )
            change.ledger.append(LedgerEntry(booking.id, "credit_issued", given.amount, cur, now))
        else:
            # Offline: the freelancer pays it back by hand; Stripe: the clock refunds the card
            # (a job in this same transaction, so the intent to refund cannot be lost).
            change.ledger.append(LedgerEntry(booking.id, "refund_due", given.amount, cur, now))
            if ctx.config.payments.mode == "stripe":
                job = card_refund(booking, given.amount, outcome.reason.value, now)
                change.jobs += [job] if job else []
    return change, done
