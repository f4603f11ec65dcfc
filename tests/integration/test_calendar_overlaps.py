"""A busy time over a booking: the freelancer hears once; a booking racing a sync is
either refused or reported, never silently double-booked. And a feed's address
(its secret) appears in no log, no stored error and no email."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from keepslot import bootstrap
from keepslot.adapters.dynamo.busy import DynamoBusyTable
from keepslot.service.calendars import CalendarPorts
from tests.integration.calendars import cal_api, feeds, sync
from tests.support.api import Api, book, sent_mail
from tests.support.feed_server import SECRET, FeedServer, vcalendar, vevent

__all__ = ["cal_api", "feeds"]  # fixtures

AT_11_ROME = "2026-12-01T10:00:00Z"  # Tuesday 1 December, 11:00-12:00 in Rome
MEETING = vcalendar(vevent("meeting", "20261201T103000", "20261201T113000", "SUMMARY:Dentist"))


def overlap_alerts() -> list[dict[str, Any]]:
    return [m for m in sent_mail() if m["subject"].startswith("Impegno in")]


def test_a_new_busy_time_over_a_booking_alerts_once_with_the_booking_and_the_time(
    cal_api: Api, feeds: FeedServer
) -> None:
    booked = book(cal_api, start=AT_11_ROME)
    assert booked.status == 201
    feeds.serve("/work.ics", MEETING)
    sync(cal_api)
    for _ in range(3):
        sync(cal_api, after_minutes=5)
    [alert] = overlap_alerts()
    assert "Anna Bianchi" in alert["subject"]
    assert "10:30" in alert["text"] and "11:30" in alert["text"]  # the busy time, in Rome
    assert "Dentist" not in alert["text"] + alert["html"]  # a title may be private
    assert alert["to"].endswith("giulia@giuliarossi.it>")
    # The booking stands, and the rest of the busy time is blocked (09:30 would run into it).
    assert book(cal_api, start="2026-12-01T08:30:00Z", email="b@example.com").status == 409


def test_a_cancelled_booking_gives_its_cells_back_to_the_busy_time(
    cal_api: Api, feeds: FeedServer
) -> None:
    from tests.support.api import emailed_token

    booked = book(cal_api, start=AT_11_ROME)
    feeds.serve("/work.ics", MEETING)
    sync(cal_api)
    token = emailed_token(cal_api, booked.body["booking"]["id"])
    assert cal_api.post("/api/manage/cancel", {}, token=token).status == 200
    sync(cal_api, after_minutes=5)
    assert book(cal_api, start=AT_11_ROME, email="c@example.com").status == 409


class Racing(DynamoBusyTable):
    """The real table, with a booking made by someone else just before one step."""

    def __init__(self, base: DynamoBusyTable, step: str, race: Callable[[], object]) -> None:
        super().__init__(base._client, base.table)
        self.step, self.race = step, race
        self.results: list[object] = []

    def __getattribute__(self, name: str) -> Any:
        attr = super().__getattribute__(name)
        if name == object.__getattribute__(self, "step"):

            def raced(*args: Any, **kwargs: Any) -> Any:
                if not self.results:
                    self.results.append(self.race())
                return attr(*args, **kwargs)

            return raced
        return attr


@pytest.mark.parametrize(
    "step", ["states", "put_blocks", "take_cells", "release_cells", "delete_blocks", "save_state"]
)
def test_a_booking_racing_a_sync_is_refused_or_reported_never_silent(
    cal_api: Api, feeds: FeedServer, step: str
) -> None:
    feeds.serve("/work.ics", MEETING)
    app = bootstrap.app()
    ports = app.calendars
    table = Racing(ports.table, step, lambda: book(cal_api, start=AT_11_ROME).status)  # type: ignore[arg-type]
    app.__dict__["calendars"] = CalendarPorts(table, ports.feeds, ports.expand)
    sync(cal_api)
    sync(cal_api, after_minutes=5)  # a later sync finishes whatever the race left pending
    [status] = table.results
    assert status in (201, 409)
    alerts = overlap_alerts()
    if status == 201:
        assert len(alerts) == 1 and "Anna Bianchi" in alerts[0]["subject"]
    else:
        assert alerts == []
    assert book(cal_api, start=AT_11_ROME, email="late@example.com").status == 409


def test_a_feed_address_is_never_logged_stored_or_emailed(
    cal_api: Api,
    feeds: FeedServer,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.INFO)  # the functions' level (the AWS SDK's own debug aside)
    for name in ("keepslot", "keepslot-clock", "keepslot-api", "urllib3", "urllib"):
        caplog.set_level(logging.DEBUG, logger=name)
    app = bootstrap.app()
    failures: list[Callable[[], None]] = [
        lambda: feeds.fail("/work.ics", 404),
        lambda: feeds.fail("/work.ics", 500),
        lambda: feeds.serve("/work.ics", b"<html>not a calendar</html>"),
        lambda: feeds.serve("/work.ics", b"BEGIN:VCALENDAR\r\n" + b"X" * (6 * 1024 * 1024)),
    ]
    errors = []
    for fail in failures:
        fail()
        sync(cal_api, after_minutes=5)
        errors.append(app.calendars.table.states()["work"].last_error or "")
    assert all(errors) and len(set(errors)) == len(errors)  # each failure in its own words
    from keepslot.handlers import tick

    tick.handler({"detail": {"sync_calendars": True}}, _Context())  # the Lambda's own logging
    everything = "\n".join(
        [caplog.text, capsys.readouterr().out, *errors]
        + [m["raw"] for m in sent_mail()]
        + [str(app.calendars.table.states())]
    )
    assert "calendar_failing" in everything or "leggere" in everything
    for leak in (SECRET, feeds.url("/work.ics"), "/work.ics"):
        assert leak not in everything


class _Context:
    function_name = "keepslot-clock"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:eu-south-1:123456789012:function:keepslot-clock"
    aws_request_id = "test"


@pytest.mark.parametrize(
    "step", ["put_blocks", "take_cells", "release_cells", "delete_blocks", "save_state"]
)
def test_a_replaced_busy_time_is_never_missing_while_the_sync_runs(
    cal_api: Api, feeds: FeedServer, step: str
) -> None:
    feeds.serve("/work.ics", MEETING)  # 10:30-11:30 in Rome
    sync(cal_api)
    moved = vcalendar(vevent("meeting", "20261201T110000", "20261201T123000"))  # 11:00-12:30
    feeds.serve("/work.ics", moved)
    app = bootstrap.app()
    ports = app.calendars
    # 11:00 is busy before and after the change: at no step may it be offered or booked.

    def client() -> tuple[bool, int]:
        offered = cal_api.get("/api/slots?service=strategia&from=2026-12-01&to=2026-12-01")
        starts = {s["start"] for s in offered.body["slots"]}
        return AT_11_ROME in starts, book(cal_api, start=AT_11_ROME).status

    table = Racing(ports.table, step, client)  # type: ignore[arg-type]
    app.__dict__["calendars"] = CalendarPorts(table, ports.feeds, ports.expand)
    sync(cal_api, after_minutes=5)
    assert table.results == [(False, 409)]
