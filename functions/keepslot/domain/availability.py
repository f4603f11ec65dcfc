"""Free slots: weekly hours in the business time zone, exceptions, buffers, notice, horizon, cap.

To be implemented (see docstrings); the types and signatures are the contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

LOCK_GRID_MINUTES = 5
"""Slot locks live on this grid; durations, buffers and steps are multiples of it."""


@dataclass(frozen=True, slots=True)
class Window:
    """Open hours on one local day, [start, end)."""

    start: time
    end: time


@dataclass(frozen=True)
class Schedule:
    timezone: str  # IANA name, e.g. Europe/Rome
    weekly: dict[int, tuple[Window, ...]]  # 0 = Monday; a missing day is closed
    exceptions: dict[date, tuple[Window, ...]] = field(default_factory=dict)  # () = closed
    buffer_before: int = 0  # minutes
    buffer_after: int = 0
    step: int = 30
    notice: int = 0  # minutes between now and the earliest start
    horizon_days: int = 60  # the latest start is within this many days of now
    daily_cap: int | None = None  # most appointments on one local day


@dataclass(frozen=True, slots=True)
class Span:
    """An appointment's own time, UTC, without buffers."""

    start: datetime
    end: datetime


Slot = Span


def free_slots(
    schedule: Schedule, minutes: int, first: date, last: date, busy: Sequence[Span], now: datetime
) -> list[Slot]:
    raise NotImplementedError


def check_start(
    schedule: Schedule, minutes: int, start: datetime, busy: Sequence[Span], now: datetime
) -> None:
    raise NotImplementedError


def lock_grid(schedule: Schedule, span: Span) -> list[datetime]:
    raise NotImplementedError
