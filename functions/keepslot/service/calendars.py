"""Busy times from the freelancer's other calendars: the clock's sync, every 5 minutes.

One sync of one calendar: fetch its feed (conditional), expand it over the booking
horizon, and replace that calendar's busy blocks in the table, adding the new ones
before removing the old, so there is no moment where a busy time is missing.

- A feed that fails keeps its last busy times; after FAILURES_BEFORE_ALERT in a row
  the freelancer gets one alert, and one more when it works again.
- A busy cell that a booking's lock already holds is not written (the booking keeps
  it) but remembered as pending and tried again each sync; when the busy time meets
  the appointment itself, the freelancer is alerted once, with the booking and the
  busy time (never the event's title, which may be private).
- A booking and a sync racing for the same cell: one conditional write wins per
  cell. Either the booking's transaction fails (409), or the sync finds the cell
  taken and alerts. Never a silent double booking.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from keepslot.config.calendar_feeds import CalendarFeed
from keepslot.domain.availability import Span
from keepslot.domain.booking import Booking
from keepslot.domain.busy import busy_blocks, cells, merge, overlapping, pieces
from keepslot.domain.errors import DomainError
from keepslot.domain.instants import iso
from keepslot.service.context import Context
from keepslot.service.json_shapes import booking_view
from keepslot.service.ports import (
    BusyTable,
    CalendarState,
    Expander,
    FeedFailed,
    FeedSource,
    Fetched,
    StateChanged,
)
from keepslot.service.ports.changes import Change, Message

SYNC_EVERY = timedelta(minutes=5)
SLACK = timedelta(seconds=30)
FAILURES_BEFORE_ALERT = 3
MARGIN = timedelta(days=2)  # expanded past the horizon, so a 304 stays good for a while
CALENDAR_MAIL_ID = "CALENDAR"  # the outbox's booking_id for alerts about a calendar


@dataclass(frozen=True)
class CalendarPorts:
    table: BusyTable
    feeds: FeedSource
    expand: Expander


@dataclass
class Synced:
    calendar_id: str
    status: str  # updated, not_modified, failed, skipped
    blocks: int = 0
    error: str | None = None
    overlaps: list[str] = field(default_factory=list)  # booking ids


def sync_due(
    ctx: Context, ports: CalendarPorts, now: datetime, *, force: bool = False
) -> list[Synced]:
    """Every calendar whose sync is due (all of them when forced); retired ones are cleared."""
    states = ports.table.states()
    out = []
    for feed in ctx.config.calendars:
        state = states.get(feed.id) or CalendarState(feed.id)
        # A tick a few seconds early still counts as five minutes on.
        due = state.last_attempt is None or now - state.last_attempt > SYNC_EVERY - SLACK
        if not (force or due):
            continue
        run = _Run(ctx, ports, feed, [s for cid, s in states.items() if cid != feed.id], now)
        try:
            out.append(run.sync(state))
        except StateChanged:
            out.append(Synced(feed.id, "skipped"))  # another run got there first
    configured = {c.id for c in ctx.config.calendars}
    for cid, state in states.items():
        if cid not in configured:  # gone from keepslot.yaml: its busy times go too
            others = [s for c, s in states.items() if c != cid]
            _replace_blocks(ports.table, state, (), others, now)
            ports.table.forget(cid)
    return out


@dataclass(frozen=True)
class _Run:
    """One sync of one calendar."""

    ctx: Context
    ports: CalendarPorts
    feed: CalendarFeed
    others: list[CalendarState]  # the other calendars, whose busy cells must stay
    now: datetime

    def sync(self, state: CalendarState) -> Synced:
        tz = self.ctx.config.business.timezone
        horizon = self.now + timedelta(days=self.ctx.config.hours.horizon_days)
        stale = state.expanded_until is None or state.expanded_until < horizon
        until = horizon + MARGIN
        try:
            fetched = self.ports.feeds.fetch(
                self.feed.id, None if stale else state.etag, None if stale else state.last_modified
            )
            if fetched.body is None:  # not modified: only the pending cells are tried again
                return self._succeed(state, state.blocks, "not_modified", None)
            expanded = self.ports.expand(fetched.body, tz, self.now, until)
        except FeedFailed as e:
            return self._fail(state, str(e))
        busy = self.feed.all_day == "busy"
        blocks = busy_blocks(expanded, all_day_busy=busy, timezone=tz, until=until, now=self.now)
        return self._succeed(state, blocks, "updated", fetched, until)

    def _succeed(
        self,
        state: CalendarState,
        blocks: tuple[Span, ...],
        status: str,
        fetched: Fetched | None,
        until: datetime | None = None,
    ) -> Synced:
        new, held = _replace_blocks(self.ports.table, state, blocks, self.others, self.now)
        overlaps = self._alert_overlaps(new.blocks, held)
        done = replace(
            new,
            last_attempt=self.now,
            last_success=self.now,
            last_error=None,
            failures=0,
            failing_alerted=False,
        )
        if fetched is not None:
            done = replace(
                done, etag=fetched.etag, last_modified=fetched.last_modified, expanded_until=until
            )
        back = [self._mail("calendar_recovered", state.failures)] if state.failing_alerted else []
        self.ports.table.save_state(done, back)
        return Synced(self.feed.id, status, len(blocks), overlaps=overlaps)

    def _fail(self, state: CalendarState, error: str) -> Synced:
        """The last busy times stay; the freelancer hears once, on the third failure in a row."""
        state, held = _replace_blocks(self.ports.table, state, state.blocks, self.others, self.now)
        self._alert_overlaps(state.blocks, held)
        failures = state.failures + 1
        tell = failures >= FAILURES_BEFORE_ALERT and not state.failing_alerted
        alerts = [self._mail("calendar_failing", failures, error)] if tell else []
        failed = replace(
            state,
            last_attempt=self.now,
            last_error=error,
            failures=failures,
            failing_alerted=state.failing_alerted or tell,
        )
        self.ports.table.save_state(failed, alerts)
        return Synced(self.feed.id, "failed", len(state.blocks), error=error)

    def _mail(self, event: str, failures: int, error: str = "") -> Message:
        context = {
            "event": event,
            "calendar": {"id": self.feed.id, "name": self.feed.name},
            "failures": failures,
            "error": error,
        }
        return Message(
            self.ctx.new_id(),
            f"freelancer/{event}",
            "freelancer",
            CALENDAR_MAIL_ID,
            context,
            self.now,
        )

    def _alert_overlaps(self, blocks: tuple[Span, ...], held: dict[datetime, str]) -> list[str]:
        """One alert per booking and busy block that meet; the same pair never twice."""
        alerted = []
        for booking_id in sorted({b for b in held.values() if b}):
            try:
                booking, _ = self.ctx.store.get_booking(booking_id)
            except DomainError:
                continue
            if not booking.is_open:
                continue
            for block in overlapping(blocks, Span(booking.start, booking.end)):
                if self._alert_once(booking, block):
                    alerted.append(booking_id)
        return alerted

    def _alert_once(self, booking: Booking, block: Span) -> bool:
        key = f"{self.feed.id}|{booking.id}|{iso(block.start)}|{iso(block.end)}"
        message = Message(
            "cal-" + hashlib.sha256(key.encode()).hexdigest()[:24],  # the same pair, the same id
            "freelancer/calendar_overlap",
            "freelancer",
            booking.id,
            {
                "event": "calendar_overlap",
                "booking": booking_view(booking),
                "calendar": {"id": self.feed.id, "name": self.feed.name},
                "busy_start": iso(block.start),
                "busy_end": iso(block.end),
            },
            self.now,
        )
        try:
            self.ctx.store.commit(Change(outbox=[message]))
        except DomainError:
            return False  # already sent for this pair
        return True


def _replace_blocks(
    table: BusyTable,
    state: CalendarState,
    blocks: tuple[Span, ...],
    others: list[CalendarState],
    now: datetime,
) -> tuple[CalendarState, dict[datetime, str]]:
    """New blocks written, then old ones removed: the state with the new blocks, and the
    cells a booking holds (with its id).

    Before anything is written the state names old and new together, so a crash
    half-way leaves nothing the next sync would not clean up."""
    old = state.blocks
    if not set(blocks) <= set(old):
        table.save_state(replace(state, blocks=merge((*old, *blocks))), [])
        state = replace(state, version=state.version + 1)
    new_pieces, old_pieces = pieces(blocks), pieces(old)
    table.put_blocks(state.calendar_id, new_pieces - old_pieces)
    wanted, before = cells(blocks, since=now), cells(old, since=now)
    held = table.take_cells((wanted - before) | (set(state.pending) & wanted))
    elsewhere = cells((b for s in others for b in s.blocks), since=now)
    table.release_cells(before - wanted - elsewhere)
    table.delete_blocks(state.calendar_id, old_pieces - new_pieces)
    return replace(state, blocks=blocks, pending=tuple(sorted(held))), held
