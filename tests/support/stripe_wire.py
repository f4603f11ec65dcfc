"""localstripe behind one more hop on loopback that breaks chosen calls the way a network
does, and keeps the idempotency promise Stripe makes and localstripe does not.

`refuse` closes the connection before anything reaches Stripe; `lose` lets Stripe do
the work and then drops its answer; `answer` replies as Stripe does when it refuses
(a 400 with an error code, a 429, a 500) without reaching it. A POST whose
Idempotency-Key Stripe has seen gets the first answer again (with other parameters:
400 idempotency_error).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

from keepslot.adapters.payments.stripe_gateway import STRIPE_RETRIES

SDK_ATTEMPTS = 1 + STRIPE_RETRIES  # the gateway's StripeClient: each call, and its retries
HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "content-encoding", "host"}


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    key: str | None
    replayed: bool
    data: bytes = b""  # the form-encoded parameters sent


class StripeWire:
    """localstripe behind a loopback hop that fails on purpose and honours idempotency keys."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.calls: list[Call] = []
        self._faults: list[list[Any]] = []  # [method, path, mode, times left, answer]
        self._replies: dict[tuple[str, str], tuple[bytes, int, bytes, str]] = {}
        self._lock = threading.Lock()
        wire = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                wire._serve(self)

            do_GET = do_POST = do_DELETE = _any

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def fail(self, method: str, path: str, mode: str, times: int = SDK_ATTEMPTS) -> None:
        """Break the next `times` calls of `method path` (query string aside)."""
        assert mode in ("refuse", "lose")
        self._faults.append([method, path, mode, times, None])

    def answer(
        self, method: str, path: str, status: int, error: dict[str, str], times: int = 1
    ) -> None:
        """Answer the next `times` calls of `method path` with Stripe's error `status` and
        body, Stripe untouched (the SDK retries a 5xx once, a 4xx never)."""
        self._faults.append([method, path, "answer", times, (status, {"error": error})])

    def keys(self, method: str, path: str) -> list[str | None]:
        return [c.key for c in self.calls if (c.method, c.path) == (method, path)]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _fault(self, method: str, path: str) -> tuple[str | None, Any]:
        for f in self._faults:
            if (f[0], f[1]) == (method, path) and f[3] > 0:
                f[3] -= 1
                return str(f[2]), f[4]
        return None, None

    def _serve(self, req: BaseHTTPRequestHandler) -> None:
        data = req.rfile.read(int(req.headers.get("Content-Length") or 0))
        path = req.path.split("?", 1)[0]
        key = req.headers.get("Idempotency-Key") if req.command == "POST" else None
        mode, canned = self._fault(req.command, path)
        if mode == "refuse":  # the socket closes unanswered; Stripe never saw it
            self.calls.append(Call(req.command, path, key, False, data))
            req.close_connection = True
            return
        if mode == "answer":
            self.calls.append(Call(req.command, path, key, False, data))
            status, error = canned
            req.send_response(status)
            payload = json.dumps(error).encode()
            req.send_header("Content-Type", "application/json")
            req.send_header("Content-Length", str(len(payload)))
            req.end_headers()
            req.wfile.write(payload)
            return
        status, ctype, payload, replayed = self._answer(req, key, data)
        self.calls.append(Call(req.command, path, key, replayed, data))
        if mode == "lose":  # Stripe did it; its answer never arrives
            req.close_connection = True
            return
        req.send_response(status)
        req.send_header("Content-Type", ctype)
        req.send_header("Content-Length", str(len(payload)))
        if replayed:
            req.send_header("Idempotent-Replayed", "true")
        req.end_headers()
        req.wfile.write(payload)

    def _answer(
        self, req: BaseHTTPRequestHandler, key: str | None, data: bytes
    ) -> tuple[int, str, bytes, bool]:
        if key is None:
            return (*self._forward(req, data), False)
        with self._lock:  # Stripe's idempotency: per account and key, the first answer
            scope = (req.headers.get("Authorization", ""), key)
            seen = self._replies.get(scope)
            if seen is not None:
                sent, status, payload, ctype = seen
                if sent != data:
                    return 400, "application/json", _idempotency_error(key), False
                return status, ctype, payload, True
            status, ctype, payload = self._forward(req, data)
            if status < 400 or status == 402 or status >= 500:  # it ran: Stripe keeps it
                self._replies[scope] = (data, status, payload, ctype)
            return status, ctype, payload, False

    def _forward(self, req: BaseHTTPRequestHandler, data: bytes) -> tuple[int, str, bytes]:
        headers = {k: v for k, v in req.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["Accept-Encoding"] = "identity"
        r = requests.request(
            req.command, self.upstream + req.path, data=data, headers=headers, timeout=10
        )
        return r.status_code, r.headers.get("Content-Type", "application/json"), r.content


def _idempotency_error(key: str) -> bytes:
    message = (
        "Keys for idempotent requests can only be used with the same parameters they were "
        f"first used with. Try using a key other than '{key}' if you meant to execute a "
        "different request."
    )
    return json.dumps({"error": {"type": "idempotency_error", "message": message}}).encode()
