"""The freelancer's other calendars: fetching and reading their feeds, and the busy times
kept in the table (service/calendars.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from keepslot.domain.availability import Span
from keepslot.domain.busy import Expanded
from keepslot.service.ports.changes import Message


class FeedFailed(Exception):
    """A calendar feed could not be fetched or read. The message is safe to store, log
    and email: it never holds the feed's address, which is the calendar's secret."""


@dataclass(frozen=True, slots=True)
class Fetched:
    body: bytes | None  # None: not modified since the validators below
    etag: str | None = None
    last_modified: str | None = None


class FeedSource(Protocol):
    def fetch(self, calendar_id: str, etag: str | None, last_modified: str | None) -> Fetched:
        """A conditional GET of the calendar's feed; FeedFailed when it does not work."""
        ...


class Expander(Protocol):
    def __call__(self, body: bytes, timezone: str, start: datetime, end: datetime) -> Expanded:
        """The feed's busy occurrences meeting [start, end); FeedFailed if unreadable."""
        ...


@dataclass(frozen=True, slots=True)
class CalendarState:
    """What the table remembers of one calendar between syncs."""

    calendar_id: str
    version: int = 0
    blocks: tuple[Span, ...] = ()  # the busy blocks written for it, grid-aligned
    pending: tuple[datetime, ...] = ()  # its busy cells that a booking's lock holds
    etag: str | None = None
    last_modified: str | None = None
    expanded_until: datetime | None = None  # blocks are known up to here
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    failures: int = 0  # in a row
    failing_alerted: bool = False


class StateChanged(Exception):
    """Another sync saved the calendar's state first; this one stops."""


class BusyTable(Protocol):
    def states(self) -> dict[str, CalendarState]: ...
    def save_state(self, state: CalendarState, alerts: list[Message]) -> None:
        """State and alerts in one transaction; StateChanged if the version moved."""
        ...

    def put_blocks(self, calendar_id: str, blocks: set[Span]) -> None: ...
    def delete_blocks(self, calendar_id: str, blocks: set[Span]) -> None: ...
    def take_cells(self, cells: set[datetime]) -> dict[datetime, str]:
        """Mark cells busy; returns those a booking holds, with its id."""
        ...

    def release_cells(self, cells: set[datetime]) -> None:
        """Free busy cells (a booking's lock is never touched)."""
        ...

    def forget(self, calendar_id: str) -> None: ...
