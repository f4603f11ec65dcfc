"""Busy times from the freelancer's other calendars, as blocks on the slot-lock grid.

A feed's events (already expanded, in UTC, or whole local days) become merged
blocks rounded outward to the 5-minute lock grid: a booking's locks cover its
time plus buffers on the same grid, so a booking meets a block exactly when
they share a cell, and availability and the booking's own transaction agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from keepslot.domain.availability import LOCK_GRID_MINUTES, Span

GRID = timedelta(minutes=LOCK_GRID_MINUTES)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class AllDay:
    """An all-day event: local days first .. end (exclusive), in the freelancer's zone."""

    first: date
    end: date


@dataclass(frozen=True, slots=True)
class Expanded:
    """What a feed says is busy: timed occurrences (aware) and all-day occurrences."""

    timed: tuple[Span, ...] = ()
    all_day: tuple[AllDay, ...] = ()


def floor_grid(at: datetime) -> datetime:
    return _EPOCH + (at - _EPOCH) // GRID * GRID


def ceil_grid(at: datetime) -> datetime:
    return _EPOCH - (_EPOCH - at) // GRID * GRID


def busy_blocks(
    expanded: Expanded, *, all_day_busy: bool, timezone: str, until: datetime, now: datetime
) -> tuple[Span, ...]:
    """Merged blocks, rounded outward to the grid, of everything busy from now to `until`.

    An all-day event covers its local days from midnight to midnight when
    `all_day_busy`; a zero-length event blocks nothing.
    """
    tz = ZoneInfo(timezone)
    spans = [Span(s.start.astimezone(UTC), s.end.astimezone(UTC)) for s in expanded.timed]
    if all_day_busy:
        spans += [_local_days(d, tz) for d in expanded.all_day]
    floor = floor_grid(now)
    return merge(
        Span(floor_grid(s.start), ceil_grid(s.end))
        for s in spans
        if s.end > s.start and s.end > floor and s.start < until
    )


def merge(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Sorted, with overlapping or touching spans joined."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, s.end)):
        if out and s.start <= out[-1].end:
            if s.end > out[-1].end:
                out[-1] = Span(out[-1].start, s.end)
        else:
            out.append(s)
    return tuple(out)


def cells(blocks: Iterable[Span], since: datetime | None = None) -> set[datetime]:
    """The lock cells (their start instants) that grid-aligned blocks cover, from `since`."""
    floor = floor_grid(since) if since else None
    out: set[datetime] = set()
    for b in blocks:
        at = floor_grid(b.start) if floor is None else max(floor_grid(b.start), floor)
        while at < b.end:
            out.add(at)
            at += GRID
    return out


def pieces(blocks: Iterable[Span], most: timedelta = timedelta(hours=12)) -> set[Span]:
    """Blocks cut at every multiple of `most` (UTC), so no piece is longer than that.

    A reader that looks a day before its range then sees every piece that reaches
    into the range, however long the event; the cut points are fixed, so one
    block always gives the same pieces.
    """
    out: set[Span] = set()
    for b in blocks:
        start = b.start
        while start < b.end:
            cut = _EPOCH + ((start - _EPOCH) // most + 1) * most
            end = min(cut, b.end)
            out.add(Span(start, end))
            start = end
    return out


def overlapping(blocks: Sequence[Span], appointment: Span) -> list[Span]:
    """The blocks that meet an appointment's own time (buffers aside)."""
    return [b for b in blocks if b.start < appointment.end and appointment.start < b.end]


def _local_days(day: AllDay, tz: ZoneInfo) -> Span:
    start = datetime.combine(day.first, time.min, tz).astimezone(UTC)
    end = datetime.combine(max(day.end, day.first + timedelta(days=1)), time.min, tz)
    return Span(start, end.astimezone(UTC))
