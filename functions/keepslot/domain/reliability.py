"""Reliability: strikes from a client's history, the tier they reach, waivers left.

Strikes are late cancellations, late reschedules and no-shows in the last
`window_days` (the policy page says so); waived events and the freelancer's own
cancellations never count. Each booking counts at most once, so a history event
recorded twice (a retried write) is still one strike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from keepslot.domain.money import Money

YEAR = timedelta(days=365)


class Kind(StrEnum):
    BOOKED = "booked"
    EARLY_CANCEL = "early_cancel"
    LATE_CANCEL = "late_cancel"
    RESCHEDULE = "reschedule"
    LATE_RESCHEDULE = "late_reschedule"
    NO_SHOW = "no_show"
    COMPLETED = "completed"
    WAIVER = "waiver"  # names the booking whose strike is forgiven


STRIKE_KINDS = frozenset({Kind.LATE_CANCEL, Kind.LATE_RESCHEDULE, Kind.NO_SHOW})


class Happened(Protocol):
    """Anything that records a client's event (the store's ClientEvent, or Event)."""

    @property
    def kind(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def booking_id(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Event:
    kind: str  # a Kind value
    at: datetime  # aware UTC
    booking_id: str
    waived: bool = False  # forgiven by the freelancer: never a strike


class Rule(StrEnum):
    PREPAY = "prepay"  # the deposit equals the price
    APPROVAL = "approval"  # bookings wait for the freelancer's approval
    BLOCKED = "blocked"  # no online booking at all


@dataclass(frozen=True, slots=True)
class Tier:
    """Where a client stands. Tiers are cumulative, as the policy page states them
    ("with 2 or more: ..."), so 3 strikes can mean both prepay and approval."""

    strikes: int
    rules: frozenset[Rule] = frozenset()
    rule: Rule | None = None  # the one to name: blocked first, then the highest reached

    @property
    def blocked(self) -> bool:
        return Rule.BLOCKED in self.rules

    @property
    def prepay(self) -> bool:
        return Rule.PREPAY in self.rules

    @property
    def approval(self) -> bool:
        return Rule.APPROVAL in self.rules


def _is_waiver(e: Happened) -> bool:
    # The store records a waiver as its own event; an Event may carry the flag instead.
    return e.kind == Kind.WAIVER or bool(getattr(e, "waived", False))


def _within(e: Happened, now: datetime, window: timedelta) -> bool:
    """In the last `window` up to `now`: an event exactly `window` old has dropped off."""
    return now - window < e.at <= now


def strikes(events: Iterable[Happened], now: datetime, window_days: int) -> int:
    """Late cancels, late reschedules and no-shows in the last `window_days`, unwaived."""
    history = list(events)
    forgiven = {e.booking_id for e in history if _is_waiver(e)}
    window = timedelta(days=window_days)
    return len(
        {
            e.booking_id
            for e in history
            if e.kind in STRIKE_KINDS and e.booking_id not in forgiven and _within(e, now, window)
        }
    )


def tier_of(strike_count: int, tiers: Iterable[tuple[int, str]], *, blocked: bool = False) -> Tier:
    """The tier reached with `strike_count` under the configured (strikes, rule) tiers."""
    reached = sorted(
        ((n, Rule(rule)) for n, rule in tiers if strike_count >= n), key=lambda t: t[0]
    )
    rules = {rule for _, rule in reached}
    top = reached[-1][1] if reached else None
    if blocked:
        rules.add(Rule.BLOCKED)
        top = Rule.BLOCKED
    return Tier(strike_count, frozenset(rules), top)


def client_tier(
    events: Iterable[Happened],
    now: datetime,
    window_days: int,
    tiers: Iterable[tuple[int, str]],
    *,
    blocked: bool = False,
) -> Tier:
    return tier_of(strikes(events, now, window_days), tiers, blocked=blocked)


def deposit_for(tier: Tier, price: Money, deposit: Money) -> Money:
    """The deposit a client in `tier` owes: the full price under prepay."""
    return price if tier.prepay else deposit.min(price)


def waivers_left(events: Iterable[Happened], now: datetime, per_year: int) -> int:
    """Waivers still available to the client: `per_year` in any rolling 365 days."""
    used = {e.booking_id for e in events if _is_waiver(e) and _within(e, now, YEAR)}
    return max(0, per_year - len(used))
