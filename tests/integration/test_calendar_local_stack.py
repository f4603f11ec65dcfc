"""On `make serve`, as a new user would: PUT a feed to the calendar `dev`, and the slots
API offers nothing inside its busy times and everything else; a booking at a busy time
answers 409; emptying the feed brings the slots back. Then `keepslot calendars`."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from keepslot.cli.main import main
from tests.support.configs import INTAKE_ANSWERS, with_payments
from tests.support.feed_server import vcalendar, vevent
from tests.support.stack import LocalStack

ROME = ZoneInfo("Europe/Rome")
AFTER = timedelta(minutes=15)  # the sample's buffer after each appointment


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    config = with_payments("offline", tmp_path_factory.mktemp("calendar-stack"))
    with LocalStack(config=config) as s:
        yield s


def weekday_after(today: date, weekday: int, days: int = 3) -> date:
    day = today + timedelta(days=days)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def at(day: date, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=ROME)


def slots(stack: LocalStack, first: date, last: date) -> list[tuple[datetime, datetime]]:
    r = stack.get(f"/api/slots?service=strategia&from={first}&to={last}")
    assert r.status_code == 200, r.text

    def t(raw: str) -> datetime:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))

    return [(t(s["start"]), t(s["end"])) for s in r.json()["slots"]]


def put_feed(stack: LocalStack, body: bytes) -> dict[str, object]:
    r = requests.put(
        stack.url + "/_dev/calendar.ics",
        data=body,
        headers={"Content-Type": "text/calendar"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    result: dict[str, object] = r.json()
    return result


def book(stack: LocalStack, start: datetime, email: str) -> int:
    version = stack.get("/api/config").json()["policy_version"]
    r = stack.post(
        "/api/bookings",
        {
            "service": "strategia",
            "start": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "mode": "in_person",
            "name": "Anna Bianchi",
            "email": email,
            "timezone": "Europe/Rome",
            "policy_version": version,
            "answers": INTAKE_ANSWERS,
        },
    )
    return r.status_code


def test_a_feed_put_to_the_dev_calendar_blocks_its_busy_times_then_lets_go(
    stack: LocalStack,
) -> None:
    assert stack.get("/_dev/calendar.ics").text.startswith("BEGIN:VCALENDAR")
    today = stack.now().astimezone(ROME).date()
    tue = weekday_after(today, 1)
    thu, mon = tue + timedelta(days=2), tue + timedelta(days=6)
    first, last = tue, tue + timedelta(days=20)
    before = slots(stack, first, last)

    feed = vcalendar(
        vevent("meeting", f"{ymd(tue)}T100000", f"{ymd(tue)}T120000"),
        vevent(
            "weekly",
            f"{ymd(thu)}T150000",
            f"{ymd(thu)}T160000",
            "RRULE:FREQ=WEEKLY;COUNT=3",
            f"EXDATE;TZID=Europe/Rome:{ymd(thu + timedelta(days=7))}T150000",
        ),
        vevent("free", f"{ymd(mon)}T100000", f"{ymd(mon)}T110000", "TRANSP:TRANSPARENT"),
        vevent("off", f"{ymd(mon)}T150000", f"{ymd(mon)}T160000", "STATUS:CANCELLED"),
        vevent("away", ymd(tue + timedelta(days=3)), ymd(tue + timedelta(days=4))),
    )
    synced = put_feed(stack, feed)
    assert synced["synced"] == {"busy_blocks": 4, "last_error": None}

    busy = [
        (at(tue, "10:00"), at(tue, "12:00")),
        (at(thu, "15:00"), at(thu, "16:00")),
        (at(thu + timedelta(days=14), "15:00"), at(thu + timedelta(days=14), "16:00")),
        (at(tue + timedelta(days=3), "00:00"), at(tue + timedelta(days=4), "00:00")),
    ]

    def clear(slot: tuple[datetime, datetime]) -> bool:
        return all(not (b0 < slot[1] + AFTER and slot[0] < b1) for b0, b1 in busy)

    after = slots(stack, first, last)
    assert after == [s for s in before if clear(s)]
    starts = {s[0] for s in after}
    for still in (at(thu + timedelta(days=7), "15:00"), at(mon, "10:00"), at(mon, "15:00")):
        assert still in starts or still not in {s[0] for s in before}

    assert book(stack, at(tue, "11:00"), "busy@example.com") == 409

    put_feed(stack, vcalendar())
    assert slots(stack, first, last) == before
    print(calendars(stack))  # the sample in the report


def test_each_clock_move_syncs_the_dev_calendar(stack: LocalStack) -> None:
    put_feed(stack, vcalendar())

    def last_success() -> str:
        line = next(x for x in calendars(stack).splitlines() if x.startswith("dev "))
        found = re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", line)
        assert found, line
        return found.group(0)

    seen = last_success()
    stack.advance(90)
    assert last_success() > seen


def calendars(stack: LocalStack) -> str:
    moto = re.search(r"moto at (http://127\.0\.0\.1:\d+)", stack.output())
    assert moto, stack.output()
    out = io.StringIO()
    now = stack.now().isoformat()
    assert main(["calendars", "--endpoint", moto.group(1), "--now", now], out=out) == 0
    return out.getvalue()
