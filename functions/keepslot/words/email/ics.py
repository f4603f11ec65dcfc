"""The `.ics` attached to a confirmation (METHOD REQUEST) or a cancellation (METHOD CANCEL)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from icalendar import Calendar, Event, vCalAddress


def invite(
    *,
    booking_id: str,
    site_url: str,
    start: datetime,
    end: datetime,
    summary: str,
    organizer: str,
    now: datetime,
    location: str = "",
    url: str = "",
    description: str = "",
    cancel: bool = False,
) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//keepslot//booking//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancel else "REQUEST")
    ev = Event()
    ev.add("uid", f"{booking_id}@{urlsplit(site_url).hostname or 'keepslot'}")
    ev.add("dtstamp", now)
    ev.add("dtstart", start)  # aware UTC datetimes: written with a trailing Z
    ev.add("dtend", end)
    ev.add("summary", summary)
    # A cancel must outrank the request it withdraws.
    ev.add("sequence", 1 if cancel else 0)
    ev.add("status", "CANCELLED" if cancel else "CONFIRMED")
    ev.add("organizer", vCalAddress(f"mailto:{organizer}"))
    if location:
        ev.add("location", location)
    if url:
        ev.add("url", url)
    if description:
        ev.add("description", description)
    cal.add_component(ev)
    return bytes(cal.to_ical())
