"""Fetch a calendar's feed: a conditional GET, 5 s, 5 MB, https only (loopback http
when the local stack allows it).

The address is the calendar's secret: it is read from SSM when needed, used for
the request, and never put in an error, a log line or the table. Errors say what
went wrong in words that hold no part of it.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from keepslot.service.ports import FeedFailed, Fetched

TIMEOUT_S = 5.0
MAX_BYTES = 5 * 1024 * 1024
_CHUNK = 64 * 1024
_LOOPBACK_NAMES = {"localhost"}


class NoAddress(FeedFailed):
    pass


def usable_address(raw: str, *, loopback_http: bool) -> str:
    """The address to fetch (webcal:// is https://), or FeedFailed saying why not."""
    address = raw.strip()
    if address.lower().startswith("webcal://"):  # Apple's and Outlook's subscribe links
        address = "https://" + address[len("webcal://") :]
    parts = urlsplit(address)
    if parts.scheme == "https" and parts.hostname:
        return address
    if parts.scheme == "http" and loopback_http and _loopback(parts.hostname or ""):
        return address
    raise FeedFailed("the feed address must start with https:// (or webcal://)")


def _loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to an address the first one would have been allowed as."""

    def __init__(self, loopback_http: bool) -> None:
        self._loopback_http = loopback_http

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        usable_address(newurl, loopback_http=self._loopback_http)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class HttpFeeds:
    def __init__(self, address_of: Callable[[str], str | None], *, loopback_http: bool) -> None:
        self._address_of = address_of  # calendar id -> its secret address (SSM), or None
        self._loopback_http = loopback_http

    def fetch(self, calendar_id: str, etag: str | None, last_modified: str | None) -> Fetched:
        raw = self._address_of(calendar_id)
        if not raw:
            raise NoAddress(f"no feed address is set: run `keepslot calendar set {calendar_id}`")
        address = usable_address(raw, loopback_http=self._loopback_http)
        headers = {"User-Agent": "keepslot", "Accept": "text/calendar, */*;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        opener = urllib.request.build_opener(_CheckedRedirects(self._loopback_http))
        request = urllib.request.Request(address, headers=headers)
        deadline = time.monotonic() + TIMEOUT_S
        try:
            with opener.open(request, timeout=TIMEOUT_S) as response:
                body = _read(response, deadline)
                return Fetched(
                    body, response.headers.get("ETag"), response.headers.get("Last-Modified")
                )
        except urllib.error.HTTPError as e:
            if e.code == 304:
                return Fetched(None, e.headers.get("ETag") or etag, last_modified)
            raise FeedFailed(f"the calendar server answered HTTP {e.code}") from None
        except TimeoutError:
            raise FeedFailed(f"no answer within {TIMEOUT_S:.0f} s") from None
        except urllib.error.URLError as e:
            raise FeedFailed(_why(e.reason)) from None
        except (http.client.HTTPException, ssl.SSLError, OSError) as e:
            raise FeedFailed(_why(e)) from None


def _read(response: Any, deadline: float) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > MAX_BYTES:
        raise FeedFailed(f"the feed is larger than {MAX_BYTES // (1024 * 1024)} MB")
    parts: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > MAX_BYTES:
            raise FeedFailed(f"the feed is larger than {MAX_BYTES // (1024 * 1024)} MB")
        if time.monotonic() > deadline:
            raise FeedFailed(f"no answer within {TIMEOUT_S:.0f} s")
        parts.append(chunk)
    return b"".join(parts)


def _why(reason: object) -> str:
    """A failure in words that cannot carry the address (exception classes, not text)."""
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"no answer within {TIMEOUT_S:.0f} s"
    if isinstance(reason, socket.gaierror):
        return "the feed's server name does not resolve"
    if isinstance(reason, ssl.SSLError):
        return "the feed's server has no valid certificate"
    if isinstance(reason, ConnectionRefusedError):
        return "the feed's server refused the connection"
    if isinstance(reason, FeedFailed):
        return str(reason)  # a redirect to an address that is not allowed
    return f"could not reach the feed ({type(reason).__name__})"
