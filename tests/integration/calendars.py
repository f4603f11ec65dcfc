"""The in-process API with calendars in its config, their feeds on a loopback server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from keepslot import bootstrap
from keepslot.domain.availability import Span
from tests.support.api import Api, FixedClock
from tests.support.configs import with_payments
from tests.support.feed_server import FeedServer

CALENDARS_YAML = """
calendars:
  - {id: work, name: Work, all_day: busy}
  - {id: home, name: Home, all_day: free}
  - {id: shared, name: Shared, all_day: busy}
"""
IDS = ("work", "home", "shared")


def with_calendars(directory: Path, yaml_text: str = CALENDARS_YAML) -> Path:
    path = with_payments("offline", directory)
    path.write_text(path.read_text(encoding="utf-8") + yaml_text, encoding="utf-8")
    return path


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def cal_api(
    aws: None,
    clock: FixedClock,
    feeds: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[Api]:
    monkeypatch.setenv("KEEPSLOT_CONFIG", str(with_calendars(tmp_path)))
    monkeypatch.setenv("CALENDAR_LOOPBACK_HTTP", "1")
    ssm = boto3.client("ssm")
    for cid in IDS:
        ssm.put_parameter(
            Name=f"/keepslot/calendar/{cid}", Value=feeds.url(f"/{cid}.ics"), Type="SecureString"
        )
    for cid in IDS:
        feeds.serve(f"/{cid}.ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    bootstrap.reset()
    bootstrap.use_clock(clock)
    yield Api(clock)
    bootstrap.reset()


def sync(api: Api, after_minutes: float = 0) -> dict[str, int]:
    """The clock's run, `after_minutes` from now, with every calendar synced."""
    from keepslot.handlers.tick import tick

    api.clock.advance(minutes=after_minutes)
    return tick(calendars=True)


def slots(api: Api, first: str, last: str, service: str = "strategia") -> list[Span]:
    r = api.get(f"/api/slots?service={service}&from={first}&to={last}")
    assert r.status == 200, r.body
    return [Span(_t(s["start"]), _t(s["end"])) for s in r.body["slots"]]


def _t(raw: str) -> datetime:
    return datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(UTC)


def rome(day: str, hhmm: str) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=ZoneInfo("Europe/Rome"))


def clear_of(busy: list[Span], after: timedelta) -> Any:
    """Whether an appointment, with the time kept after it, stays clear of every busy span."""

    def ok(slot: Span) -> bool:
        return all(not (b.start < slot.end + after and slot.start < b.end) for b in busy)

    return ok
