"""Card deposits through a payment provider (Stripe): the port and the use cases.

Money moves only on the server, and only while the booking can still take it:
the page saves the card (a SetupIntent), then the server charges the deposit
(a PaymentIntent) and confirms the booking in one transaction. The webhook
does the same on its own, whichever comes first; the booking's version
condition lets exactly one of them write the ledger entry.

Refunds are decided inside the change that settles an outcome (a `refund` job
due at once) and made by the clock with an idempotency key, then recorded: a
crash between the provider's call and the write is repaired by the next run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from keepslot.domain.booking import Booking, BookingStatus, DepositStatus
from keepslot.domain.errors import DomainError, NotAllowedNow, NotFound
from keepslot.service.changes import Change, EventSeen, Job, JobKind, LedgerEntry
from keepslot.service.context import Context
from keepslot.service.mail import notify
from keepslot.service.snapshots import DueItem

EVENT_RETRIES = 5


class PaymentDeclined(DomainError):
    code = "payment_declined"

    def __init__(self, message: str, *, intent_id: str | None = None) -> None:
        super().__init__(message)
        self.intent_id = intent_id  # the declined PaymentIntent, when Stripe made one


class PaymentUnavailable(DomainError):
    code = "payment_unavailable"


class BadEvent(DomainError):
    """A webhook whose signature is wrong or stale, or whose body is not an event."""

    code = "bad_signature"


@dataclass(frozen=True, slots=True)
class CardSetup:
    customer: str
    setup_intent: str
    client_secret: str


@dataclass(frozen=True, slots=True)
class Intent:
    id: str
    status: str  # succeeded, processing, requires_action, requires_payment_method, canceled
    amount: int
    currency: str
    payment_method: str | None = None
    booking_id: str | None = None


@dataclass(frozen=True, slots=True)
class Refund:
    id: str
    amount: int


class PaymentGateway(Protocol):
    publishable_key: str
    js_url: str

    def setup_card(self, booking: Booking) -> CardSetup: ...
    def client_secret(self, setup_intent: str) -> str: ...
    def charge_deposit(self, booking: Booking) -> Intent: ...
    def retrieve_intent(self, intent_id: str) -> Intent: ...
    def cancel_intent(self, intent_id: str) -> Intent: ...
    def refund(self, intent_id: str, amount: int, key: str, booking_id: str) -> Refund: ...
    def charge_fee(self, booking: Booking) -> Intent: ...
    def parse_event(self, payload: bytes, signature: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class PaymentsContext(Context):
    """The use cases' context plus the payment gateway (built lazily by the wiring)."""

    payments: PaymentGateway | None = None


def gateway(ctx: Context) -> PaymentGateway | None:
    """The gateway when payments are by card, else None (offline mode)."""
    if ctx.config.payments.mode != "stripe" or not isinstance(ctx, PaymentsContext):
        return None
    return ctx.payments


def _gateway(ctx: Context) -> PaymentGateway:
    gw = gateway(ctx)
    if gw is None:
        raise NotAllowedNow("card payments are not enabled")
    return gw


def _with_ref(booking: Booking, **ids: str) -> Booking:
    return replace(booking, payment_ref={**booking.payment_ref, **ids})


# ---- booking: save the card -------------------------------------------------


def start(ctx: Context, booking: Booking) -> CardSetup | None:
    """The Customer and SetupIntent the page confirms; None when no card payment is due."""
    gw = gateway(ctx)
    if (
        gw is None
        or booking.status is not BookingStatus.HELD
        or booking.deposit.status is not DepositStatus.PENDING
    ):
        return None
    ref = booking.payment_ref
    # A replayed request gets the same intent again; a booking moved here from another
    # (a late reschedule) carries that one's ids, and needs a card setup of its own.
    if ref.get("setup_intent") and ref.get("setup_for") == booking.id:
        return CardSetup(
            ref["customer"], ref["setup_intent"], gw.client_secret(ref["setup_intent"])
        )
    setup = gw.setup_card(booking)
    current, version = ctx.store.get_booking(booking.id)
    done = _with_ref(
        current, customer=setup.customer, setup_intent=setup.setup_intent, setup_for=booking.id
    )
    ctx.store.commit(Change(updated=[(done, version)]))
    return setup


# ---- the page reports the card saved: charge the deposit --------------------


def confirm(ctx: Context, booking_id: str, now: datetime) -> Booking:
    """POST /api/manage/payment: charge the saved card and confirm, or say why not."""
    booking, version = ctx.store.get_booking(booking_id)
    if booking.deposit.status is not DepositStatus.PENDING:
        return booking  # paid already (the webhook came first) or nothing due
    if booking.status is not BookingStatus.HELD or (
        booking.hold_until is not None and booking.hold_until <= now
    ):
        raise NotAllowedNow(f"this booking is {booking.status.value}: no payment is taken now")
    if booking.payment_ref.get("setup_for") != booking.id:
        raise NotAllowedNow("there is no card payment waiting on this booking")
    try:
        intent = _gateway(ctx).charge_deposit(booking)
    except PaymentDeclined as e:
        if e.intent_id:  # recorded, so that the hold's expiry cancels it
            ctx.store.commit(
                Change(updated=[(_with_ref(booking, payment_intent=e.intent_id), version)])
            )
        raise
    if intent.status != "succeeded":
        # Keep the hold; the intent is recorded so that the expiry can cancel it.
        ctx.store.commit(Change(updated=[(_with_ref(booking, payment_intent=intent.id), version)]))
        raise PaymentDeclined("the card could not be charged; please try another card")
    change, done = paid_change(ctx, booking, version, intent, now)
    try:
        ctx.store.commit(change)
    except DomainError:
        again, _ = ctx.store.get_booking(booking_id)
        if again.deposit.status is DepositStatus.PAID:
            return again  # the webhook recorded the same payment first
        raise
    return done


def paid_change(
    ctx: Context, booking: Booking, version: int, intent: Intent, now: datetime
) -> tuple[Change, Booking]:
    """Held -> confirmed with the deposit paid by `intent`: one change, one ledger entry."""
    due = booking.deposit.amount.amount
    done = booking.move_to(BookingStatus.CONFIRMED).with_deposit(DepositStatus.PAID, paid=due)
    ids = {"payment_intent": intent.id}
    if intent.payment_method:
        ids["payment_method"] = intent.payment_method
    done = _with_ref(done, **ids)
    change = Change(updated=[(done, version)], holds_closed=[(booking.client.key, booking.id)])
    received = due - booking.deposit.paid
    cur = booking.deposit.amount.currency
    change.ledger.append(LedgerEntry(booking.id, "paid", received, cur, now, ref=intent.id))
    change.outbox = notify(ctx, done, now, "deposit_confirmed")
    return change, done


# ---- webhook events -----------------------------------------------------------


def handle_event(ctx: Context, event: dict[str, Any], now: datetime) -> str:
    """Apply one verified event exactly once; returns what happened (for the log)."""
    event_id = str(event["id"])
    for _ in range(EVENT_RETRIES):
        try:
            change, what = _event_change(ctx, str(event["type"]), event["data"]["object"], now)
            change.provider_events.append(event_id)
            ctx.store.commit(change)
            return what
        except EventSeen:
            return "duplicate"
        except NotFound:
            return _only_mark(ctx, event_id, "unknown booking")
        except DomainError:
            continue  # a concurrent change won: read again and decide again
    raise PaymentUnavailable("the event could not be recorded; the provider will retry")


def _only_mark(ctx: Context, event_id: str, what: str) -> str:
    try:
        ctx.store.commit(Change(provider_events=[event_id]))
    except EventSeen:
        return "duplicate"
    return what


def _booking_id(obj: dict[str, Any]) -> str | None:
    meta = obj.get("metadata") or {}
    value = meta.get("booking_id")
    return str(value) if value else None


def _event_change(
    ctx: Context, kind: str, obj: dict[str, Any], now: datetime
) -> tuple[Change, str]:
    if kind == "payment_intent.succeeded":
        return _intent_succeeded(ctx, obj, now)
    if kind in ("payment_intent.payment_failed", "payment_intent.canceled"):
        return _intent_failed(ctx, obj, now)
    if kind == "charge.refunded":
        return _charge_refunded(ctx, obj, now)
    return Change(), "ignored"


def _intent_from(obj: dict[str, Any]) -> Intent:
    pm = obj.get("payment_method")
    return Intent(
        id=str(obj["id"]),
        status=str(obj.get("status") or ""),
        amount=int(obj.get("amount") or 0),
        currency=str(obj.get("currency") or ""),
        payment_method=pm if isinstance(pm, str) else None,
        booking_id=_booking_id(obj),
    )


def _intent_succeeded(ctx: Context, obj: dict[str, Any], now: datetime) -> tuple[Change, str]:
    intent = _intent_from(obj)
    if not intent.booking_id or (obj.get("metadata") or {}).get("kind", "deposit") != "deposit":
        return Change(), "not a deposit"
    booking, version = ctx.store.get_booking(intent.booking_id)
    if booking.payment_ref.get("payment_intent") == intent.id and (
        booking.deposit.status is not DepositStatus.PENDING
    ):
        return Change(), "already recorded"
    if booking.status is BookingStatus.HELD and booking.deposit.status is DepositStatus.PENDING:
        change, _ = paid_change(ctx, booking, version, intent, now)
        return change, "confirmed"
    # Paid, but the booking no longer takes it (expired or cancelled meanwhile): record
    # the money and give it back, so money and state never disagree.
    cur = intent.currency.upper() or booking.deposit.amount.currency
    change = Change(updated=[(_with_ref(booking, late_intent=intent.id), version)])
    change.ledger.append(LedgerEntry(booking.id, "paid", intent.amount, cur, now, ref=intent.id))
    change.jobs.append(refund_job(booking, intent.id, intent.amount, cur, "late_payment", now))
    return change, "late payment refunded"


def _intent_failed(ctx: Context, obj: dict[str, Any], now: datetime) -> tuple[Change, str]:
    intent = _intent_from(obj)
    if not intent.booking_id:
        return Change(), "not ours"
    booking, _ = ctx.store.get_booking(intent.booking_id)
    if booking.status is not BookingStatus.HELD or booking.deposit.status is not (
        DepositStatus.PENDING
    ):
        return Change(), "ignored: booking already settled"  # never releases a paid slot
    # The hold stays until it expires: the client may try another card meanwhile.
    change = Change(outbox=notify(ctx, booking, now, "payment_failed", freelancer=False))
    return change, "client told"


def _charge_refunded(ctx: Context, obj: dict[str, Any], now: datetime) -> tuple[Change, str]:
    booking_id = _booking_id(obj)
    intent_id = obj.get("payment_intent")
    if booking_id is None and isinstance(intent_id, str):
        booking_id = _gateway(ctx).retrieve_intent(intent_id).booking_id
    if booking_id is None:
        return Change(), "not ours"
    booking, version = ctx.store.get_booking(booking_id)
    refunds = ((obj.get("refunds") or {}).get("data")) or []
    change, known = Change(), _known_refunds(booking)
    cur = str(obj.get("currency") or booking.deposit.amount.currency).upper()
    for r in refunds:
        if r["id"] not in known:
            known.append(str(r["id"]))
            change.ledger.append(
                LedgerEntry(booking.id, "refunded", int(r["amount"]), cur, now, ref=str(r["id"]))
            )
    if not change.ledger:
        return change, "already recorded"
    change.updated.append((_with_ref(booking, refunds=",".join(known)), version))
    return change, "refund recorded"


def _known_refunds(booking: Booking) -> list[str]:
    return [r for r in booking.payment_ref.get("refunds", "").split(",") if r]


# ---- refunds and expiry, run by the clock ----------------------------------------


def refund_job(
    booking: Booking, intent_id: str, amount: int, currency: str, reason: str, now: datetime
) -> Job:
    data = {"intent": intent_id, "amount": amount, "currency": currency, "reason": reason}
    return Job(booking.id, JobKind.REFUND, now, data)


def card_refund(booking: Booking, amount: int, reason: str, now: datetime) -> Job | None:
    """The refund job for `amount` of a card-paid deposit (None when no card paid it)."""
    intent_id = booking.payment_ref.get("payment_intent")
    by_card = booking.deposit.paid - booking.deposit.from_credit
    amount = min(amount, by_card)
    if not intent_id or amount <= 0:
        return None
    return refund_job(booking, intent_id, amount, booking.deposit.amount.currency, reason, now)


def run_refund(
    ctx: Context, booking: Booking, version: int, item: DueItem, now: datetime
) -> Change:
    """Make the refund (idempotently) and record it with the provider's id."""
    data = json.loads(item.item.get("data") or "{}")
    key = f"refund-{booking.id}-{data['reason']}"
    refund = _gateway(ctx).refund(data["intent"], int(data["amount"]), key, booking.id)
    known = _known_refunds(booking)
    change = Change()
    if refund.id in known:
        return change  # the charge.refunded webhook recorded it first
    change.ledger.append(
        LedgerEntry(booking.id, "refunded", refund.amount, data["currency"], now, ref=refund.id)
    )
    change.updated.append((_with_ref(booking, refunds=",".join([*known, refund.id])), version))
    return change


def before_expiry(ctx: Context, booking: Booking, version: int, now: datetime) -> Change | None:
    """Before an unpaid hold expires: a payment we missed wins; otherwise cancel the intent."""
    gw = gateway(ctx)
    intent_id = booking.payment_ref.get("payment_intent")
    if gw is None or not intent_id or booking.status is not BookingStatus.HELD:
        return None
    intent = gw.retrieve_intent(intent_id)
    if intent.booking_id != booking.id:
        return None  # the deposit of the booking this one was moved from: not ours to touch
    if intent.status == "succeeded":
        change, _ = paid_change(ctx, booking, version, intent, now)
        return change
    if intent.status not in ("canceled", "processing"):
        gw.cancel_intent(intent_id)
    return None
