"""/_dev/*: the dev clock, the outbox and (later) the local Stripe. Never deployed:
these exist only in this gateway, not in the functions package."""

from __future__ import annotations

import json
import math
import sys
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from werkzeug.wrappers import Request, Response

from infra.local.clock import ClockWentBack, DevClock, iso
from infra.local.dev_calendar import PATH as CALENDAR_PATH
from infra.local.dev_calendar import DevCalendar
from infra.local.outbox import Outbox, render_html
from infra.local.responses import json_error, json_response


class DevRoutes:
    def __init__(
        self,
        clock: DevClock,
        outbox: Outbox,
        settle: Callable[[bool], None],
        stripe: dict[str, str] | None = None,
        calendar: DevCalendar | None = None,
    ) -> None:
        self._clock = clock
        self._outbox = outbox
        self._settle = settle  # run due jobs and deliver mail (True: sync calendars too)
        self._calendar = calendar
        self._stripe = stripe  # {"api_base", "publishable_key"} of localstripe, in stripe mode

    def handle(self, request: Request) -> Response:
        route = (request.method, request.path)
        if route == ("GET", "/_dev/clock"):
            return json_response({"now": iso(self._clock.now())})
        if route == ("POST", "/_dev/clock"):
            return self._move_clock(request)
        if route == ("GET", "/_dev/outbox"):
            # ?to=<address>: that client's mail only; ?since=<n>: the mail after the first n
            since = request.args.get("since", "0")
            if not since.isdigit():
                return json_error(422, "invalid_since", "since is a count of messages")
            return json_response(self._outbox.emails(request.args.get("to", ""), int(since)))
        if route == ("GET", "/_dev/outbox.html"):
            response = Response(render_html(self._outbox.emails()), mimetype="text/html")
            # Emails are other people's HTML: nothing in the page may load or run.
            response.headers["Content-Security-Policy"] = (
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
            )
            return response
        if request.path == CALENDAR_PATH and self._calendar:
            return self._calendar.handle(request)
        if route == ("GET", "/_dev/stripe") and self._stripe:
            return json_response(self._stripe)
        if request.path == "/_dev/stripe" and not self._stripe:
            return json_error(404, "not_found", "payments are offline: there is no local Stripe")
        known = {"/_dev/clock", "/_dev/outbox", "/_dev/outbox.html", "/_dev/stripe"}
        if request.path in known:
            return json_error(405, "method_not_allowed", f"{request.method} {request.path}")
        return json_error(404, "not_found", f"no dev route {request.path}")

    def _move_clock(self, request: Request) -> Response:
        try:
            move = _target(request.get_data(), self._clock.now)
            now = self._clock.set(move) if isinstance(move, datetime) else self._clock.advance(move)
        except ValueError as err:  # ClockWentBack is one too
            return json_error(422, "invalid_input", str(err))
        try:
            self._settle(True)  # each clock move syncs the calendars too
        except Exception as err:  # the clock moved; say the jobs failed, loudly
            traceback.print_exc(file=sys.stderr)
            return json_error(500, "jobs_failed", f"the clock moved but a job failed: {err!r}")
        return json_response({"now": iso(now)})


def _target(raw: bytes, now: Callable[[], datetime]) -> datetime | timedelta:
    """The body's move: {"now": iso} or {"advance_minutes": n}."""
    try:
        body: Any = json.loads(raw or b"null")
    except ValueError as err:
        raise ValueError('the body must be JSON: {"now": iso} or {"advance_minutes": n}') from err
    if not isinstance(body, dict) or len(body.keys() & {"now", "advance_minutes"}) != 1:
        raise ValueError('send exactly one of {"now": iso} or {"advance_minutes": n}')
    if "now" in body:
        if not isinstance(body["now"], str):
            raise ValueError("now: must be an ISO-8601 time, e.g. 2026-12-01T09:00:00Z")
        try:
            when = datetime.fromisoformat(body["now"])
        except ValueError as err:
            raise ValueError(f"now: not an ISO-8601 time: {body['now']!r}") from err
        if when.tzinfo is None:
            raise ValueError("now: needs a UTC offset, e.g. 2026-12-01T09:00:00Z")
        return when
    minutes = body["advance_minutes"]
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int | float)
        or not math.isfinite(minutes)
    ):
        raise ValueError("advance_minutes: must be a number of minutes")
    if minutes < 0:
        raise ClockWentBack(f"the dev clock never goes back: it is {iso(now())}")
    if minutes > 60 * 24 * 365 * 10:
        raise ValueError("advance_minutes: at most ten years at a time")
    return timedelta(minutes=minutes)
