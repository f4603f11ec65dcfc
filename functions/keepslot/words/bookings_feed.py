"""The bookings feed (`/api/feed.ics`): every booking as an event the freelancer's own
calendar app can subscribe to, in their language."""

from __future__ import annotations

from datetime import datetime

from keepslot.config.meetings import meeting
from keepslot.config.model import KeepslotConfig
from keepslot.domain.booking import WAITING, Booking, BookingStatus, Mode
from keepslot.words.catalog import Words

_ICS_STATUS = {
    BookingStatus.HELD: "TENTATIVE",
    BookingStatus.PENDING_APPROVAL: "TENTATIVE",
    BookingStatus.CONFIRMED: "CONFIRMED",
    BookingStatus.COMPLETED: "CONFIRMED",
}
# Still waiting on someone: the title says so, not only the event's status.


def calendar(bookings: list[Booking], config: KeepslotConfig, now: datetime) -> str:
    from icalendar import Calendar, Event

    words = Words(config.business.locale)
    cal = Calendar()
    cal.add("prodid", "-//keepslot//feed//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", config.business.name)
    for b in bookings:
        ev = Event()
        ev.add("uid", f"{b.id}@keepslot")  # calendars/expand.py knows these as our own
        ev.add("dtstamp", now)
        ev.add("dtstart", b.start)
        ev.add("dtend", b.end)
        ev.add("summary", _summary(b, config, words))
        where = _where(b, config)
        if where:
            ev.add("location", where)
        link = meeting(config.modes, b.mode.value).get("link")
        if b.mode is Mode.VIDEO and link:
            ev.add("url", link)
        ev.add("description", "\n".join(_lines(b, config, words)))
        ev.add("status", _ICS_STATUS.get(b.status, "CANCELLED"))
        cal.add_component(ev)
    return str(cal.to_ical().decode())


def _service(b: Booking, config: KeepslotConfig) -> str:
    service = config.service(b.service)
    return service.name if service else b.service


def _summary(b: Booking, config: KeepslotConfig, words: Words) -> str:
    parts = {
        "client": b.client.name,
        "service": _service(b, config),
        "mode": words(f"mode.{b.mode.value}"),
        "status": words(f"feed.status.{b.status.value}"),
    }
    return words("feed.summary.waiting" if b.status in WAITING else "feed.summary", **parts)


def _where(b: Booking, config: KeepslotConfig) -> str:
    """The address, the meeting link, or the number the freelancer dials."""
    how = meeting(config.modes, b.mode.value)
    if b.mode is Mode.PHONE:
        return (b.client.phone or "") if how.get("who_calls") == "freelancer" else ""
    return str(how.get("address") or how.get("link") or "")


def _lines(b: Booking, config: KeepslotConfig, words: Words) -> list[str]:
    lines = [
        f"{_service(b, config)}, {words(f'mode.{b.mode.value}')}",
        words("feed.line.status", status=words(f"feed.status.{b.status.value}")),
        words("feed.line.client", name=b.client.name, email=b.client.email),
    ]
    if b.client.phone:
        lines.append(words("feed.line.phone", phone=b.client.phone))
    how = meeting(config.modes, b.mode.value)
    if b.mode is Mode.PHONE and how.get("who_calls") == "freelancer":
        lines.append(words("feed.line.you_call"))
    elif b.mode is Mode.PHONE and how.get("number"):
        lines.append(words("feed.line.they_call", name=b.client.name, number=how["number"]))
    elif b.mode is not Mode.PHONE and _where(b, config):
        lines.append(words("feed.line.where", where=_where(b, config)))
    return lines
