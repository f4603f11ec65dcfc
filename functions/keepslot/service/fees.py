"""The no-show fee: decided with the no-show, charged by the clock to the saved card.

Like a refund, the charge is a job in the no-show's own change, so the intent to
charge cannot be lost and the freelancer's button never waits on Stripe. The clock
charges once (idempotency key `fee-<booking>`) and records it; a declined card is
recorded and the freelancer told, never retried. Offline, or with no card saved,
the ledger keeps the fee as due: the freelancer asks for it by hand.

The fee's story lives on the booking's payment_ref:
  fee           "card" (the clock charges it) or "due" (asked for by hand)
  fee_try       an attempt began: Stripe may have charged even if we never heard back
  fee_pending   a charge Stripe is still processing (asked again, never made again)
  fee_intent    the PaymentIntent that paid it
  fee_declined  the card refused it
  fee_waived    an emergency waiver forgave it

A waiver and the charge may cross. The job marks `fee_try` before it calls Stripe:
a waiver that finds no attempt stops the charge; one that finds an attempt in flight
leaves it to the job, which finishes it (the same key: no second charge) and, seeing
the waiver, refunds it at once.
"""

from __future__ import annotations

from datetime import datetime

from keepslot.domain.booking import Booking, BookingStatus
from keepslot.domain.instants import iso
from keepslot.domain.policy import Outcome
from keepslot.service.context import Context, gateway
from keepslot.service.deposits import refund_job
from keepslot.service.mail import notify
from keepslot.service.ports.changes import Change, Job, JobKind, LedgerEntry
from keepslot.service.ports.gateway import (
    Intent,
    PaymentDeclined,
    PaymentGateway,
    PaymentUnavailable,
    with_ref,
)

WAIVER_REASON = "fee_waiver"  # the fee refund's idempotency key: refund-<booking>-fee_waiver


def by_card(ctx: Context, booking: Booking) -> bool:
    """Whether the clock can charge the fee: card payments on, and a card saved."""
    ref = booking.payment_ref
    return ctx.config.payments.mode == "stripe" and bool(
        ref.get("payment_method") and ref.get("customer")
    )


def on_no_show(
    ctx: Context, booking: Booking, outcome: Outcome, now: datetime
) -> tuple[Change, Booking]:
    """The fee's part of a no-show (`booking` as settled): a charge job, or a `fee_due` row."""
    if not outcome.fee:
        return Change(), booking
    if by_card(ctx, booking):
        return Change(jobs=[Job(booking.id, JobKind.FEE, now)]), with_ref(booking, fee="card")
    return _due(booking, outcome.fee, now)


def _due(booking: Booking, fee: int, now: datetime) -> tuple[Change, Booking]:
    cur = booking.deposit.amount.currency
    entry = LedgerEntry(booking.id, "fee_due", fee, cur, now)
    return Change(ledger=[entry]), with_ref(booking, fee="due")


def run_fee(ctx: Context, booking: Booking, version: int, now: datetime) -> Change:
    """The clock's fee job: charge the saved card once, and record what happened.

    PaymentUnavailable leaves the job due: the next tick asks again, with the same key.
    """
    ref = booking.payment_ref
    if "fee_intent" in ref or "fee_declined" in ref:
        return Change()  # settled already
    tried = "fee_try" in ref
    if booking.status is not BookingStatus.NO_SHOW or ("fee_waived" in ref and not tried):
        return Change()  # forgiven before any attempt: nothing was, or will be, charged
    gw = gateway(ctx)
    if gw is None:  # card payments were switched off meanwhile: ask for it by hand
        change, done = _due(booking, booking.terms.no_show_fee, now)
        change.updated.append((done, version))
        return change
    if not tried:
        ctx.store.commit(Change(updated=[(with_ref(booking, fee_try=iso(now)), version)]))
        booking, version = ctx.store.get_booking(booking.id)
    try:
        intent = _charge(ctx, gw, booking, version)
    except PaymentDeclined as e:
        return _declined(ctx, booking, version, e.intent_id, now)
    if intent.status != "succeeded":
        return _declined(ctx, booking, version, intent.id, now)
    cur = intent.currency or booking.deposit.amount.currency
    change = Change(updated=[(with_ref(booking, fee_intent=intent.id), version)])
    change.ledger.append(
        LedgerEntry(booking.id, "fee_charged", intent.received, cur, now, ref=intent.id)
    )
    if "fee_waived" in booking.payment_ref:  # forgiven while the charge was on its way
        change.jobs.append(_refund(booking, intent.id, intent.received, cur, now))
    return change


def _charge(ctx: Context, gw: PaymentGateway, booking: Booking, version: int) -> Intent:
    pending = booking.payment_ref.get("fee_pending")
    intent = gw.retrieve_intent(pending) if pending else gw.charge_fee(booking)
    if intent.status == "processing":  # neither paid nor refused yet: look again next tick
        if not pending:
            ctx.store.commit(Change(updated=[(with_ref(booking, fee_pending=intent.id), version)]))
        raise PaymentUnavailable("the no-show fee is still being processed")
    return intent


def _declined(
    ctx: Context, booking: Booking, version: int, intent_id: str | None, now: datetime
) -> Change:
    """Recorded, and the freelancer told kindly; never tried again by itself."""
    fee, cur = booking.terms.no_show_fee, booking.deposit.amount.currency
    done = with_ref(booking, fee_declined=intent_id or iso(now))
    change = Change(updated=[(done, version)])
    change.ledger.append(
        LedgerEntry(booking.id, "fee_declined", fee, cur, now, ref=intent_id or "")
    )
    if "fee_waived" not in booking.payment_ref:  # forgiven meanwhile: nothing to ask for
        change.outbox = notify(ctx, done, now, "fee_declined", client=False, extra={"fee": fee})
    return change


def _refund(booking: Booking, intent_id: str, amount: int, cur: str, now: datetime) -> Job:
    return refund_job(
        booking,
        intent_id,
        amount,
        cur,
        WAIVER_REASON,
        now,
        kind=JobKind.FEE_REFUND,
        row="fee_refunded",
    )


def on_waiver(booking: Booking, now: datetime) -> tuple[Change, Booking]:
    """What an emergency waiver does to a no-show's fee: refunded if charged, else forgiven."""
    ref = booking.payment_ref
    if booking.status is not BookingStatus.NO_SHOW or "fee" not in ref or "fee_waived" in ref:
        return Change(), booking
    done = with_ref(booking, fee_waived=iso(now))
    fee, cur = booking.terms.no_show_fee, booking.deposit.amount.currency
    if "fee_intent" in ref:
        return Change(jobs=[_refund(booking, ref["fee_intent"], fee, cur, now)]), done
    if "fee_try" in ref and "fee_declined" not in ref:
        return Change(), done  # a charge in flight: its job sees the waiver and refunds it
    return Change(ledger=[LedgerEntry(booking.id, "fee_waived", fee, cur, now)]), done
