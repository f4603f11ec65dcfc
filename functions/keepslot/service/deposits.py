"""Whether a card payment pays a booking's deposit, and what recording it writes.

Nothing a webhook body or the page says about a payment is believed: the caller has the
PaymentIntent from the provider itself (created or retrieved by the server), and only a
succeeded intent made for this booking, in its currency, for at least what is still
due, confirms it. The ledger records what the provider took, not what was asked.
"""

from __future__ import annotations

import logging
from datetime import datetime

from keepslot.domain.booking import Booking, BookingStatus, DepositStatus
from keepslot.service.confirmed import on_confirmed
from keepslot.service.context import Context
from keepslot.service.mail import notify
from keepslot.service.ports.changes import Change, Hold, Job, JobKind, LedgerEntry
from keepslot.service.ports.gateway import Intent, ref_ids, with_ref

log = logging.getLogger("keepslot")


def still_due(booking: Booking) -> int:
    return booking.deposit.amount.amount - booking.deposit.paid


def mismatch(booking: Booking, intent: Intent) -> str | None:
    """Why `intent` does not pay `booking`'s deposit ("booking", "status", "currency",
    "amount"), or None when it does."""
    if intent.booking_id != booking.id or intent.kind != "deposit":
        return "booking"
    if intent.status != "succeeded":
        return "status"
    if intent.currency.upper() != booking.deposit.amount.currency.upper():
        return "currency"
    if intent.received < still_due(booking):
        return "amount"
    return None


def takes_payment(booking: Booking) -> bool:
    return booking.status is BookingStatus.HELD and booking.deposit.status is DepositStatus.PENDING


def paid_change(
    ctx: Context, booking: Booking, version: int, intent: Intent, now: datetime
) -> tuple[Change, Booking]:
    """Held -> confirmed with the deposit paid by `intent` (checked by `mismatch`): one
    change, one ledger entry of what the provider took."""
    paid = booking.deposit.paid + intent.received
    done = booking.move_to(BookingStatus.CONFIRMED).with_deposit(DepositStatus.PAID, paid=paid)
    ids = {"payment_intent": intent.id}
    if intent.payment_method:
        ids["payment_method"] = intent.payment_method
    done = with_ref(done, **ids)
    change = Change(updated=[(done, version)], holds_closed=[Hold.of(booking)])
    change.ledger.append(
        LedgerEntry(booking.id, "paid", intent.received, intent.currency, now, ref=intent.id)
    )
    change.outbox = notify(ctx, done, now, "deposit_confirmed")
    change += on_confirmed(ctx, done, now)
    return change, done


def returned(booking: Booking) -> list[str]:
    """The intents taken for this booking that it did not accept, each given back."""
    return ref_ids(booking, "returned") + ref_ids(booking, "late_intent")


def refund_job(
    booking: Booking,
    intent_id: str,
    amount: int,
    currency: str,
    reason: str,
    now: datetime,
    *,
    kind: JobKind = JobKind.REFUND,
    row: str = "refunded",
    tag: str = "",
) -> Job:
    """A refund the clock makes; `reason` names its idempotency key, `row` its ledger kind."""
    data = {"intent": intent_id, "amount": amount, "currency": currency, "reason": reason}
    return Job(booking.id, kind, now, {**data, "row": row}, tag)


def give_back(booking: Booking, version: int, intent: Intent, now: datetime) -> Change:
    """Money taken that this booking cannot accept (it no longer waits for it, or the
    amount or currency is wrong): recorded as received, and refunded in full by the
    clock, so the ledger and the provider never disagree."""
    ids = ",".join([*returned(booking), intent.id])
    change = Change(updated=[(with_ref(booking, returned=ids), version)])
    cur, took = intent.currency, intent.received
    change.ledger.append(LedgerEntry(booking.id, "paid", took, cur, now, ref=intent.id))
    reason = f"return-{intent.id}"
    change.jobs.append(refund_job(booking, intent.id, took, cur, reason, now, tag=intent.id))
    return change


def report_mismatch(booking: Booking, intent: Intent, why: str) -> None:
    """An alarm line: a payment the server refused to count (ids only, no personal data)."""
    log.error(
        "deposit_mismatch %s booking=%s intent=%s took=%s %s due=%s %s",
        why,
        booking.id,
        intent.id,
        intent.received,
        intent.currency,
        still_due(booking),
        booking.deposit.amount.currency,
    )
