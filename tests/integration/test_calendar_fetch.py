"""Fetching a feed: https only (loopback http when the local stack allows it), 5 s, 5 MB."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from keepslot.adapters.calendars.feed import HttpFeeds, usable_address
from keepslot.service.ports import FeedFailed
from tests.support.feed_server import FeedServer, vcalendar


@pytest.fixture
def server() -> Iterator[FeedServer]:
    s = FeedServer().start()
    try:
        yield s
    finally:
        s.stop()


@pytest.mark.parametrize(
    ("address", "loopback", "ok"),
    [
        ("https://calendar.google.com/calendar/ical/x/private-y/basic.ics", False, True),
        ("webcal://p01-caldav.icloud.com/published/2/abc", False, True),
        ("http://calendar.example.com/feed.ics", False, False),
        ("http://calendar.example.com/feed.ics", True, False),  # loopback only
        ("http://127.0.0.1:8000/_dev/calendar.ics", False, False),  # not in production
        ("http://127.0.0.1:8000/_dev/calendar.ics", True, True),
        ("file:///etc/passwd", True, False),
    ],
)
def test_only_https_addresses_are_fetched(address: str, loopback: bool, ok: bool) -> None:
    if ok:
        assert usable_address(address, loopback_http=loopback).startswith(("https", "http"))
    else:
        with pytest.raises(FeedFailed):
            usable_address(address, loopback_http=loopback)


def test_a_feed_that_does_not_answer_within_five_seconds_fails(server: FeedServer) -> None:
    server.serve("/slow.ics", vcalendar())
    server.delay = 5.5
    feeds = HttpFeeds(lambda _: server.url("/slow.ics"), loopback_http=True)
    with pytest.raises(FeedFailed, match="5 s"):
        feeds.fetch("slow", None, None)


def test_a_plain_http_address_is_refused_before_any_request(server: FeedServer) -> None:
    feeds = HttpFeeds(lambda _: server.url("/gone.ics"), loopback_http=False)
    with pytest.raises(FeedFailed, match="https"):
        feeds.fetch("gone", None, None)  # its address is http: refused before any request
    assert server.requests == []
