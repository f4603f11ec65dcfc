"""Offers: a time opens, and the waitlist hears of it.

The change that opens a time (a cancel, a move away, a hold running out, a decline, the
freelancer cancelling) schedules the offer job in its own transaction while the start is
still at least `notice_hours` ahead. The clock runs it: if the time is still free (no
booking, no busy time in the freelancer's calendars, still bookable), the entries it
suits are emailed, oldest first, up to `waitlist.offer_to`. Whoever books first gets it
through the normal booking path and its locks. The offer names the time and the service
only, never who gave it up.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from keepslot.domain.availability import check_start
from keepslot.domain.booking import Booking, Mode
from keepslot.domain.errors import InvalidInput, SlotTaken
from keepslot.domain.instants import iso, parse_iso
from keepslot.domain.waitlist import FreedTime, pick_for_offer
from keepslot.service.context import Context
from keepslot.service.ports.changes import WAITLIST_MAIL, Change, Job, JobKind, Message
from keepslot.service.ports.snapshots import DueItem
from keepslot.service.waitlist import waiter_context


def offer_job(ctx: Context, booking: Booking, now: datetime) -> list[Job]:
    """The offer of `booking`'s time, when it is still far enough ahead to be booked."""
    if booking.start - now < timedelta(hours=ctx.config.hours.notice_hours):
        return []
    data = {
        "service": booking.service,
        "mode": booking.mode.value,
        "start": iso(booking.start),
        "end": iso(booking.end),
    }
    return [Job(booking.id, JobKind.OFFER, now, data, "offer")]


def still_free(ctx: Context, slot: FreedTime, now: datetime) -> bool:
    """Whether a booking could take `slot` now: on the schedule, ahead of the notice, no
    booking and no busy time from the freelancer's calendars over it."""
    service = ctx.config.service(slot.service)
    if service is None:
        return False
    day = timedelta(days=1)
    agenda = ctx.store.agenda(slot.start - day, slot.start + day)
    try:
        check_start(
            ctx.config.schedule(), service.minutes, slot.start, agenda.bookings, now, agenda.blocked
        )
    except (SlotTaken, InvalidInput):
        return False
    return True


def run_offer(ctx: Context, opened: Booking, item: DueItem, now: datetime) -> Change:
    """Email the freed time to the entries it suits (never to the client who opened it)."""
    data = json.loads(item.item.get("data") or "{}")
    slot = FreedTime(
        data["service"], Mode(data["mode"]), parse_iso(data["start"]), parse_iso(data["end"])
    )
    change = Change()
    if not still_free(ctx, slot, now):
        return change  # taken again, or busy in the freelancer's calendar meanwhile
    tz = ZoneInfo(ctx.config.business.timezone)
    local_day = slot.start.astimezone(tz).date()
    entries = [e for e in ctx.store.waiting_from(local_day) if e.email != opened.client.key]
    for entry in pick_for_offer(entries, slot, tz, ctx.config.waitlist.offer_to):
        context = waiter_context(entry) | {
            "event": "waitlist_offer",
            "offer": {"service": slot.service, "start": iso(slot.start), "end": iso(slot.end)},
        }
        # Filed under the entry, not the booking whose time it is: nothing leads back.
        to = WAITLIST_MAIL + entry.id
        change.outbox.append(
            Message(ctx.new_id(), "client/waitlist_offer", "client", to, context, now)
        )
    return change
