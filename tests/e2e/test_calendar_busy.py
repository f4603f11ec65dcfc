"""The book page skips an hour the freelancer is busy in their own calendar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.support.configs import with_payments
from tests.support.feed_server import vcalendar, vevent
from tests.support.stack import LocalStack

ROME = ZoneInfo("Europe/Rome")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    # Its own stack: the busy calendar must not reach the other browser tests.
    with LocalStack(config=with_payments("offline", tmp_path_factory.mktemp("busy"))) as s:
        yield s


def z(local: datetime) -> str:
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def slot_starts(page: Page, stack: LocalStack, day: str) -> list[str]:
    page.goto(stack.url + "/book/")
    page.get_by_test_id("service-conoscitiva").click()
    page.get_by_test_id("mode-video").click()
    page.locator(f"[data-testid=day][data-date='{day}']").click()
    expect(page.get_by_test_id("slot").first).to_be_visible()
    return [s.get_attribute("data-start") or "" for s in page.get_by_test_id("slot").all()]


def test_the_book_page_skips_a_busy_hour(page: Page, stack: LocalStack) -> None:
    today = stack.now().astimezone(ROME).date()
    day = today + timedelta(days=3)
    while day.weekday() > 1:  # a Monday or Tuesday: open 09:00-13:00 and 14:30-18:30
        day += timedelta(days=1)
    ten, eleven = (datetime.combine(day, time(h), ROME) for h in (10, 11))

    before = slot_starts(page, stack, day.isoformat())
    assert z(ten) in before and z(eleven) in before

    feed = vcalendar(vevent("dentist", f"{day:%Y%m%d}T100000", f"{day:%Y%m%d}T110000"))
    r = requests.put(stack.url + "/_dev/calendar.ics", data=feed, timeout=30)
    assert r.status_code == 200, r.text

    after = slot_starts(page, stack, day.isoformat())
    # The busy hour is gone, and 09:30 too (its 20 minutes and the 15 after run into it);
    # 11:00 and everything else is still offered.
    gone = {z(ten), z(ten + timedelta(minutes=30)), z(ten - timedelta(minutes=30))}
    assert set(after) == set(before) - gone
    assert z(eleven) in after
