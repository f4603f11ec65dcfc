"""Free slots: weekly hours in the business time zone, exceptions, buffers, notice, horizon, cap.

A start is a local wall time (a window's start plus whole steps) turned into UTC
with zoneinfo: a wall time that does not exist (spring gap) is skipped, one that
happens twice (fall back) is offered once, at its first occurrence (fold=0).
After that, everything is integer microseconds since the epoch, so checking a
candidate is a few comparisons and one bisect into the merged busy spans.

`free_slots` and `check_start` share every rule (`_starts`, `_Busy`), so a start
is accepted exactly when it is offered.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from keepslot.domain.errors import InvalidInput, SlotTaken

LOCK_GRID_MINUTES = 5
"""Slot locks live on this grid; durations, buffers and steps are multiples of it."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_US = timedelta(microseconds=1)
_MINUTE = 60_000_000  # microseconds
_DAY = 24 * 60 * _MINUTE
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


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

    def windows(self, day: date) -> tuple[Window, ...]:
        """The open hours of a local day: its exception if it has one, else its weekday."""
        if day in self.exceptions:
            return self.exceptions[day]
        return self.weekly.get(day.weekday(), ())


@dataclass(frozen=True, slots=True)
class Span:
    """An appointment's own time, UTC, without buffers."""

    start: datetime
    end: datetime


Slot = Span


def free_slots(
    schedule: Schedule,
    minutes: int,
    first: date,
    last: date,
    busy: Sequence[Span],
    now: datetime,
    blocked: Sequence[Span] = (),
) -> list[Slot]:
    """Every bookable start of a `minutes` appointment on local days first..last, sorted.

    `busy` holds appointments (buffers added, counted per day); `blocked` holds time
    that is taken as it is, e.g. busy times from the freelancer's other calendars."""
    _positive(minutes)
    tz = ZoneInfo(schedule.timezone)
    earliest, latest = _limits(schedule, now)
    # A start's local date is its day; one day of margin covers a fall-back across midnight.
    first = max(first, _at(earliest).astimezone(tz).date() - timedelta(days=1))
    last = min(last, _at(latest).astimezone(tz).date() + timedelta(days=1))
    taken = _Busy.of(schedule, busy, tz, blocked)
    length = minutes * _MINUTE
    found: set[int] = set()  # overlapping windows may offer the same start twice
    day = first
    while day <= last:
        if not taken.full(day, schedule.daily_cap):
            for window in schedule.windows(day):
                for start in _starts(tz, day, window, schedule.step, length):
                    if earliest <= start <= latest and not taken.overlaps(start, start + length):
                        found.add(start)
        day += timedelta(days=1)
    return [Slot(_at(s), _at(s + length)) for s in sorted(found)]


def check_start(
    schedule: Schedule,
    minutes: int,
    start: datetime,
    busy: Sequence[Span],
    now: datetime,
    blocked: Sequence[Span] = (),
) -> None:
    """Accept a start exactly when `free_slots` offers it; otherwise say why not."""
    _positive(minutes)
    if start.utcoffset() is None:
        raise InvalidInput("the start must include a time zone", field="start")
    tz = ZoneInfo(schedule.timezone)
    earliest, latest = _limits(schedule, now)
    at = _us(start)
    if at < _us(now):
        raise InvalidInput("that time has already passed", field="start", reason="passed")
    if at < earliest:
        raise InvalidInput(
            f"bookings need at least {_minutes_text(schedule.notice)} notice", field="start"
        )
    if at > latest:
        raise InvalidInput(
            f"bookings open at most {schedule.horizon_days} days ahead", field="start"
        )
    day = start.astimezone(tz).date()
    windows = schedule.windows(day)
    if not windows:
        raise InvalidInput(
            f"closed on {_WEEKDAYS[day.weekday()]} {day}", field="start", reason="closed"
        )
    length = minutes * _MINUTE
    if not any(at in _starts(tz, day, w, schedule.step, length) for w in windows):
        raise InvalidInput(_why_off(schedule, tz, minutes, start, windows), field="start")
    taken = _Busy.of(schedule, busy, tz, blocked)
    if taken.full(day, schedule.daily_cap):
        raise InvalidInput(
            f"{_WEEKDAYS[day.weekday()]} {day} is fully booked", field="start", reason="full"
        )
    if taken.overlaps(at, at + length):
        raise SlotTaken(
            "that time has just been taken; please choose another", field="start", reason="taken"
        )


def lock_grid(schedule: Schedule, span: Span) -> list[datetime]:
    """The grid points whose 5-minute cells cover the blocked span (buffers included).

    Blocked spans that overlap share a cell; grid-aligned ones that do not, share none.
    """
    grid = LOCK_GRID_MINUTES * _MINUTE
    lo = (_us(span.start) - schedule.buffer_before * _MINUTE) // grid
    hi = -(-(_us(span.end) + schedule.buffer_after * _MINUTE) // grid)  # ceiling
    return [_at(k * grid) for k in range(lo, hi)]


@dataclass(frozen=True, slots=True)
class _Busy:
    """Busy spans as merged, sorted blocked intervals (µs), and appointments per local day."""

    starts: list[int]
    ends: list[int]
    per_day: Counter[date]
    before: int
    after: int

    @classmethod
    def of(
        cls, schedule: Schedule, busy: Sequence[Span], tz: ZoneInfo, blocked: Sequence[Span] = ()
    ) -> _Busy:
        before, after = schedule.buffer_before * _MINUTE, schedule.buffer_after * _MINUTE
        starts: list[int] = []
        ends: list[int] = []
        spans = [(_us(b.start) - before, _us(b.end) + after) for b in busy]
        spans += [(_us(b.start), _us(b.end)) for b in blocked]  # already the time it takes
        for lo, hi in sorted(spans):
            if hi <= lo:
                continue  # an empty span blocks nothing
            if ends and lo <= ends[-1]:
                ends[-1] = max(ends[-1], hi)
            else:
                starts.append(lo)
                ends.append(hi)
        per_day = Counter(b.start.astimezone(tz).date() for b in busy)
        return cls(starts, ends, per_day, before, after)

    def full(self, day: date, cap: int | None) -> bool:
        return cap is not None and self.per_day[day] >= cap

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end)'s blocked span meets any busy blocked span."""
        lo, hi = start - self.before, end + self.after
        i = bisect_left(self.starts, hi)  # intervals [0, i) begin before hi
        return i > 0 and self.ends[i - 1] > lo


def _starts(tz: ZoneInfo, day: date, window: Window, step: int, length: int) -> Iterable[int]:
    """UTC starts (µs) on the window's step grid whose appointment stays inside the window."""
    ws = datetime.combine(day, window.start)
    we = datetime.combine(day, window.end)
    offset = _fixed_offset(tz, day)
    if offset is not None:  # no clock change today: wall time minus one offset
        return range(_naive_us(ws) - offset, _naive_us(we) - offset - length + 1, step * _MINUTE)
    return _starts_on_change_day(tz, ws, we, timedelta(minutes=step), length)


def _starts_on_change_day(
    tz: ZoneInfo, ws: datetime, we: datetime, step: timedelta, length: int
) -> Iterator[int]:
    wall = ws
    while wall < we:
        start = _utc_of(tz, wall)
        if start is not None and _inside(tz, ws, we, start, start + length):
            yield start
        wall += step


def _inside(tz: ZoneInfo, ws: datetime, we: datetime, start: int, end: int) -> bool:
    """Whether every local wall time of [start, end) lies in [ws, we).

    Across a clock change the wall time jumps once: forward (a gap) or back (the
    repeated hour, when the appointment's walls dip below its start's).
    """
    off_start, off_last = _offset(tz, start), _offset(tz, end - 1)
    lowest, sup = start + off_start, end + off_last
    if off_start != off_last:
        change = _change_at(tz, start, end - 1, off_start)
        lowest = min(lowest, change + off_last)
        sup = max(sup, change + off_start)
    return _naive_us(ws) <= lowest and sup <= _naive_us(we)


def _change_at(tz: ZoneInfo, lo: int, hi: int, off_lo: int) -> int:
    """The first instant in (lo, hi] whose offset differs from off_lo (one change assumed)."""
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _offset(tz, mid) == off_lo:
            lo = mid
        else:
            hi = mid
    return hi


def _fixed_offset(tz: ZoneInfo, day: date) -> int | None:
    """The day's one UTC offset (µs), or None when the clocks change that day.

    Both folds of both ends, so a gap or a repeated hour touching midnight counts
    too; two changes that cancel out within one day exist in no zone today.
    """
    offsets = {
        datetime.combine(day, t, tz).replace(fold=fold).utcoffset()
        for t in (time.min, time.max)
        for fold in (0, 1)
    }
    only = offsets.pop() if len(offsets) == 1 else None
    return None if only is None else only // _US


def _utc_of(tz: ZoneInfo, wall: datetime) -> int | None:
    """A naive local wall time in UTC µs (first occurrence), or None if it does not exist."""
    wall = wall.replace(fold=0)
    utc = wall.replace(tzinfo=tz).astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != wall:
        return None  # in the spring gap: zoneinfo would shift it, we skip it
    return _us(utc)


def _why_off(
    schedule: Schedule, tz: ZoneInfo, minutes: int, start: datetime, windows: tuple[Window, ...]
) -> str:
    local = start.astimezone(tz)
    wall, day = local.replace(tzinfo=None, fold=0), local.date()
    for w in windows:
        ws, we = datetime.combine(day, w.start), datetime.combine(day, w.end)
        if not ws <= wall < we:
            continue
        if (wall - ws) % timedelta(minutes=schedule.step):
            return f"appointments start every {schedule.step} minutes from {w.start:%H:%M}"
        if _utc_of(tz, wall) != _us(start):
            return "that time is in the hour repeated when the clocks go back; choose another"
        return f"a {minutes}-minute appointment then would run past closing time ({w.end:%H:%M})"
    hours = ", ".join(f"{w.start:%H:%M}-{w.end:%H:%M}" for w in windows)
    return f"that time is outside opening hours ({hours})"


def _limits(schedule: Schedule, now: datetime) -> tuple[int, int]:
    """The earliest and latest allowed start, µs, both included."""
    at = _us(now)
    return at + schedule.notice * _MINUTE, at + schedule.horizon_days * _DAY


def _minutes_text(minutes: int) -> str:
    """Possessive, for "N hours' notice"."""
    count, unit = (minutes // 60, "hour") if minutes % 60 == 0 else (minutes, "minute")
    return f"1 {unit}'s" if count == 1 else f"{count} {unit}s'"


def _positive(minutes: int) -> None:
    if minutes <= 0:
        raise ValueError(f"an appointment lasts a positive number of minutes, got {minutes}")


def _offset(tz: ZoneInfo, at: int) -> int:
    """The zone's UTC offset (µs) at an instant."""
    return _naive_us(_at(at).astimezone(tz).replace(tzinfo=None)) - at


def _us(at: datetime) -> int:
    """Microseconds since the epoch of an aware datetime (exact, unlike timestamp())."""
    return (at - _EPOCH) // _US


def _naive_us(wall: datetime) -> int:
    return (wall - _NAIVE_EPOCH) // _US


def _at(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)
