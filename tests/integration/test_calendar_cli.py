"""`keepslot calendar set` and `keepslot calendars`, in-process against moto."""

from __future__ import annotations

import io

import boto3

from keepslot.cli.main import main
from tests.integration.calendars import cal_api, feeds, sync
from tests.support.api import Api
from tests.support.feed_server import SECRET, FeedServer, vcalendar, vevent

__all__ = ["cal_api", "feeds"]  # fixtures


def run(*argv: str, stdin: str = "") -> tuple[int, str]:
    """The CLI on moto in this process: moto answers the region's AWS endpoint."""
    out = io.StringIO()
    code = main([*argv, "--region", "eu-south-1"], out=out, stdin=io.StringIO(stdin))
    return code, out.getvalue()


def test_calendar_set_stores_the_address_from_stdin_as_a_secret_and_never_prints_it(
    cal_api: Api,
) -> None:
    address = f"https://calendar.example.com/ical/private-{SECRET}/basic.ics"
    code, out = run("calendar", "set", "work", stdin=address + "\n")
    assert code == 0
    param = boto3.client("ssm").get_parameter(Name="/keepslot/calendar/work", WithDecryption=True)
    assert param["Parameter"]["Value"] == address
    assert param["Parameter"]["Type"] == "SecureString"
    assert SECRET not in out and "not shown" in out


def test_calendar_set_refuses_an_unknown_calendar_and_a_plain_http_address(cal_api: Api) -> None:
    assert run("calendar", "set", "nope", stdin="https://example.com/a.ics\n")[0] == 2
    assert run("calendar", "set", "work", stdin="http://example.com/a.ics\n")[0] == 2
    webcal = run("calendar", "set", "work", stdin="webcal://p01-caldav.icloud.com/published/2/x\n")
    assert webcal[0] == 0


def test_calendars_prints_last_success_busy_blocks_ahead_etag_and_last_error(
    cal_api: Api, feeds: FeedServer
) -> None:
    feeds.serve("/work.ics", vcalendar(vevent("m", "20261201T100000", "20261201T120000")))
    feeds.fail("/home.ics", 500)
    sync(cal_api)
    now = cal_api.clock.now().isoformat()
    code, text = run("calendars", "--now", now)
    print(text)  # the sample in the report
    assert code == 0
    header, *lines = text.splitlines()
    assert header.split() == [
        "CALENDAR",
        "NAME",
        "LAST_SUCCESS",
        "BUSY_AHEAD",
        "ETAG",
        "LAST_ERROR",
    ]
    work = next(line for line in lines if line.startswith("work"))
    assert "2026-11-30 09:00" in work and " 1 " in work and '"' in work  # in Rome; an ETag
    home = next(line for line in lines if line.startswith("home"))
    assert "never" in home and "HTTP 500" in home
    assert SECRET not in text
