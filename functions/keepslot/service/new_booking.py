"""Booking a slot: one read of the client's partition, one transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from keepslot.config.model import Service
from keepslot.domain.availability import Span, check_start, free_slots, lock_grid
from keepslot.domain.booking import Booking, BookingStatus, Client, Deposit, DepositStatus, Mode
from keepslot.domain.credit import apply_credits
from keepslot.domain.errors import (
    IntakeNeeded,
    InvalidInput,
    NotFound,
    PolicyChanged,
    TooManyHolds,
)
from keepslot.domain.money import Money
from keepslot.domain.reliability import client_tier, deposit_for
from keepslot.service.alerts import booking_extras
from keepslot.service.context import Context
from keepslot.service.jobs_plan import jobs_for
from keepslot.service.mail import notify
from keepslot.service.ports.changes import (
    NEW_VERSION,
    Change,
    ClientEvent,
    Hold,
    Idempotency,
    IdempotencyTaken,
    NetworkDay,
)

MAX_RANGE_DAYS = 62


@dataclass(frozen=True)
class BookingRequest:
    service: str
    start: datetime
    mode: Mode
    client: Client
    policy_version: str  # the version the page showed, which booking accepts
    timezone: str | None = None
    notes: str | None = None
    answers: dict[str, str] | None = None  # None: the page has not asked the intake yet
    idempotency_key: str | None = None
    body_hash: str = ""
    ip_hash: str | None = None  # a keyed hash of the caller's network, for holds.per_ip


@dataclass(frozen=True)
class Booked:
    booking: Booking
    tier: str | None  # "prepay" / "approval" when the client's reliability tier applies
    replay: bool = False
    decoy: bool = False  # a blocked address: this booking was never stored
    version: int = NEW_VERSION  # the stored booking's version


def service_of(ctx: Context, service_id: str) -> Service:
    service = ctx.config.service(service_id)
    if service is None:
        raise InvalidInput(f"unknown service {service_id!r}", field="service")
    return service


def slots(ctx: Context, service_id: str, first: date, last: date, now: datetime) -> list[Span]:
    service = service_of(ctx, service_id)
    if last < first:
        raise InvalidInput("`to` must not be before `from`", field="to")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise InvalidInput(f"the range is at most {MAX_RANGE_DAYS} days", field="to")
    tz = ZoneInfo(ctx.config.business.timezone)
    # Bookings that start a day either side can still reach into the range with buffers.
    lo = datetime.combine(first - timedelta(days=1), datetime.min.time(), tz)
    hi = datetime.combine(last + timedelta(days=2), datetime.min.time(), tz)
    agenda = ctx.store.agenda(lo, hi)
    return free_slots(
        ctx.config.schedule(), service.minutes, first, last, agenda.bookings, now, agenda.blocked
    )


def book(ctx: Context, req: BookingRequest, now: datetime) -> Booked:
    """Hold the time for whoever typed the address; the address proves itself later.

    Every booking starts held: it waits for its deposit, an approval, or (when it pays
    nothing) the client's Confirm on the emailed link, and counts against the caps until
    then. Credit is never spent here: only that Confirm spends it (service/confirm.py).
    A blocked address gets the answer anyone gets, and nothing is booked."""
    config = ctx.config
    service = service_of(ctx, req.service)
    if req.mode not in service.modes:
        raise InvalidInput(f"{service.name} is not offered as {req.mode.value}", field="mode")
    if req.policy_version != config.policy_version:
        raise PolicyChanged("the policy changed since the page was loaded; please read it again")
    start = req.start
    check_start(config.schedule(), service.minutes, start, [], now)  # overlaps: the locks' job
    client = req.client
    snap = ctx.store.client_snapshot(client.key)
    if len(snap.holds) >= config.holds.per_email:
        raise TooManyHolds("there are already bookings waiting for payment for this address")
    answers = _intake_of_new_client(ctx, req, now) if snap.is_new else {}
    if snap.blocked:
        from keepslot.service.turned_away import turn_away

        return turn_away(ctx, req, service, now)

    price = config.price_of(service)
    tier = client_tier(snap.events, now, config.reliability.window_days, _tiers(ctx))
    due = deposit_for(tier, price, config.deposit_of(service)).amount
    needs_approval = tier.approval or (
        config.reliability.new_clients_require_approval and snap.is_new
    )
    booking = held_booking(
        ctx, req, service, due, now, notes=req.notes, answers=answers, ip_hash=req.ip_hash
    )
    if needs_approval:
        booking = replace(booking, status=BookingStatus.PENDING_APPROVAL)
    change = Change(new_bookings=[booking], client_seen=[booking])
    change.events.append(ClientEvent(client.key, "booked", now, booking.id))
    change += take_slot(ctx, booking)
    change.holds_open.append(Hold.of(booking, ip_cap=config.holds.per_ip))
    change.network_days = network_day(ctx, req, now)
    change.jobs = jobs_for(booking, config, now)
    # What the address's credit could pay: said only in the email, which only its owner reads.
    _, left = apply_credits(snap.credits, due, now, currency=price.currency)
    extra = {"tier": tier.rule, "credit": due - left, **booking_extras(ctx, booking)}
    event = "booking_to_confirm" if booking.awaits_click else f"booking_{booking.status.value}"
    # The freelancer hears of a booking that pays nothing once its client has confirmed it.
    change.outbox = notify(
        ctx, booking, now, event, extra=extra, freelancer=not booking.awaits_click
    )
    if req.idempotency_key:
        change.idempotency = Idempotency(
            req.idempotency_key, req.body_hash, booking.id, now + timedelta(hours=24)
        )
    try:
        ctx.store.commit(change)
    except IdempotencyTaken:
        replay = _replay(ctx, req)
        if replay:
            return replay
        raise
    return Booked(booking, tier.rule.value if tier.rule else None)


def held_booking(
    ctx: Context, req: BookingRequest, service: Service, due: int, now: datetime, **more: Any
) -> Booking:
    """A new booking held from `now`: for its deposit `due`, or, when nothing is due, for
    the client's Confirm on the emailed link."""
    config = ctx.config
    price = config.price_of(service)
    return Booking(
        id=ctx.new_id(),
        service=service.id,
        start=req.start,
        end=req.start + timedelta(minutes=service.minutes),
        mode=req.mode,
        client=req.client,
        status=BookingStatus.HELD,
        deposit=Deposit(
            Money(due, price.currency), DepositStatus.PENDING if due else DepositStatus.NONE
        ),
        terms=config.terms(),
        created_at=now,
        price=price,
        hold_until=now + config.hold_length(),
        timezone=req.timezone,
        **more,
    )


def network_day(ctx: Context, req: BookingRequest, now: datetime) -> list[NetworkDay]:
    """The day's count of bookings from the caller's network, when the network is known."""
    if not req.ip_hash:
        return []
    return [NetworkDay(req.ip_hash, now.date(), ctx.config.holds.per_ip_daily)]


def _intake_of_new_client(ctx: Context, req: BookingRequest, now: datetime) -> dict[str, str]:
    try:
        return intake_answers(ctx, req.answers)
    except IntakeNeeded:
        # Same answer for everyone when the time is gone: "intake needed" on a taken slot
        # would tell a stranger whether an address belongs to a client. This read happens
        # only on a request that cannot book; a booking stays 1 read + 1 transaction.
        refuse_if_taken(ctx, req, service_of(ctx, req.service), now)
        raise


def refuse_if_taken(ctx: Context, req: BookingRequest, service: Service, now: datetime) -> None:
    """SlotTaken (or the day's cap) as a booking's locks would answer, read instead of
    written: for the requests that must answer like a booking without making one."""
    day = timedelta(days=1)
    agenda = ctx.store.agenda(req.start - day, req.start + day)
    schedule = ctx.config.schedule()
    check_start(schedule, service.minutes, req.start, agenda.bookings, now, agenda.blocked)


def intake_answers(ctx: Context, given: dict[str, str] | None) -> dict[str, str]:
    """A new client's answers to the intake, checked; unknown questions are dropped.

    Returning clients are never asked, so the page only shows the questions once
    the server says this address is new (422 `intake_needed`): on a first request
    without `answers` every question is listed, optional ones included."""
    answers: dict[str, str] = {}
    missing: dict[str, str] = {}
    for q in ctx.config.intake:
        answer = (given or {}).get(q.id, "").strip()
        if not answer:
            if given is None:
                missing[f"answers.{q.id}"] = "required" if q.required else "optional"
            elif q.required:
                missing[f"answers.{q.id}"] = "required for a first booking"
            continue
        if q.kind == "choice" and answer not in q.choices:
            raise InvalidInput(f"pick one of {q.choices}", field=f"answers.{q.id}")
        answers[q.id] = answer
    if missing:
        raise IntakeNeeded(
            "a first booking needs a few answers so the meeting can be prepared", fields=missing
        )
    return answers


def take_slot(ctx: Context, booking: Booking) -> Change:
    """The locks and the day count a booking holds."""
    schedule = ctx.config.schedule()
    locks = lock_grid(schedule, Span(booking.start, booking.end))
    local_day = booking.start.astimezone(ZoneInfo(schedule.timezone)).date()
    return Change(
        take_locks=[(at, booking.id) for at in locks],
        day_counts=[(local_day, 1, schedule.daily_cap)],
    )


def free_slot(ctx: Context, booking: Booking, now: datetime) -> Change:
    """The locks and the day count a booking gives back, and the offer of its time to
    the waitlist (service/offers.py)."""
    from keepslot.service.offers import offer_job

    schedule = ctx.config.schedule()
    locks = lock_grid(schedule, Span(booking.start, booking.end))
    local_day = booking.start.astimezone(ZoneInfo(schedule.timezone)).date()
    return Change(
        release_locks=[(at, booking.id) for at in locks],
        day_counts=[(local_day, -1, None)],
        jobs=offer_job(ctx, booking, now),
    )


def _tiers(ctx: Context) -> list[tuple[int, str]]:
    return ctx.config.reliability.rules()


def _replay(ctx: Context, req: BookingRequest) -> Booked | None:
    assert req.idempotency_key
    seen = ctx.store.idempotency(req.idempotency_key)
    if seen is None:
        return None
    if seen.body_hash != req.body_hash:
        raise InvalidInput(
            "this Idempotency-Key was used with a different request", field="Idempotency-Key"
        )
    try:
        booking, version = ctx.store.get_booking(seen.booking_id)
    except NotFound:
        return None
    return Booked(booking, None, replay=True, version=version)
