"""The waitlist: who asked to hear when a time frees up, and which of them a freed time suits.

An entry names a service, optionally a mode, a range of local days (both included) and
optional local time windows. A freed time is offered to the entries it suits, oldest
first, a few at once; the first to book gets it through the normal booking path.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from keepslot.domain.booking import Mode

MAX_RANGE_DAYS = 62
MAX_OPEN_PER_EMAIL = 3


@dataclass(frozen=True, slots=True)
class Times:
    """A local time window, [start, end)."""

    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True, slots=True)
class WaitEntry:
    id: str
    service: str
    email: str  # the client's key: lower-cased
    name: str
    first: date  # local days, both included
    last: date
    created_at: datetime
    mode: Mode | None = None
    times: tuple[Times, ...] = ()  # empty: whole days
    phone: str | None = None
    timezone: str | None = None  # the client's, for the times an offer shows
    place: int = 0  # which of its address's MAX_OPEN_PER_EMAIL places it holds

    def is_open(self, today: date) -> bool:
        """Open until its last day has passed (in the business time zone)."""
        return self.last >= today


@dataclass(frozen=True, slots=True)
class FreedTime:
    """A time that opened: the service and mode it was booked for, and when."""

    service: str
    mode: Mode
    start: datetime
    end: datetime


def suits(entry: WaitEntry, slot: FreedTime, tz: ZoneInfo) -> bool:
    """Whether the freed time fits what the entry asked for: service, mode when given,
    a day in its range and, when it named windows, wholly inside one of them."""
    if entry.service != slot.service:
        return False
    if entry.mode is not None and entry.mode is not slot.mode:
        return False
    start, end = slot.start.astimezone(tz), slot.end.astimezone(tz)
    if not entry.first <= start.date() <= entry.last:
        return False
    if not entry.times:
        return True
    if end.date() != start.date():
        return False
    return any(w.start <= start.time() and end.time() <= w.end for w in entry.times)


def pick_for_offer(
    entries: Iterable[WaitEntry], slot: FreedTime, tz: ZoneInfo, limit: int
) -> list[WaitEntry]:
    """The entries to offer `slot` to: those it suits, oldest first, at most `limit`."""
    today = slot.start.astimezone(tz).date()
    fit = [e for e in entries if e.is_open(today) and suits(e, slot, tz)]
    fit.sort(key=lambda e: (e.created_at, e.id))
    return fit[: max(0, limit)]


def free_place(held: dict[int, tuple[str, date]], today: date) -> tuple[int, str | None] | None:
    """A place for one more entry of an address, given what holds each place (entry id,
    last day): an empty one, else one whose entry has ended (its id, to replace), else None."""
    for place in range(MAX_OPEN_PER_EMAIL):
        if place not in held:
            return place, None
    for place, (entry_id, last) in sorted(held.items()):
        if last < today:
            return place, entry_id
    return None
