"""POST /api/manage/confirm: the client presses Confirm on the link emailed to them.

The press proves the address is theirs, so it is the one moment the address's credit
may be spent: a booking waiting for its deposit takes what the credit covers, and one
with nothing left to pay (free, or covered in full) is confirmed. On a booking already
confirmed it records "I'll be there". `confirmed_at` is written once: pressing again,
or on another device, answers the first press.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from keepslot.domain.booking import OPEN, Booking, BookingStatus, DepositStatus
from keepslot.domain.credit import apply_credits
from keepslot.domain.errors import DomainError, NotAllowedNow, Superseded
from keepslot.service.confirmed import on_confirmed
from keepslot.service.context import Context
from keepslot.service.mail import notify
from keepslot.service.ports.changes import Change, ClientEvent, Hold, LedgerEntry
from keepslot.service.ports.snapshots import ClientSnapshot


def confirm(ctx: Context, booking_id: str, now: datetime) -> Booking:
    booking, version = ctx.store.get_booking(booking_id)
    if booking.confirmed_at is not None:
        return booking
    _still_open(booking, now)
    done = replace(booking, confirmed_at=now)
    change = Change()
    if booking.deposit.status is DepositStatus.PENDING:
        done, change = _spend_credit(ctx, done, now)
    if done.status is BookingStatus.HELD and done.deposit.status is not DepositStatus.PENDING:
        done = replace(done.move_to(BookingStatus.CONFIRMED), hold_until=None)
        change.holds_closed.append(Hold.of(booking))
        if done.deposit.status is DepositStatus.PAID:
            extra = {"by_credit": done.deposit.from_credit - booking.deposit.from_credit}
            change.outbox += notify(ctx, done, now, "deposit_confirmed", extra=extra)
        else:
            change.outbox += notify(ctx, done, now, "booking_confirmed")
        change += on_confirmed(ctx, done, now)
    change.updated.append((done, version))
    # History and the report: the client said they will be there (or proved the address).
    change.events.append(ClientEvent(booking.client.key, "confirmed", now, booking.id))
    try:
        ctx.store.commit(change)
    except DomainError:
        again, _ = ctx.store.get_booking(booking_id)
        if again.confirmed_at is not None:
            return again  # the other press (another tab, a retry) got there first
        raise
    return done


def _still_open(booking: Booking, now: datetime) -> None:
    if booking.status is BookingStatus.RESCHEDULED:
        raise Superseded("this booking was moved; use the link of the new booking")
    if booking.status not in OPEN or booking.start <= now:
        raise NotAllowedNow(f"this booking is {booking.status.value}: there is nothing to confirm")
    held = booking.status is not BookingStatus.CONFIRMED
    if held and booking.hold_until is not None and booking.hold_until <= now:
        raise NotAllowedNow("the time was held until the link's deadline, which has passed")


def usable_credit(snap: ClientSnapshot, booking: Booking) -> int:
    """What the client's credit would pay toward what `booking` still asks."""
    if booking.deposit.status is not DepositStatus.PENDING:
        return 0
    due = booking.deposit.amount.amount - booking.deposit.paid
    cur = booking.deposit.amount.currency
    # A credit pays a booking made by its deadline, however late the Confirm comes.
    _, left = apply_credits(snap.credits, due, booking.created_at, currency=cur)
    return due - left


def _spend_credit(ctx: Context, booking: Booking, now: datetime) -> tuple[Booking, Change]:
    """The client's credit pays what it can of the deposit still due."""
    snap = ctx.store.client_snapshot(booking.client.key)
    dep = booking.deposit
    cur = dep.amount.currency
    due = dep.amount.amount - dep.paid
    used, left = apply_credits(snap.credits, due, booking.created_at, currency=cur)
    taken = sum(amount for _, amount in used)
    change = Change(credits_used=used)
    if not taken:
        return booking, change
    change.ledger = [
        LedgerEntry(booking.id, "credit_applied", amount, cur, now, ref=c.source_booking_id)
        for c, amount in used
    ]
    deposit = replace(dep, paid=dep.paid + taken, from_credit=dep.from_credit + taken)
    done = replace(booking, deposit=deposit)
    if left == 0:
        done = done.with_deposit(DepositStatus.PAID)
    return done, change
