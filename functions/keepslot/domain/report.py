"""The reliability report: what each change adds to its month's counters, and the rates.

An event counts in the month of the appointment it is about, in the freelancer's time
zone: a late cancellation made on 30 April of a 2 May appointment counts in May, and so
does the money it kept. A month's figures then compare like with like (the appointments
of that month), whenever the changes happened. Money is in minor units.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

# A client event's kind -> the counter it adds one to (service/ports/changes.py, ClientEvent).
EVENT_COUNTERS: Mapping[str, str] = {
    "booked": "bookings",
    "completed": "completed",
    "late_cancel": "late_cancels",
    "no_show": "no_shows",
    "reschedule": "reschedules",
    "confirmed": "confirmed",
    # A freed hour taken by another client: the change that records the refill writes
    # an event of this kind about the booking that freed it.
    "refill": "refills",
}

# A ledger row's kind -> (counter, sign). `refund_due` is the decision to give money back
# (offline too); the card refund that carries it out later is not counted again.
LEDGER_COUNTERS: Mapping[str, tuple[str, int]] = {
    "forfeited": ("kept", +1),
    "credit_expired": ("kept", +1),
    "waived": ("kept", -1),
    "credit_issued": ("credited", +1),
    "refund_due": ("refunded", +1),
    "fee_charged": ("fees", +1),
    "fee_refunded": ("fees", -1),
}


@dataclass(frozen=True, slots=True)
class Tally:
    """One month's (or one policy version's) counters."""

    bookings: int = 0
    completed: int = 0
    late_cancels: int = 0
    no_shows: int = 0
    reschedules: int = 0
    refills: int = 0
    confirmed: int = 0
    kept: int = 0
    credited: int = 0
    refunded: int = 0
    fees: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(**{n: getattr(self, n) + getattr(other, n) for n in COUNTERS})

    def nonzero(self) -> dict[str, int]:
        return {n: v for n in COUNTERS if (v := getattr(self, n))}

    @classmethod
    def of(cls, counters: Mapping[str, Any]) -> Tally:
        """From a stored item (unknown keys ignored, missing ones zero)."""
        return cls(**{n: int(counters.get(n) or 0) for n in COUNTERS})

    def as_dict(self) -> dict[str, int]:
        return {n: getattr(self, n) for n in COUNTERS}


COUNTERS: tuple[str, ...] = tuple(f.name for f in fields(Tally))


@dataclass
class Counters:
    """What the store read: each month's tally ("YYYY-MM") and each policy version's."""

    months: dict[str, Tally] = field(default_factory=dict)
    versions: dict[str, Tally] = field(default_factory=dict)


def event_tally(kind: str) -> Tally:
    counter = EVENT_COUNTERS.get(kind)
    return Tally(**{counter: 1}) if counter else Tally()


def ledger_tally(kind: str, amount: int) -> Tally:
    found = LEDGER_COUNTERS.get(kind)
    if not found:
        return Tally()
    counter, sign = found
    return Tally(**{counter: sign * amount})


def month_of(start: datetime, timezone: str) -> str:
    """The appointment's month, "YYYY-MM", in the freelancer's time zone."""
    return start.astimezone(ZoneInfo(timezone)).strftime("%Y-%m")


def months_back(last: str, count: int) -> list[str]:
    """`count` months ending with `last` ("YYYY-MM"), oldest first."""
    year, month = (int(p) for p in last.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def rates(t: Tally) -> dict[str, float | None]:
    """Late cancels per booking; no-shows per appointment that was due to happen."""
    held = t.completed + t.no_shows
    return {
        "late_cancel_rate": round(t.late_cancels / t.bookings, 4) if t.bookings else None,
        "no_show_rate": round(t.no_shows / held, 4) if held else None,
    }


def total(tallies: Iterable[Tally]) -> Tally:
    out = Tally()
    for t in tallies:
        out = out + t
    return out
