"""What a client does from the manage page: preview, cancel, reschedule, switch mode."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from keepslot.domain.actions import Record, Who, allowed, waiver_block
from keepslot.domain.availability import Span, check_start, lock_grid
from keepslot.domain.booking import Booking, BookingStatus, Deposit, DepositStatus, Mode
from keepslot.domain.errors import InvalidInput
from keepslot.domain.policy import Action, Fate, Outcome, decide
from keepslot.domain.refill import refill_preview
from keepslot.domain.terms import Returned
from keepslot.service.clients import record_of, waiver_words
from keepslot.service.confirm import usable_credit
from keepslot.service.confirmed import on_confirmed
from keepslot.service.context import Context, booking_for
from keepslot.service.ending import end_booking
from keepslot.service.jobs_plan import jobs_for
from keepslot.service.mail import notify
from keepslot.service.new_booking import service_of, take_slot
from keepslot.service.offers import offer_job
from keepslot.service.ports.changes import Change, ClientEvent, Hold
from keepslot.service.refill_claims import file_freed
from keepslot.service.settle import settle


@dataclass(frozen=True)
class Preview:
    booking: Booking
    cancel: Outcome | None
    reschedule: Outcome | None
    actions: list[str]
    waiver: str | None = None  # why the emergency waiver is not offered, when it is not
    credit: int = 0  # what the client's credit would pay on Confirm (emailed link only)
    can_act: bool = True  # False: the booking answer's link, which only looks and pays


@dataclass(frozen=True)
class ActionResult:
    booking: Booking
    outcome: Outcome
    new_booking: Booking | None = None


def preview(ctx: Context, booking_id: str, now: datetime, *, can_act: bool = True) -> Preview:
    """The booking and what each action would do now. The booking answer's link
    (`can_act` False) sees the booking alone: no actions, nothing of the client's record."""
    booking, _ = ctx.store.get_booking(booking_id)
    if not can_act:
        return Preview(booking, None, None, [], can_act=False)
    changeable = booking.is_open and now < booking.start
    credit_may_pay = (
        booking.confirmed_at is None
        and booking.status is not BookingStatus.CONFIRMED
        and booking.deposit.status is DepositStatus.PENDING
    )
    record = Record()
    # The client's record is read only when a button depends on it.
    if not changeable or credit_may_pay:
        snap = ctx.store.client_snapshot(booking.client.key)
        credit = usable_credit(snap, booking) if changeable and credit_may_pay else 0
        record = record_of(ctx, booking, snap, now, credit)
    actions = allowed(booking, now, Who.CLIENT, record)
    if not changeable:
        code = waiver_block(booking, now, record, Who.CLIENT)
        why = None if code in (None, "not_eligible") else waiver_words(ctx, code or "")
        return Preview(booking, None, None, actions, why)
    return Preview(
        booking,
        decide(booking, Action.CANCEL, now) if "cancel" in actions else None,
        decide(booking, Action.RESCHEDULE, now) if "reschedule" in actions else None,
        actions,
        credit=record.credit,
    )


def cancel(ctx: Context, booking_id: str, now: datetime, reason: str | None = None) -> ActionResult:
    booking, version = booking_for(ctx, booking_id, now, Who.CLIENT, "cancel")
    outcome = decide(booking, Action.CANCEL, now)
    change, done = end_booking(ctx, booking, version, outcome, now, BookingStatus.CANCELLED)
    kind = "late_cancel" if outcome.strike else "early_cancel"
    change.events.append(ClientEvent(booking.client.key, kind, now, booking.id))
    change += file_freed(booking, outcome)
    # What a refill would give back: the client hears it may still happen.
    extra: dict[str, Any] = {"reason": reason or "", "refill_may": refill_preview(booking, outcome)}
    change.outbox += notify(ctx, done, now, "cancelled", outcome=outcome, extra=extra)
    ctx.store.commit(change)
    return ActionResult(done, outcome)


def switch_mode(ctx: Context, booking_id: str, now: datetime, mode: Mode) -> ActionResult:
    booking, version = booking_for(ctx, booking_id, now, Who.CLIENT, "mode")
    service = service_of(ctx, booking.service)
    if mode not in service.modes:
        raise InvalidInput(f"{service.name} is not offered as {mode.value}", field="mode")
    outcome = decide(booking, Action.MODE_SWITCH, now)
    if mode is booking.mode:
        return ActionResult(booking, outcome)
    done = replace(booking, mode=mode)
    change = Change(updated=[(done, version)])
    change.outbox = notify(
        ctx, done, now, "mode_changed", outcome=outcome, extra={"old_mode": booking.mode.value}
    )
    ctx.store.commit(change)
    return ActionResult(done, outcome)


def reschedule(ctx: Context, booking_id: str, now: datetime, start: datetime) -> ActionResult:
    booking, version = booking_for(ctx, booking_id, now, Who.CLIENT, "reschedule")
    service = service_of(ctx, booking.service)
    schedule = ctx.config.schedule()
    check_start(schedule, service.minutes, start, [], now)
    if start == booking.start:
        raise InvalidInput(
            "that is the current time of the booking", field="start", reason="same_time"
        )
    outcome = decide(booking, Action.RESCHEDULE, now)
    new = _moved(ctx, booking, start, now, outcome)
    # A late move's credit pays the new deposit at once: that part moves there (`carried`).
    carry = 0 if outcome.fate is Fate.CARRIED else new.deposit.paid
    old_change, old_done = settle(
        ctx, booking, outcome, now, BookingStatus.RESCHEDULED, carry=carry
    )
    old_done = replace(old_done, rescheduled_to=new.id)
    change = Change(new_bookings=[new], updated=[(old_done, version)])
    change += old_change
    change += _swap_locks(ctx, booking, new)
    change.jobs += offer_job(ctx, booking, now)  # the old time, as far as the new one leaves it
    change.events.append(ClientEvent(booking.client.key, "reschedule", now, booking.id))
    if outcome.strike:
        change.events.append(ClientEvent(booking.client.key, "late_reschedule", now, booking.id))
    if new.status is BookingStatus.HELD:
        change.holds_open.append(Hold.of(new))
    change.jobs += jobs_for(new, ctx.config, now)
    change += on_confirmed(ctx, new, now)
    change.outbox += notify(
        ctx,
        new,
        now,
        "rescheduled",
        outcome=outcome,
        extra={"old_start": old_done.start.isoformat(), "old_id": booking.id},
    )
    ctx.store.commit(change)
    return ActionResult(old_done, outcome, new)


def _moved(ctx: Context, old: Booking, start: datetime, now: datetime, o: Outcome) -> Booking:
    """The new booking: an early move carries the deposit, a late one needs a new deposit."""
    end = start + (old.end - old.start)
    base = replace(
        old,
        id=ctx.new_id(),
        start=start,
        end=end,
        created_at=now,
        rescheduled_from=old.id,
        rescheduled_to=None,
    )
    if o.fate in (Fate.CARRIED, Fate.NONE) and old.deposit.status is not DepositStatus.PENDING:
        return base
    # A late move: a new deposit is due, held like any new booking's. The returned part
    # (as credit) pays toward it straight away; any rest stays a credit (settle issues it).
    credit = o.returned.amount if o.returned and o.returned.as_ is Returned.CREDIT else 0
    due = old.deposit.amount
    paid = min(credit, due.amount)
    held = replace(
        base,
        status=BookingStatus.HELD,
        deposit=Deposit(due, DepositStatus.PENDING),
        hold_until=now + ctx.config.hold_length(),
    )
    if paid < due.amount:
        return held.with_deposit(DepositStatus.PENDING, paid=paid, from_credit=paid)
    done = held.with_deposit(DepositStatus.PAID, paid=paid, from_credit=paid)
    return replace(done.move_to(BookingStatus.CONFIRMED), hold_until=None)


def _swap_locks(ctx: Context, old: Booking, new: Booking) -> Change:
    """Release and take only the difference; shared grid cells move to the new booking."""
    schedule = ctx.config.schedule()
    before = set(lock_grid(schedule, Span(old.start, old.end)))
    after = set(lock_grid(schedule, Span(new.start, new.end)))
    change = Change(
        take_locks=[(at, new.id) for at in sorted(after - before)],
        release_locks=[(at, old.id) for at in sorted(before - after)],
        move_locks=[(at, old.id, new.id) for at in sorted(before & after)],
    )
    old_day = take_slot(ctx, old).day_counts[0][0]
    new_day = take_slot(ctx, new).day_counts[0][0]
    if old_day != new_day:
        change.day_counts = [(old_day, -1, None), (new_day, 1, schedule.daily_cap)]
    return change
