"""What the freelancer does from an alert: look, confirm a deposit, cancel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from keepslot.domain.booking import Booking, BookingStatus, DepositStatus
from keepslot.domain.errors import NotAllowedNow
from keepslot.domain.policy import Action, decide
from keepslot.service.booking import free_slot
from keepslot.service.changes import Change, LedgerEntry
from keepslot.service.context import Context
from keepslot.service.mail import notify
from keepslot.service.manage import Changed
from keepslot.service.money import settle
from keepslot.service.snapshots import ClientSnapshot


@dataclass(frozen=True)
class AdminView:
    booking: Booking
    client: ClientSnapshot
    actions: list[str]


def admin_view(ctx: Context, booking_id: str, now: datetime) -> AdminView:
    booking, _ = ctx.store.get_booking(booking_id)
    snap = ctx.store.client_snapshot(booking.client.key)
    return AdminView(booking, snap, allowed(booking, now))


def allowed(booking: Booking, now: datetime) -> list[str]:
    actions = []
    if booking.status is BookingStatus.HELD and booking.deposit.status is DepositStatus.PENDING:
        actions.append("confirm-deposit")
    if booking.is_open:
        actions.append("cancel")
    return actions


def confirm_deposit(ctx: Context, booking_id: str, now: datetime) -> Booking:
    booking, version = ctx.store.get_booking(booking_id)
    if "confirm-deposit" not in allowed(booking, now):
        raise NotAllowedNow(f"there is no pending deposit on a {booking.status.value} booking")
    due = booking.deposit.amount.amount
    done = booking.move_to(BookingStatus.CONFIRMED).with_deposit(DepositStatus.PAID, paid=due)
    received = due - booking.deposit.paid
    change = Change(updated=[(done, version)], holds_closed=[(booking.client.key, booking.id)])
    change.ledger.append(
        LedgerEntry(booking.id, "paid", received, booking.deposit.amount.currency, now, "offline")
    )
    change.outbox = notify(ctx, done, now, "deposit_confirmed")
    ctx.store.commit(change)
    return done


def freelancer_cancel(ctx: Context, booking_id: str, now: datetime) -> Changed:
    booking, version = ctx.store.get_booking(booking_id)
    if not booking.is_open:
        raise NotAllowedNow(f"this booking is {booking.status.value}")
    outcome = decide(booking, Action.FREELANCER_CANCEL, now)
    change, done = settle(ctx, booking, outcome, now, BookingStatus.CANCELLED)
    change.updated.append((done, version))
    change += free_slot(ctx, booking)
    if booking.status is not BookingStatus.CONFIRMED:
        change.holds_closed.append((booking.client.key, booking.id))
    change.outbox += notify(ctx, done, now, "cancelled_by_freelancer", outcome=outcome)
    ctx.store.commit(change)
    return Changed(done, outcome)
