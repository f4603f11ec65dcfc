"""The local calendar `dev`: a feed the developer writes, which keepslot reads as a
freelancer's calendar (`make serve` adds it to the config the functions run with).

    GET /_dev/calendar.ics   the feed, empty at start (ETag; If-None-Match gives 304)
    PUT /_dev/calendar.ics   replace it (text/calendar), then sync at once

Its address, `<site>/_dev/calendar.ics`, is put in the local SSM like a real feed's
secret address; the functions fetch it over loopback http, which only the local
stack allows.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from werkzeug.wrappers import Request, Response

from infra.local.responses import json_error, json_response

CALENDAR_ID = "dev"
PATH = "/_dev/calendar.ics"
MAX_FEED = 5 * 1024 * 1024
EMPTY = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//keepslot//dev calendar//EN\r\n"
    b"X-WR-CALNAME:dev\r\nEND:VCALENDAR\r\n"
)


def with_dev_calendar(config_path: Path, out_dir: Path) -> Path:
    """The freelancer's config plus the calendar `dev` (all-day events busy), written
    into `out_dir`; the file itself is left as it is."""
    raw: dict[str, Any] = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    calendars = [c for c in raw.get("calendars") or [] if c.get("id") != CALENDAR_ID]
    calendars.append({"id": CALENDAR_ID, "name": "dev (/_dev/calendar.ics)", "all_day": "busy"})
    raw["calendars"] = calendars
    path = out_dir / "keepslot.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class DevCalendar:
    def __init__(self, sync: Callable[[], dict[str, Any]]) -> None:
        self._sync = sync  # runs the clock with every calendar due; returns its result
        self._lock = threading.Lock()
        self._body = EMPTY

    def handle(self, request: Request) -> Response:
        if request.method == "GET":
            return self._get(request)
        if request.method == "PUT":
            return self._put(request)
        return json_error(405, "method_not_allowed", f"{request.method} {PATH}")

    def _get(self, request: Request) -> Response:
        with self._lock:
            body = self._body
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if etag in request.headers.get("If-None-Match", ""):
            return Response(status=304, headers={"ETag": etag})
        return Response(body, mimetype="text/calendar", headers={"ETag": etag})

    def _put(self, request: Request) -> Response:
        body = request.get_data(cache=False)
        if len(body) > MAX_FEED:
            return json_error(413, "too_large", "a feed is at most 5 MB")
        try:
            from icalendar import Calendar

            Calendar.from_ical(body)
        except ValueError as err:
            return json_error(422, "invalid_input", f"body: not an iCalendar file ({err})")
        with self._lock:
            self._body = body
        return json_response({"calendar": CALENDAR_ID, "synced": self._sync()})
