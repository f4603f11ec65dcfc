"""The dev gateway: the built site, /api through the real handler as a v2 event,
and the /_dev routes. After an /api request, the clock and the dispatcher run if the
table changed since the last run (by that request, or by anything else: the CLI, a
script), as the table's stream makes them in AWS, or if a minute of the dev clock has
passed since the last run, as the scheduler does. The emails a request causes are in
the outbox when the outbox is next read.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Request, Response

from infra.local.apigw import http_event, http_response
from infra.local.clock import DevClock
from infra.local.dev_calendar import CALENDAR_ID, DevCalendar
from infra.local.dev_calendar import PATH as CALENDAR_PATH
from infra.local.dev_routes import DevRoutes
from infra.local.lambdas import Functions
from infra.local.moto_server import no_delay
from infra.local.outbox import Outbox
from infra.local.responses import json_error, json_response
from infra.local.shared_run import SharedRun
from infra.local.static import StaticSite

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

SCHEDULE = timedelta(minutes=1)  # how often the scheduler runs the clock function in AWS
MAX_BODY = 64 * 1024  # the API's limit; the handler checks it too
WEBHOOK_PATH = "/api/payments/stripe"
_DRAIN_LIMIT = 16 * 1024 * 1024
_CHUNK = 64 * 1024


class Gateway:
    def __init__(
        self,
        site: StaticSite,
        functions: Functions,
        clock: DevClock,
        outbox: Outbox,
        stripe: dict[str, str] | None = None,
        writes: Callable[[], int] | None = None,
    ) -> None:
        self._site = site
        self._functions = functions
        self._clock = clock
        self._outbox = outbox
        self._writes = writes  # how many calls have changed the table; None: unknown
        self._last_run: datetime | None = None  # the dev clock when the last good run began
        self._writes_run = -1  # the table's writes when the last good run ended
        self._dev = DevRoutes(clock, outbox, self.settle, stripe, DevCalendar(self.sync_calendars))
        self._after_request = SharedRun(self.settle)  # concurrent requests share one run

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        response = self.dispatch(Request(environ))
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        if request.path == "/api" or request.path.startswith("/api/"):
            self._settle_owed()
            return self.api(request)
        if request.path == CALENDAR_PATH and request.method == "GET":
            # What the functions fetch during a run (a calendar sync): waiting for the
            # runs owed would wait for that run itself, until the fetch timed out.
            return self._dev.handle(request)
        if request.path.startswith("/_dev/"):
            self._settle_owed()
            return self._dev.handle(request)
        return self._site.serve(request)

    def api(self, request: Request) -> Response:
        body = _read_body(request)
        if body is None:
            response = json_error(
                413, "too_large", f"the request body is over {MAX_BODY // 1024} KB"
            )
            response.headers["Connection"] = "close"  # a body over the drain limit is left unread
            return response
        event = http_event(request, body, self._clock.now())
        writes_before = self._writes() if self._writes else 0
        try:
            if request.path == WEBHOOK_PATH:  # its own function, as in template.yaml
                result = self._functions.invoke_webhook(event)
            else:
                result = self._functions.invoke_api(event)
            response = http_response(result, event["requestContext"]["requestId"])
        except Exception:
            traceback.print_exc(file=sys.stderr)
            response = json_response({"message": "Internal Server Error"}, 500)  # API Gateway's
        # Even after a 500: the request may have written before failing. The run starts
        # once the response is sent (infra/local/shared_run.py), as the stream does in AWS.
        if self._wrote_since(writes_before) or self._scheduler_due():
            ticket = self._after_request.ask()
            response.call_on_close(lambda: self._run_after(ticket))
        return response

    def _wrote_since(self, writes_before: int) -> bool:
        """Whether this request changed the table (or, at worst, a run that wrote
        meanwhile: one run too many, never one too few), or anything else did since the
        last run ended."""
        if self._writes is None:
            return True
        now = self._writes()
        return now != writes_before or now != self._writes_run

    def _scheduler_due(self) -> bool:
        last = self._last_run
        return last is None or self._clock.now() - last >= SCHEDULE

    def _run_after(self, ticket: int) -> None:
        try:
            self._after_request.serve(ticket)
        except Exception:
            traceback.print_exc(file=sys.stderr)  # the jobs retry on the next run

    def _settle_owed(self) -> None:
        """Wait for the runs owed to earlier requests, so this one sees their effects."""
        try:
            self._after_request.settled()
        except Exception:
            traceback.print_exc(file=sys.stderr)

    def settle(self, calendars: bool = False) -> None:
        """What the scheduler and the stream do in AWS: run due jobs, send mail; with
        `calendars`, sync every calendar too (as each clock move does)."""
        began = self._clock.now()
        self._functions.run_clock(calendars)
        # After a run that failed, the next request runs the jobs again.
        self._last_run = began
        self._writes_run = self._writes() if self._writes else -1
        self._outbox.observe()

    def sync_calendars(self) -> dict[str, Any]:
        """Sync now; what the calendar `dev` holds afterwards."""
        self.settle(calendars=True)
        from keepslot import bootstrap

        state = bootstrap.app().calendars.table.states().get(CALENDAR_ID)
        if state is None:
            return {"busy_blocks": 0, "last_error": None}
        return {"busy_blocks": len(state.blocks), "last_error": state.last_error}


def _read_body(request: Request) -> bytes | None:
    """The body, or None when it is over MAX_BODY (then drained, so the client reads
    the 413 instead of a reset connection)."""
    stream = request.stream
    parts: list[bytes] = []
    size = 0
    while size <= MAX_BODY:
        chunk = stream.read(min(_CHUNK, MAX_BODY + 1 - size))
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        size += len(chunk)
    while size < _DRAIN_LIMIT and (chunk := stream.read(_CHUNK)):
        size += len(chunk)
    return None


class GatewayRequestHandler(WSGIRequestHandler):
    def setup(self) -> None:
        super().setup()
        no_delay(self.connection)  # as moto's: a kept-alive browser never waits 40 ms

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        sys.stderr.write(f"{self.command} {self.path} {getattr(code, 'value', code)}\n")
