"""Refunds and disputes the provider reports by webhook: each reaches the ledger, and the
freelancer hears of anything keepslot did not do itself.

- `charge.refunded`: a refund made here or in the Dashboard. A charge no longer carries
  its refunds (API version 2022-11-15), so they are listed from the provider.
- `refund.updated` (`charge.refund.updated`, `refund.failed`): a refund that failed
  after it was made gives the money back to the freelancer's balance, not the client.
- `charge.dispute.created`: the client's bank took the payment back pending a dispute.

The booking is always the one the provider's own PaymentIntent names, never the body's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from keepslot.domain.booking import Booking
from keepslot.domain.errors import NotFound
from keepslot.domain.instants import iso
from keepslot.service.context import Context, gateway, require_gateway
from keepslot.service.mail import notify
from keepslot.service.ports.changes import Change, LedgerEntry
from keepslot.service.ports.gateway import Intent, Refund, known_refunds, ref_ids, with_ref

Event = dict[str, Any]  # the object of the provider's event
Handled = tuple[Change, str]  # the change, and a word on what was done
Found = tuple[Intent, Booking, int]  # the provider's intent, its booking and that's version
Handler = Callable[[Context, Event, datetime], Handled]
OfPayment = Callable[[Context, Event, datetime, Found], Handled]
NOT_GOING_BACK = frozenset({"failed", "canceled"})


def _of_payment(inner: OfPayment) -> Handler:
    """The event's handler, given the intent its `payment_intent` names, as the provider
    has it, and that intent's booking; an event about anything else changes nothing."""

    def handler(ctx: Context, obj: Event, now: datetime) -> Handled:
        gw, intent_id = gateway(ctx), obj.get("payment_intent")
        if gw is None or not isinstance(intent_id, str) or not intent_id:
            return Change(), "not ours"
        try:
            intent = gw.retrieve_intent(intent_id)
        except NotFound:
            return Change(), "unknown payment"
        if not intent.booking_id:
            return Change(), "not ours"
        booking, version = ctx.store.get_booking(intent.booking_id)
        return inner(ctx, obj, now, (intent, booking, version))

    return handler


def _noted(booking: Booking, key: str, ids: list[str]) -> Booking:
    """The booking with the provider's `ids` added to its payment_ref list `key`."""
    return with_ref(booking, **{key: ",".join([*ref_ids(booking, key), *ids])})


def _row(intent: Intent) -> str:
    return "fee_refunded" if intent.kind == "no_show_fee" else "refunded"


def _money(amount: int, currency: str) -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


@_of_payment
def charge_refunded(ctx: Context, obj: Event, now: datetime, found: Found) -> Handled:
    listed = require_gateway(ctx).refunds_of(found[0].id)  # the gateway that found the intent
    refunds = [r for r in listed if r.status not in NOT_GOING_BACK]
    return _record(ctx, found, refunds, now)


def _record(ctx: Context, found: Found, refunds: list[Refund], now: datetime) -> Handled:
    """Ledger rows for the refunds not yet in it; an alert for those made outside keepslot."""
    intent, booking, version = found
    skip = {*known_refunds(booking), *ref_ids(booking, "refunds_failed")}
    new = [r for r in refunds if r.id not in skip]
    if not new:
        return Change(), "already recorded"
    change = Change()
    for r in new:
        cur = r.currency or intent.currency
        change.ledger.append(LedgerEntry(booking.id, _row(intent), r.amount, cur, now, ref=r.id))
    done = _noted(booking, "refunds", [r.id for r in new])
    change.updated.append((done, version))
    outside = [r for r in new if not r.key]  # keepslot's own carry its key; these do not
    if outside:
        total = _money(sum(r.amount for r in outside), outside[0].currency or intent.currency)
        extra = {"refund": total | {"fee": intent.kind == "no_show_fee"}}
        change.outbox += notify(ctx, done, now, "refund_recorded", client=False, extra=extra)
    return change, "refund recorded"


@_of_payment
def refund_updated(ctx: Context, obj: Event, now: datetime, found: Found) -> Handled:
    meta = obj.get("metadata") or {}
    refund = Refund(
        id=str(obj["id"]),
        amount=int(obj.get("amount") or 0),
        status=str(obj.get("status") or ""),
        key=str(meta.get("keepslot_key") or ""),
        currency=str(obj.get("currency") or found[0].currency).upper(),
    )
    if refund.status in NOT_GOING_BACK:
        return _refund_failed(ctx, found, refund, now)
    if refund.status in ("succeeded", "pending"):
        return _record(ctx, found, [refund], now)
    return Change(), "ignored"


def _refund_failed(ctx: Context, found: Found, refund: Refund, now: datetime) -> Handled:
    """The client never got this refund: a `refund_failed` row undoes its `refunded` row
    (if one was written), and the freelancer is told to settle it by hand."""
    _, booking, version = found
    if refund.id in ref_ids(booking, "refunds_failed"):
        return Change(), "already recorded"
    change = Change()
    if refund.id in known_refunds(booking):
        change.ledger.append(
            LedgerEntry(booking.id, "refund_failed", refund.amount, refund.currency, now, refund.id)
        )
    done = _noted(booking, "refunds_failed", [refund.id])
    change.updated.append((done, version))
    extra = {"refund": _money(refund.amount, refund.currency)}
    change.outbox += notify(ctx, done, now, "refund_failed", client=False, extra=extra)
    return change, "refund failure recorded"


@_of_payment
def dispute_created(ctx: Context, obj: Event, now: datetime, found: Found) -> Handled:
    intent, booking, version = found
    dispute_id = str(obj["id"])
    if dispute_id in ref_ids(booking, "disputes"):
        return Change(), "already recorded"
    amount = int(obj.get("amount") or 0)
    cur = str(obj.get("currency") or intent.currency).upper()
    change = Change()
    change.ledger.append(LedgerEntry(booking.id, "disputed", amount, cur, now, ref=dispute_id))
    done = _noted(booking, "disputes", [dispute_id])
    change.updated.append((done, version))
    due_by = (obj.get("evidence_details") or {}).get("due_by")
    extra = {
        "dispute": _money(amount, cur)
        | {
            "reason": str(obj.get("reason") or "general"),
            "respond_by": iso(datetime.fromtimestamp(int(due_by), UTC)) if due_by else "",
            "fee": intent.kind == "no_show_fee",
        }
    }
    change.outbox += notify(ctx, done, now, "dispute_opened", client=False, extra=extra)
    return change, "dispute recorded"


HANDLERS: dict[str, Handler] = {
    "charge.refunded": charge_refunded,
    "refund.updated": refund_updated,
    "refund.failed": refund_updated,
    "charge.refund.updated": refund_updated,
    "charge.dispute.created": dispute_created,
}
