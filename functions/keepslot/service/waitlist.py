"""Joining and leaving the waitlist, and entries that end because their client booked.

An address has at most MAX_OPEN_PER_EMAIL open entries (429 beyond). Entries carry the
retention TTL from their last day; the leave link (purpose `waitlist`) works without
signing in. A confirmed booking ends its client's entries for that service and day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from keepslot.domain.booking import Booking, BookingStatus, Client, Mode
from keepslot.domain.errors import InvalidInput, NotFound, PolicyChanged, TooManyEntries
from keepslot.domain.waitlist import (
    MAX_OPEN_PER_EMAIL,
    MAX_RANGE_DAYS,
    Times,
    WaitEntry,
    free_place,
)
from keepslot.service.context import Context
from keepslot.service.ports.changes import WAITLIST_MAIL, Change, Message


@dataclass(frozen=True)
class WaitRequest:
    service: str
    client: Client
    first: date
    last: date
    policy_version: str
    mode: Mode | None = None
    times: tuple[Times, ...] = ()
    timezone: str | None = None


def waiter_context(entry: WaitEntry) -> dict[str, Any]:
    """What an entry's emails may say of it: no booking, the client's name and the entry."""
    return {
        "waiter": {
            "id": entry.id,
            "name": entry.name,
            "email": entry.email,
            "service": entry.service,
            "from": entry.first.isoformat(),
            "to": entry.last.isoformat(),
            "times": [str(w) for w in entry.times],
            "timezone": entry.timezone,
        }
    }


def join(ctx: Context, req: WaitRequest, now: datetime) -> WaitEntry:
    config = ctx.config
    service = config.service(req.service)
    if service is None:
        raise InvalidInput(f"unknown service {req.service!r}", field="service")
    if req.mode is not None and req.mode not in service.modes:
        raise InvalidInput(f"{service.name} is not offered as {req.mode.value}", field="mode")
    if req.policy_version != config.policy_version:
        raise PolicyChanged("the policy changed since the page was loaded; please read it again")
    today = now.astimezone(ZoneInfo(config.business.timezone)).date()
    if req.last < req.first:
        raise InvalidInput("`to` must not be before `from`", field="to", reason="wait_order")
    if req.first < today:
        raise InvalidInput("`from` is in the past", field="from", reason="wait_past")
    if (req.last - req.first).days + 1 > MAX_RANGE_DAYS:
        days = {"days": MAX_RANGE_DAYS}
        raise InvalidInput(
            f"the range is at most {MAX_RANGE_DAYS} days",
            field="to",
            reason="wait_range",
            params=days,
        )
    if req.last > today + timedelta(days=config.hours.horizon_days):
        days = {"days": config.hours.horizon_days}
        raise InvalidInput(
            f"bookings open at most {days['days']} days ahead",
            field="to",
            reason="wait_horizon",
            params=days,
        )
    key = req.client.key
    snap = ctx.store.client_snapshot(key)
    place = free_place(snap.waiting, today)
    if place is None:
        raise TooManyEntries(
            f"this address already waits for {MAX_OPEN_PER_EMAIL} times; "
            "leave one of them first (the link is in its email)",
            reason="wait_full",
            params={"n": MAX_OPEN_PER_EMAIL},
        )
    entry = WaitEntry(
        id=ctx.new_id(),
        service=service.id,
        email=key,
        name=req.client.name,
        first=req.first,
        last=req.last,
        created_at=now,
        mode=req.mode,
        times=req.times,
        phone=req.client.phone,
        timezone=req.timezone,
        place=place[0],
    )
    change = Change(waitlist_joined=[(entry, place[1])])
    context = waiter_context(entry) | {"event": "waitlist_joined"}
    to = WAITLIST_MAIL + entry.id
    change.outbox.append(
        Message(ctx.new_id(), "client/waitlist_joined", "client", to, context, now)
    )
    ctx.store.commit(change)
    return entry


def leave(ctx: Context, entry_id: str) -> WaitEntry | None:
    """Leave the list (the emailed link); leaving twice answers the same."""
    try:
        entry = ctx.store.waitlist_entry(entry_id)
    except NotFound:
        return None
    ctx.store.commit(Change(waitlist_ended=[entry]))
    return entry


def end_waiting(ctx: Context, booking: Booking, now: datetime) -> Change:
    """A confirmed booking ends its client's entries for that service and day."""
    if booking.status is not BookingStatus.CONFIRMED:
        return Change()
    snap = ctx.store.client_snapshot(booking.client.key)
    if not snap.waiting:
        return Change()
    day = booking.start.astimezone(ZoneInfo(ctx.config.business.timezone)).date()
    ended = []
    for entry_id, last in snap.waiting.values():
        if last < day:
            continue
        try:
            entry = ctx.store.waitlist_entry(entry_id)
        except NotFound:
            continue
        if entry.service == booking.service and entry.first <= day <= entry.last:
            ended.append(entry)
    return Change(waitlist_ended=ended)
