"""moto's server in this process, on loopback, one call at a time.

moto's backends are not thread-safe: a transaction reads, checks and writes
items in steps, and its rollback restores what it saw. So every call into its
WSGI app holds one lock (real DynamoDB needs no such thing). The same lock
guards in-process reads of moto's state (the outbox).

Two overrides keep each call's cost independent of the table's size: a failed
transaction rolls back from copies of the items it touches, not of the whole
table (infra/local/moto_rollback.py), and a query reads its partition instead
of sorting every item (infra/local/moto_query.py). moto keeps no list of every
item it ever made (infra/local/moto_untracked.py), parses each distinct
expression once (infra/local/moto_parses.py), and reads and writes an item's plain
attributes as they are (infra/local/moto_attributes.py).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server

from infra.local import (
    moto_attributes,
    moto_parses,
    moto_query,
    moto_rollback,
    moto_untracked,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

T = TypeVar("T")


# The DynamoDB calls that change the table (what its stream would carry in AWS).
TABLE_WRITES = (
    ".PutItem",
    ".UpdateItem",
    ".DeleteItem",
    ".TransactWriteItems",
    ".BatchWriteItem",
)


class SerialisedApp:
    """WSGI middleware: one request at a time, its whole response produced under the lock.
    Counts the calls that changed the table, so the gateway can tell whether a request
    wrote anything."""

    def __init__(self, app: WSGIApplication, lock: threading.Lock) -> None:
        self._app = app
        self._lock = lock
        self.writes = 0

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        statuses: list[str] = []

        def recording(status: str, headers: Any, *info: Any) -> Any:
            statuses.append(status)
            return start_response(status, headers, *info)

        with self._lock:
            result = self._app(environ, recording)
            try:
                # Drain inside the lock: a lazy body would otherwise run unlocked.
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
            # A refusal (4xx) changed nothing; an error after the write may have.
            if target.endswith(TABLE_WRITES) and not (statuses and statuses[-1][:1] == "4"):
                self.writes += 1
        return [body]


class _QuietHandler(MotoRequestHandler):
    def setup(self) -> None:
        super().setup()
        no_delay(self.connection)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Every SDK call would print a line; the gateway logs the requests that matter."""


def install_overrides() -> None:
    """The local stack's changes to moto, in this process (idempotent): the tests that
    run moto in-process use the same."""
    moto_rollback.install()
    moto_query.install()
    moto_untracked.install()
    moto_parses.install()
    moto_attributes.install()


class MotoServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port  # 0: the OS picks a free port, no race with other processes
        self.lock = threading.Lock()
        self._server: BaseWSGIServer | None = None
        self._app: SerialisedApp | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        install_overrides()
        self._app = SerialisedApp(DomainDispatcherApplication(create_backend_app), self.lock)
        self._server = make_server(
            self._host,
            self._port,
            self._app,
            threaded=True,
            request_handler=_QuietHandler,
        )
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("MotoServer.start() first")
        return f"http://{self._host}:{self._server.server_port}"

    def writes(self) -> int:
        """How many calls have changed the table since the server started."""
        return self._app.writes if self._app is not None else 0

    def read(self, fn: Callable[[], T]) -> T:
        """Run `fn` (which reads moto's in-memory state) while no call is in flight."""
        with self.lock:
            return fn()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None


def no_delay(connection: socket.socket) -> None:
    """Send each write at once. The handler writes a response's headers and its body
    separately; with Nagle's algorithm the body waits for the client's delayed ACK of
    the headers, about 40 ms on loopback, on every call of a kept-alive connection."""
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def ses_sent_messages(region: str) -> list[Any]:
    """moto's SES (v1 and v2 share it) record of every message sent, oldest first."""
    from moto.backends import get_backend
    from moto.core.models import DEFAULT_ACCOUNT_ID  # where fake access keys land

    backend = get_backend("ses")[DEFAULT_ACCOUNT_ID][region]
    return list(backend.sent_messages)
