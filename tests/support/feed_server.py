"""Calendar feeds served over loopback http, as Google, Outlook or iCloud would serve them:
an ETag, a 304 for a matching If-None-Match, and whatever status a test asks for.

    feeds = FeedServer().start()
    feeds.serve("/work.ics", ics_bytes)
    feeds.url("/work.ics")       # http://127.0.0.1:<port>/work.ics?token=...
    feeds.fail("/work.ics", 500)
    feeds.requests               # [(path, headers), ...]
    feeds.stop()
"""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CALENDARS = Path(__file__).resolve().parent.parent / "calendars"
SECRET = "s3cr3t-f33d-t0k3n-9f8e7d"  # the part of a feed address that must never leak


def calendar_file(name: str) -> bytes:
    """One of the real feeds kept in tests/calendars."""
    return (CALENDARS / name).read_bytes()


class FeedServer:
    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}
        self.status: dict[str, int] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.delay = 0.0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                server.requests.append((path, dict(self.headers)))
                if server.delay:
                    threading.Event().wait(server.delay)
                if path in server.status:
                    self._send(server.status[path], b"", {})
                    return
                body = server.bodies.get(path)
                if body is None:
                    self._send(404, b"not found", {})
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", {"ETag": etag})
                    return
                self._send(200, body, {"ETag": etag, "Content-Type": "text/calendar"})

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}?token={SECRET}"

    def serve(self, path: str, body: bytes) -> None:
        self.status.pop(path, None)
        self.bodies[path] = body

    def fail(self, path: str, status: int) -> None:
        self.status[path] = status


def vcalendar(*events: str, extra: str = "") -> bytes:
    """A feed as calendar apps write it: CRLF lines, a VTIMEZONE-less zone name."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tests//keepslot//EN", extra, *events]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(line for line in lines if line) + "\r\n").encode()


def vevent(uid: str, start: str, end: str, *props: str, tz: str = "Europe/Rome") -> str:
    """One VEVENT; `start`/`end` like 20261201T100000 (in `tz`), or 20261201 (all day)."""
    if len(start) == 8:
        when = [f"DTSTART;VALUE=DATE:{start}", f"DTEND;VALUE=DATE:{end}"]
    elif start.endswith("Z") or not tz:
        when = [f"DTSTART:{start}", f"DTEND:{end}"]
    else:
        when = [f"DTSTART;TZID={tz}:{start}", f"DTEND;TZID={tz}:{end}"]
    body = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261101T000000Z",
        *when,
        "SUMMARY:Private matter",
        *props,
        "END:VEVENT",
    ]
    return "\r\n".join(body)
