"""What the freelancer does from an alert: look, confirm a deposit, cancel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from keepslot.domain.actions import Who
from keepslot.domain.booking import Booking, BookingStatus, DepositStatus
from keepslot.domain.instants import iso
from keepslot.domain.policy import Action, Outcome, decide
from keepslot.service import fees
from keepslot.service.clients import admin_actions
from keepslot.service.confirmed import on_confirmed
from keepslot.service.context import Context, booking_for
from keepslot.service.ending import end_booking
from keepslot.service.mail import notify
from keepslot.service.manage import ActionResult
from keepslot.service.ports.changes import Change, ClientEvent, Hold, LedgerEntry
from keepslot.service.ports.snapshots import ClientSnapshot
from keepslot.service.settle import settle


@dataclass(frozen=True)
class AdminView:
    booking: Booking
    client: ClientSnapshot
    actions: list[str]


def admin_view(ctx: Context, booking_id: str, now: datetime) -> AdminView:
    booking, _ = ctx.store.get_booking(booking_id)
    snap = ctx.store.client_snapshot(booking.client.key)
    return AdminView(booking, snap, admin_actions(ctx, booking, snap, now))


def arrived(ctx: Context, booking_id: str, now: datetime) -> Booking:
    booking, version = booking_for(ctx, booking_id, now, Who.FREELANCER, "arrived")
    done = booking.move_to(BookingStatus.COMPLETED)
    change = Change(updated=[(done, version)])
    change.events.append(ClientEvent(booking.client.key, "completed", now, booking.id))
    ctx.store.commit(change)
    return done


def waiting(ctx: Context, booking_id: str, now: datetime, until_minutes: int | None) -> Booking:
    """The freelancer is willing to wait: the client hears so, and until when."""
    booking, _ = booking_for(ctx, booking_id, now, Who.FREELANCER, "waiting")
    minutes = until_minutes if until_minutes is not None else booking.terms.grace_minutes or 15
    until = now + timedelta(minutes=max(1, min(minutes, 120)))
    extra = {"until": iso(until)}
    ctx.store.commit(
        Change(outbox=notify(ctx, booking, now, "waiting", freelancer=False, extra=extra))
    )
    return booking


def no_show(ctx: Context, booking_id: str, now: datetime) -> ActionResult:
    booking, version = booking_for(ctx, booking_id, now, Who.FREELANCER, "no-show")
    change, outcome, done = mark_no_show(ctx, booking, version, now, auto=False)
    ctx.store.commit(change)
    return ActionResult(done, outcome)


def mark_no_show(
    ctx: Context, booking: Booking, version: int, now: datetime, *, auto: bool
) -> tuple[Change, Outcome, Booking]:
    """Settle a no-show and write the client's kind follow-up (sent at once)."""
    outcome = decide(booking, Action.NO_SHOW, now)  # refuses before start + grace
    change, done = settle(ctx, booking, outcome, now, BookingStatus.NO_SHOW)
    fee, done = fees.on_no_show(ctx, done, outcome, now)
    change += fee
    change.updated.append((done, version))
    change.events.append(ClientEvent(booking.client.key, "no_show", now, booking.id))
    # The outcome's words say whether the fee goes on the saved card or is asked for by hand.
    by_hand = done.payment_ref.get("fee") == "due"
    extra = {"auto": auto, "fee_due": outcome.fee if by_hand else 0}
    change.outbox += notify(
        ctx, done, now, "no_show", outcome=outcome, freelancer=False, extra=extra
    )
    if auto:  # the freelancer pressed no button: this is news to them
        change.outbox += notify(
            ctx, done, now, "no_show", outcome=outcome, client=False, extra=extra
        )
    return change, outcome, done


def offer(ctx: Context, booking_id: str, now: datetime) -> Booking:
    """'Offer a new time': invite the client to book again (asked, never assumed)."""
    booking, _ = booking_for(ctx, booking_id, now, Who.FREELANCER, "offer")
    ctx.store.commit(Change(outbox=notify(ctx, booking, now, "offer", freelancer=False)))
    return booking


def confirm_deposit(ctx: Context, booking_id: str, now: datetime) -> Booking:
    booking, version = booking_for(ctx, booking_id, now, Who.FREELANCER, "confirm-deposit")
    due = booking.deposit.amount.amount
    done = booking.move_to(BookingStatus.CONFIRMED).with_deposit(DepositStatus.PAID, paid=due)
    received = due - booking.deposit.paid
    change = Change(updated=[(done, version)], holds_closed=[Hold.of(booking)])
    change.ledger.append(
        LedgerEntry(booking.id, "paid", received, booking.deposit.amount.currency, now, "offline")
    )
    change.outbox = notify(ctx, done, now, "deposit_confirmed")
    change += on_confirmed(ctx, done, now)
    ctx.store.commit(change)
    return done


def freelancer_cancel(ctx: Context, booking_id: str, now: datetime) -> ActionResult:
    booking, version = booking_for(ctx, booking_id, now, Who.FREELANCER, "cancel")
    outcome = decide(booking, Action.FREELANCER_CANCEL, now)
    change, done = end_booking(ctx, booking, version, outcome, now, BookingStatus.CANCELLED)
    change.outbox += notify(ctx, done, now, "cancelled_by_freelancer", outcome=outcome)
    ctx.store.commit(change)
    return ActionResult(done, outcome)
