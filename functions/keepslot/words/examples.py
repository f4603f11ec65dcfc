"""The policy page's worked examples: a sample booking put through `decide()`.

The reference appointment is fixed (not today's date) so the page is the same on
every build; each action time is derived from the configured windows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from keepslot.config.model import KeepslotConfig, Service
from keepslot.domain.booking import Booking, BookingStatus, Client, Deposit, DepositStatus, Mode
from keepslot.domain.policy import Action, Outcome, apply_outcome, decide
from keepslot.domain.refill import refill

REFILL_AFTER = timedelta(hours=3)  # another client books the freed time this much later
REFERENCE_START = datetime(2026, 12, 1, 10, 0)  # a Tuesday, 10:00 in the business time zone
MODE_SWITCH_LEAD = timedelta(hours=2)
WAIVER_AFTER = timedelta(hours=23)  # the client writes the next morning


@dataclass(frozen=True, slots=True)
class WorkedExample:
    kind: str  # early_cancel, late_cancel, early_reschedule, late_reschedule, ...
    action: Action
    booking: Booking  # as it stands when the action happens
    at: datetime
    outcome: Outcome
    switch_to: Mode | None = None
    lead_at: datetime | None = None  # a refill: when the late cancel came


def sample_service(config: KeepslotConfig) -> Service | None:
    """The first service that takes a deposit: the one the examples are about."""
    return next((s for s in config.services if s.deposit_minor(config.business.currency) > 0), None)


def sample_booking(config: KeepslotConfig, service: Service) -> Booking:
    tz = ZoneInfo(config.business.timezone)
    start = REFERENCE_START.replace(tzinfo=tz).astimezone(ZoneInfo("UTC"))
    deposit = config.deposit_of(service)
    mode = Mode.IN_PERSON if Mode.IN_PERSON in service.modes else service.modes[0]
    return Booking(
        id="example",
        service=service.id,
        start=start,
        end=start + timedelta(minutes=service.minutes),
        mode=mode,
        client=Client("Example", "client@example.com"),
        status=BookingStatus.CONFIRMED,
        deposit=Deposit(deposit, DepositStatus.PAID, paid=deposit.amount),
        terms=config.terms(),
        created_at=start - timedelta(days=14),
        price=config.price_of(service),
    )


def late_tier_leads(config: KeepslotConfig) -> list[int]:
    """Minutes before the start in the middle of each late tier, widest tier first."""
    tiers = config.terms().late_tiers
    bounds = [t.under_hours * 60 for t in tiers] + [0]
    return [(upper + lower) // 2 for upper, lower in pairwise(bounds)]


def worked_examples(config: KeepslotConfig) -> list[WorkedExample]:
    service = sample_service(config)
    if service is None:
        return []
    booking = sample_booking(config, service)
    start = booking.start
    early = start - timedelta(hours=config.policy.free_change_hours + 1)
    leads = late_tier_leads(config)

    def example(kind: str, action: Action, at: datetime, b: Booking = booking) -> WorkedExample:
        return WorkedExample(kind, action, b, at, decide(b, action, at))

    out = [example("early_cancel", Action.CANCEL, early)]
    out += [
        example("late_cancel", Action.CANCEL, start - timedelta(minutes=lead)) for lead in leads
    ]
    out += _refill_example(booking, out[1])
    out.append(example("early_reschedule", Action.RESCHEDULE, early))
    out.append(example("late_reschedule", Action.RESCHEDULE, start - timedelta(minutes=leads[0])))
    switch_to = next(
        (m for m in (Mode.VIDEO, Mode.PHONE) if m in service.modes and m != booking.mode), None
    )
    if switch_to is not None:
        at = start - MODE_SWITCH_LEAD
        out.append(
            WorkedExample(
                "mode_switch",
                Action.MODE_SWITCH,
                booking,
                at,
                decide(booking, Action.MODE_SWITCH, at),
                switch_to,
            )
        )
    no_show = example(
        "no_show", Action.NO_SHOW, start + timedelta(minutes=config.policy.grace_minutes)
    )
    out.append(no_show)
    if config.policy.emergency_waivers_per_year > 0:
        missed = booking.move_to(BookingStatus.NO_SHOW).with_deposit(
            DepositStatus.FORFEITED, kept=no_show.outcome.forfeited
        )
        out.append(example("waiver", Action.WAIVE, start + WAIVER_AFTER, missed))
    return out


def _refill_example(booking: Booking, late: WorkedExample) -> list[WorkedExample]:
    """The first late cancel, then another client books that time and it is confirmed."""
    cancelled = apply_outcome(booking, late.outcome, BookingStatus.CANCELLED)
    at = min(late.at + REFILL_AFTER, booking.start - timedelta(minutes=5))
    filler = replace(
        booking, id="filler", client=Client("Other", "other@example.com"), created_at=at
    )
    outcome = refill(cancelled, filler, at)
    if outcome is None:
        return []
    # `at` is when the other booking is confirmed; the story also says when the cancel was.
    return [WorkedExample("refill", Action.CANCEL, cancelled, at, outcome, lead_at=late.at)]
