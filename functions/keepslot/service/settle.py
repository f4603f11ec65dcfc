"""Settling a decided outcome: the booking's deposit, credits, ledger and refunds.

Every minor unit a booking was paid ends in one place the ledger names: kept
(`forfeited`, `credit_expired`, less what a waiver gives back as `waived`), given back as
a credit (`credit_issued`), moved to a new booking (`carried`), owed back to the card
(`refund_due`), or still on the booking. A refund comes from what the card paid; what an
earlier credit paid comes back as credit, never lost.
"""

from __future__ import annotations

from datetime import datetime

from keepslot.domain.booking import Booking, BookingStatus
from keepslot.domain.credit import Credit
from keepslot.domain.policy import Fate, Outcome, Reason, apply_outcome
from keepslot.service.context import Context
from keepslot.service.payments import card_refund
from keepslot.service.ports.changes import Change, Job, JobKind, LedgerEntry


def settle(
    ctx: Context,
    booking: Booking,
    outcome: Outcome,
    now: datetime,
    status: BookingStatus | None,
    *,
    carry: int = 0,
    credit_key: str | None = None,
) -> tuple[Change, Booking]:
    """The change that carries out `outcome` on `booking` (moving it to `status` if given).

    `carry`: of the credit given back, the part that pays a new booking at once (a late
    reschedule): it moves there as `carried`, and only the rest becomes a credit.
    `credit_key`: what a credit given back is filed under (default: the booking's id).
    """
    done = apply_outcome(booking, outcome, status)
    change = Change()
    cur = booking.deposit.amount.currency
    if outcome.forfeited:
        change.ledger.append(LedgerEntry(booking.id, "forfeited", outcome.forfeited, cur, now))
    if outcome.fate is Fate.CARRIED:
        change.ledger.append(LedgerEntry(booking.id, "carried", outcome.amount, cur, now))
    given = outcome.returned
    if not given or not given.amount:
        return change, done
    if outcome.fate is Fate.WAIVED:  # what was kept, given back: `kept` drops by as much
        change.ledger.append(LedgerEntry(booking.id, "waived", given.amount, cur, now))
    elif outcome.reason is Reason.REFILL:  # the same, because someone filled the hour
        change.ledger.append(LedgerEntry(booking.id, "refilled", given.amount, cur, now))
    credit = given.to_credit
    if not 0 <= carry <= credit:
        raise ValueError(f"cannot carry {carry} of a credit of {credit}")
    if carry:
        change.ledger.append(LedgerEntry(booking.id, "carried", carry, cur, now))
    if credit > carry:
        until = outcome.credit_until or now
        change += issue_credit(booking, credit_key or booking.id, credit - carry, until, now)
    if given.to_card:
        # Offline: the freelancer pays it back by hand; Stripe: the clock refunds the card
        # (a job in this same transaction, so the intent to refund cannot be lost).
        change.ledger.append(LedgerEntry(booking.id, "refund_due", given.to_card, cur, now))
        if ctx.config.payments.mode == "stripe":
            job = card_refund(booking, given.to_card, outcome.reason.value, now)
            change.jobs += [job] if job else []
    return change, done


def issue_credit(booking: Booking, key: str, amount: int, until: datetime, now: datetime) -> Change:
    """A credit for the client of `booking`, filed under `key`, and the job that lapses it."""
    cur, client = booking.deposit.amount.currency, booking.client.key
    return Change(
        credits_issued=[Credit(client, key, amount, cur, until)],
        # Its own item: a cancel's credit and a waiver's may lapse at the same instant.
        jobs=[
            Job(booking.id, JobKind.CREDIT_EXPIRY, until, {"client": client, "credit": key}, key)
        ],
        ledger=[LedgerEntry(booking.id, "credit_issued", amount, cur, now, ref=key)],
    )
