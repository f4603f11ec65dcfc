"""What a client does from the manage page: preview, cancel, reschedule, switch mode."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from keepslot.domain.availability import Span, check_start, lock_grid
from keepslot.domain.booking import Booking, BookingStatus, DepositStatus, Mode
from keepslot.domain.errors import InvalidInput, NotAllowedNow, Superseded
from keepslot.domain.policy import Action, Fate, Outcome, decide
from keepslot.domain.terms import Returned
from keepslot.service.booking import free_slot, service_of, take_slot
from keepslot.service.changes import Change, ClientEvent, Hold
from keepslot.service.clients import waiver_note
from keepslot.service.confirm import usable_credit
from keepslot.service.context import Context
from keepslot.service.jobs_plan import jobs_for
from keepslot.service.mail import notify
from keepslot.service.money import settle

ACTIVE = (BookingStatus.HELD, BookingStatus.CONFIRMED, BookingStatus.PENDING_APPROVAL)


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
class Changed:
    booking: Booking
    outcome: Outcome
    new_booking: Booking | None = None


def preview(ctx: Context, booking_id: str, now: datetime, *, can_act: bool = True) -> Preview:
    """The booking and what each action would do now. The booking answer's link
    (`can_act` False) sees the booking alone: no actions, nothing of the client's record."""
    booking, _ = ctx.store.get_booking(booking_id)
    if not can_act:
        return Preview(booking, None, None, [], can_act=False)
    if booking.status not in ACTIVE or booking.start <= now:
        offer, why = waiver_note(ctx, booking, now)
        return Preview(booking, None, None, ["waiver"] if offer else [], why)
    actions = ["cancel", "mode"]
    if booking.status is BookingStatus.CONFIRMED:
        actions.insert(1, "reschedule")
    credit = 0
    if booking.confirmed_at is None and booking.status is not BookingStatus.CONFIRMED:
        if booking.deposit.status is DepositStatus.PENDING:
            credit = usable_credit(ctx.store.client_snapshot(booking.client.key), booking)
        if credit or booking.deposit.status is DepositStatus.NONE:
            actions.insert(0, "confirm")
    return Preview(
        booking,
        decide(booking, Action.CANCEL, now),
        decide(booking, Action.RESCHEDULE, now) if "reschedule" in actions else None,
        actions,
        credit=credit,
    )


def _active(booking: Booking, now: datetime) -> None:
    if booking.status is BookingStatus.RESCHEDULED:
        raise Superseded("this booking was moved; use the link of the new booking")
    if booking.status not in ACTIVE:
        raise NotAllowedNow(f"this booking is {booking.status.value}")
    if booking.start <= now:
        raise NotAllowedNow("this appointment has already started")


def cancel(ctx: Context, booking_id: str, now: datetime, reason: str | None = None) -> Changed:
    booking, version = ctx.store.get_booking(booking_id)
    _active(booking, now)
    outcome = decide(booking, Action.CANCEL, now)
    change, done = settle(ctx, booking, outcome, now, BookingStatus.CANCELLED)
    change.updated.append((done, version))
    change += free_slot(ctx, booking)
    if booking.status is not BookingStatus.CONFIRMED:
        change.holds_closed.append(Hold.of(booking))
    kind = "late_cancel" if outcome.strike else "early_cancel"
    change.events.append(ClientEvent(booking.client.key, kind, now, booking.id))
    extra: dict[str, Any] = {"reason": reason or ""}
    change.outbox += notify(ctx, done, now, "cancelled", outcome=outcome, extra=extra)
    ctx.store.commit(change)
    return Changed(done, outcome)


def switch_mode(ctx: Context, booking_id: str, now: datetime, mode: Mode) -> Changed:
    booking, version = ctx.store.get_booking(booking_id)
    _active(booking, now)
    service = service_of(ctx, booking.service)
    if mode not in service.modes:
        raise InvalidInput(f"{service.name} is not offered as {mode.value}", field="mode")
    outcome = decide(booking, Action.MODE_SWITCH, now)
    if mode is booking.mode:
        return Changed(booking, outcome)
    done = replace(booking, mode=mode)
    change = Change(updated=[(done, version)])
    change.outbox = notify(
        ctx, done, now, "mode_changed", outcome=outcome, extra={"old_mode": booking.mode.value}
    )
    ctx.store.commit(change)
    return Changed(done, outcome)


def reschedule(ctx: Context, booking_id: str, now: datetime, start: datetime) -> Changed:
    booking, version = ctx.store.get_booking(booking_id)
    _active(booking, now)
    if booking.status is not BookingStatus.CONFIRMED:
        raise NotAllowedNow("only a confirmed booking can be moved; cancel and book again")
    service = service_of(ctx, booking.service)
    schedule = ctx.config.schedule()
    check_start(schedule, service.minutes, start, [], now)
    if start == booking.start:
        raise InvalidInput("that is the current time of the booking", field="start")
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
    change.events.append(ClientEvent(booking.client.key, "reschedule", now, booking.id))
    if outcome.strike:
        change.events.append(ClientEvent(booking.client.key, "late_reschedule", now, booking.id))
    if new.status is BookingStatus.HELD:
        change.holds_open.append(Hold.of(new))
    change.jobs += jobs_for(new, ctx.config, now)
    change.outbox += notify(
        ctx,
        new,
        now,
        "rescheduled",
        outcome=outcome,
        extra={"old_start": old_done.start.isoformat(), "old_id": booking.id},
    )
    ctx.store.commit(change)
    return Changed(old_done, outcome, new)


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
    # A late move: the returned part (as credit) pays toward the new deposit straight away;
    # any rest stays a credit (settle issues it).
    credit = o.returned.amount if o.returned and o.returned.as_ is Returned.CREDIT else 0
    due = old.deposit.amount.amount
    paid = min(credit, due)
    return replace(
        base,
        status=BookingStatus.CONFIRMED if paid >= due else BookingStatus.HELD,
        deposit=replace(
            old.deposit,
            status=DepositStatus.PAID if paid >= due else DepositStatus.PENDING,
            paid=paid,
            from_credit=paid,
            kept=0,
            refunded=0,
        ),
        hold_until=None if paid >= due else now + ctx.config.hold_length(),
    )


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
