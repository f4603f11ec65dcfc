"""What a waitlist email may show: its client, the days asked for, the leave link and,
for an offer, the freed time and the book page preset to it. Nothing of any booking."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from keepslot.config.model import KeepslotConfig
from keepslot.domain.instants import parse_iso
from keepslot.service.ports.postman import SignedLinks
from keepslot.words import format_day, format_when


def waiter_view(
    links: SignedLinks, config: KeepslotConfig, context: dict[str, Any]
) -> dict[str, Any]:
    w = context["waiter"]
    locale = config.business.locale
    tz = w.get("timezone") or config.business.timezone
    service = config.service(w["service"])
    first, last = date.fromisoformat(w["from"]), date.fromisoformat(w["to"])
    view: dict[str, Any] = {
        "name": w["name"],
        "first_name": (w["name"].split() or [""])[0],
        "service_name": service.name if service else w["service"],
        "from_day": _day(first, locale, config.business.timezone),
        "to_day": _day(last, locale, config.business.timezone),
        "one_day": first == last,
        "times": ", ".join(w.get("times") or []),
        "leave_url": links.waitlist(w["id"], last),
    }
    offer = context.get("offer")
    if offer:
        start = parse_iso(offer["start"])
        view |= {
            "offer_when": format_when(start, locale, tz),
            "offer_url": links.offer(offer["service"], start),
        }
    return view


def _day(day: date, locale: str, tz: str) -> str:
    return format_day(datetime.combine(day, time(12), ZoneInfo(tz)), locale, tz)
