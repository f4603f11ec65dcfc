"""The local stack (`python -m infra.local.serve`) as a subprocess, for integration
and e2e tests: free loopback ports, its output shown when it fails to start.

    with LocalStack(config=tmp_config) as stack:
        stack.get("/api/config").json()
        stack.advance(60 * 24)
        stack.outbox()

It runs the test fixture config (tests/fixtures/keepslot.yaml) unless given
another, and serves a site built from that config (tests/support/site.py).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

from tests.support.configs import FIXTURE
from tests.support.site import site_for

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0
HTTP_TIMEOUT = 30.0


class StackError(RuntimeError):
    """The stack did not start, or a dev route refused; carries its output."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalStack:
    def __init__(
        self,
        config: Path | None = None,
        site: Path | None = None,
        timeout: float = START_TIMEOUT,
    ) -> None:
        self.config = Path(config) if config else FIXTURE
        self._site = Path(site) if site else None
        self.timeout = timeout
        self.port = 0
        self.returncode: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log = tempfile.NamedTemporaryFile(prefix="keepslot-stack-", suffix=".log")  # noqa: SIM115
        # A folder of its own, where the stack tells the CLI its address: never the
        # checkout's .local/, which a developer's `make serve` uses.
        self._home = tempfile.TemporaryDirectory(prefix="keepslot-stack-home-")
        self.home = Path(self._home.name)
        self.stack_file = self.home / ".local" / "stack.json"

    @property
    def url(self) -> str:
        if not self.port:
            raise StackError("LocalStack.start() first")
        return f"http://127.0.0.1:{self.port}"

    @property
    def site(self) -> Path:
        """The site it serves: the one given, else one built from its config."""
        if self._site is None:
            self._site = site_for(self.config)
        return self._site

    def start(self) -> LocalStack:
        # A free port can be taken between our probe and the server's bind: try again.
        for _ in range(3):
            self.port = free_port()
            self._proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "infra.local.serve",
                    "--port",
                    str(self.port),
                    "--config",
                    str(self.config),
                    "--site",
                    str(self.site),
                    "--stack-file",
                    str(self.stack_file),
                ],
                cwd=ROOT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                stdout=self._log,
                stderr=subprocess.STDOUT,
            )
            if self._wait_ready():
                return self
            if "in use" not in self.output():  # werkzeug: "Port N is in use by ..."
                break
        self.stop()
        raise StackError(f"the local stack did not start:\n{self.output()}")

    def _wait_ready(self) -> bool:
        assert self._proc is not None
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                return False
            try:
                if requests.get(f"{self.url}/_dev/clock", timeout=1).status_code == 200:
                    return True
            except requests.ConnectionError:
                pass
            except requests.Timeout:
                pass
            time.sleep(0.1)
        return False

    @property
    def pid(self) -> int:
        if self._proc is None:
            raise StackError("LocalStack.start() first")
        return self._proc.pid

    def output(self) -> str:
        """Everything the stack has printed so far (stdout and stderr)."""
        return Path(self._log.name).read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL after 10 s; returns the exit code."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            self.returncode = proc.returncode
        return self.returncode

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        self._log.close()
        self._home.cleanup()

    # -- HTTP ---------------------------------------------------------------

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return requests.get(self.url + path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return requests.post(self.url + path, json=json, **kwargs)

    def first_slot(self, service: str, days_ahead: int, days: int = 10) -> str:
        """The first free start of `service` from `days_ahead` days after the dev clock's today."""
        first = self.now().date() + timedelta(days=days_ahead)
        last = first + timedelta(days=days)
        r = self.get(f"/api/slots?service={service}&from={first}&to={last}")
        return str(r.json()["slots"][0]["start"])

    def book(self, service: str, start: str, **fields: Any) -> requests.Response:
        """POST /api/bookings accepting the published policy; `fields` adds the client's."""
        version = self.get("/api/config").json()["policy_version"]
        body = {"service": service, "start": start, "policy_version": version} | fields
        return self.post("/api/bookings", body)

    # -- dev routes ---------------------------------------------------------

    def now(self) -> datetime:
        return self._clock(self.get("/_dev/clock"))

    def advance(self, minutes: float) -> datetime:
        """Move the app's clock forward and run every job now due; the new time."""
        return self._clock(self.post("/_dev/clock", {"advance_minutes": minutes}))

    def move_to(self, when: datetime) -> datetime:
        return self._clock(self.post("/_dev/clock", {"now": when.isoformat()}))

    def outbox(self) -> list[dict[str, Any]]:
        """Every email sent, oldest first: to, subject, text, html, sent_at, attachments."""
        r = self.get("/_dev/outbox")
        if r.status_code != 200:
            raise StackError(f"GET /_dev/outbox: {r.status_code} {r.text}")
        emails: list[dict[str, Any]] = r.json()
        return emails

    @staticmethod
    def _clock(r: requests.Response) -> datetime:
        if r.status_code != 200:
            raise StackError(f"{r.request.method} /_dev/clock: {r.status_code} {r.text}")
        return datetime.fromisoformat(r.json()["now"])
