"""Stripe's webhook events, each applied once, in any order.

Each event id is recorded in the same transaction as the change it causes, so a
redelivery is a no-op; a concurrent change makes the event read and decide again.
When the provider itself fails mid-event, PaymentUnavailable: the webhook answers
503 and the provider delivers the event again later.

An event's body is a claim, not a fact: a deposit is recorded only from the
PaymentIntent the server retrieves from the provider (service/deposits.py checks
it). Refunds and disputes are in service/refund_events.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from keepslot.domain.booking import BookingStatus, DepositStatus
from keepslot.domain.errors import DomainError, NotFound, Unavailable
from keepslot.service import refund_events
from keepslot.service.context import Context, gateway
from keepslot.service.deposits import (
    give_back,
    mismatch,
    paid_change,
    report_mismatch,
    returned,
    takes_payment,
)
from keepslot.service.mail import notify
from keepslot.service.ports.changes import Change, EventSeen
from keepslot.service.ports.gateway import Intent, PaymentUnavailable

EVENT_RETRIES = 5


def handle_event(ctx: Context, event: dict[str, Any], now: datetime) -> str:
    """Apply one verified event exactly once; returns what happened (for the log)."""
    event_id = str(event["id"])
    for _ in range(EVENT_RETRIES):
        try:
            change, what = _event_change(ctx, str(event["type"]), event["data"]["object"], now)
            change.provider_events.append((event_id, now))
            ctx.store.commit(change)
            return what
        except EventSeen:
            return "duplicate"
        except NotFound:
            return _only_mark(ctx, event_id, now, "unknown booking")
        except Unavailable:
            raise  # the provider itself failed: reading again will not help, its retry will
        except DomainError:
            continue  # a concurrent change won: read again and decide again
    raise PaymentUnavailable("the event could not be recorded; the provider will retry")


def _only_mark(ctx: Context, event_id: str, now: datetime, what: str) -> str:
    try:
        ctx.store.commit(Change(provider_events=[(event_id, now)]))
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
    handler = refund_events.HANDLERS.get(kind)
    if handler is not None:
        return handler(ctx, obj, now)
    return Change(), "ignored"


def _intent_from(obj: dict[str, Any]) -> Intent:
    pm = obj.get("payment_method")
    return Intent(
        id=str(obj["id"]),
        status=str(obj.get("status") or ""),
        amount=int(obj.get("amount") or 0),
        currency=str(obj.get("currency") or "").upper(),
        payment_method=pm if isinstance(pm, str) else None,
        booking_id=_booking_id(obj),
    )


def _intent_succeeded(ctx: Context, obj: dict[str, Any], now: datetime) -> tuple[Change, str]:
    if not _booking_id(obj) or (obj.get("metadata") or {}).get("kind", "deposit") != "deposit":
        return Change(), "not a deposit"
    gw = gateway(ctx)
    if gw is None:
        return Change(), "card payments are off"
    try:
        intent = gw.retrieve_intent(str(obj["id"]))
    except NotFound:
        return Change(), "unknown payment"  # a made-up intent: nothing was paid
    if not intent.booking_id or intent.kind != "deposit":
        return Change(), "not a deposit"
    booking, version = ctx.store.get_booking(intent.booking_id)
    if intent.id in returned(booking) or (
        booking.payment_ref.get("payment_intent") == intent.id
        and booking.deposit.status is not DepositStatus.PENDING
    ):
        return Change(), "already recorded"
    if intent.status != "succeeded":
        return Change(), "not paid"  # Stripe says otherwise; its own event will follow
    wrong = mismatch(booking, intent)
    if wrong is None and takes_payment(booking):
        change, _ = paid_change(ctx, booking, version, intent, now)
        return change, "confirmed"
    # Paid, but not what this booking takes, or no longer wanted (expired or cancelled
    # meanwhile): record the money and give it back, so money and state never disagree.
    if wrong is not None:
        report_mismatch(booking, intent, wrong)
    what = "late payment refunded" if wrong is None else f"refunded: wrong {wrong}"
    return give_back(booking, version, intent, now), what


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
