"""Stripe's webhook events, each applied once, in any order (DESIGN section 6).

Each event id is recorded in the same transaction as the change it causes, so a
redelivery is a no-op; a concurrent change makes the event read and decide again.
When the provider itself fails mid-event, PaymentUnavailable: the webhook answers
503 and the provider delivers the event again later.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from keepslot.domain.booking import BookingStatus, DepositStatus
from keepslot.domain.errors import DomainError, NotFound, Unavailable
from keepslot.service.changes import Change, EventSeen, LedgerEntry
from keepslot.service.context import Context
from keepslot.service.mail import notify
from keepslot.service.payments import (
    Intent,
    PaymentUnavailable,
    gateway,
    known_refunds,
    paid_change,
    refund_job,
    with_ref,
)

EVENT_RETRIES = 5


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
        except Unavailable:
            raise  # the provider itself failed: reading again will not help, its retry will
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
    change = Change(updated=[(with_ref(booking, late_intent=intent.id), version)])
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
    gw = gateway(ctx)
    if booking_id is None and isinstance(intent_id, str) and gw is not None:
        booking_id = gw.retrieve_intent(intent_id).booking_id  # a refund made outside keepslot
    if booking_id is None:
        return Change(), "not ours"
    booking, version = ctx.store.get_booking(booking_id)
    refunds = ((obj.get("refunds") or {}).get("data")) or []
    change, known = Change(), known_refunds(booking)
    cur = str(obj.get("currency") or booking.deposit.amount.currency).upper()
    for r in refunds:
        if r["id"] not in known:
            known.append(str(r["id"]))
            change.ledger.append(
                LedgerEntry(booking.id, "refunded", int(r["amount"]), cur, now, ref=str(r["id"]))
            )
    if not change.ledger:
        return change, "already recorded"
    change.updated.append((with_ref(booking, refunds=",".join(known)), version))
    return change, "refund recorded"
