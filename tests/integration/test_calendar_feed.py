"""The freelancer's calendar feed (`/api/feed.ics`) against moto: what each event says,
the secret token, a missing token parameter, and one Query instead of a Scan."""

from __future__ import annotations

import json
import logging
from typing import Any

import boto3
import pytest
from icalendar import Calendar

from tests.support.api import Api, book, emailed_token
from tests.support.apigw import LambdaContext, http_event
from tests.support.clients import THU, TUE, z
from tests.support.counting import counting

TOKEN = "s3cret-feed"


def feed(token: str) -> dict[str, Any]:
    from keepslot.handlers import api

    event = http_event("GET", f"/api/feed.ics?token={token}", None, {})
    res: dict[str, Any] = api.handler(event, LambdaContext())
    return res


def events(token: str = TOKEN) -> dict[str, Any]:
    res = feed(token)
    assert res["statusCode"] == 200, res
    assert res["headers"]["Content-Type"].startswith("text/calendar")
    return {str(e["summary"]): e for e in Calendar.from_ical(res["body"]).walk("VEVENT")}


@pytest.fixture
def token(api: Api) -> str:
    boto3.client("ssm").put_parameter(Name="/keepslot/feed-token", Value=TOKEN, Type="SecureString")
    return TOKEN


def test_events_name_the_service_the_mode_the_place_and_the_client_phone(
    api: Api, token: str
) -> None:
    video = book(api, start=z(THU), email="marco@example.com", name="Marco Verdi", mode="video")
    assert video.status == 201, video.body
    visit = book(api, start=z(TUE), email="sara@example.com", name="Sara Neri", mode="in_person")
    assert visit.status == 201, visit.body
    by_title = events(token)
    print("\n".join(by_title))
    call = by_title["Marco Verdi · Sessione di strategia (videochiamata, in attesa dell'acconto)"]
    assert call.decoded("dtstart") == THU
    assert str(call["location"]) == "https://meet.jit.si/studio-giulia-rossi"
    assert str(call["url"]) == "https://meet.jit.si/studio-giulia-rossi"
    assert str(call["status"]) == "TENTATIVE"
    described = str(call["description"])
    assert "Telefono: +39 333 000 1111" in described
    assert "Stato: in attesa dell'acconto" in described
    assert described.splitlines()[0] == "Sessione di strategia, videochiamata"  # not raw ids
    studio = by_title["Sara Neri · Sessione di strategia (di persona, in attesa dell'acconto)"]
    assert str(studio["location"]) == "Via dell'Indipendenza 12, 40121 Bologna"


def test_a_cancelled_booking_stays_in_the_feed_as_cancelled(api: Api, token: str) -> None:
    r = book(api, start=z(THU), email="marco@example.com", name="Marco Verdi", mode="phone")
    manage = emailed_token(api, r.body["booking"]["id"])  # the answer's link only looks
    assert api.post("/api/manage/cancel", {}, token=manage).status == 200
    [event] = events(token).values()
    assert str(event["status"]) == "CANCELLED"
    assert "Stato: cancellata" in str(event["description"])
    assert "Al telefono: chiami tu" in str(event["description"])


def test_the_feed_is_read_with_one_query_and_no_scan(api: Api, token: str) -> None:
    book(api, start=z(THU), email="marco@example.com", name="Marco Verdi")
    with counting() as calls:
        assert len(events(token)) == 1
    assert calls["Scan"] == 0
    assert calls["Query"] == 1


def test_a_wrong_token_is_refused(api: Api, token: str) -> None:
    wrong = feed("guess")
    assert wrong["statusCode"] == 401
    assert json.loads(wrong["body"])["error"]["code"] == "bad_token"


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_missing_feed_token_parameter_is_a_clear_503_with_a_log_line(api: Api) -> None:
    seen = Records()
    logging.getLogger("keepslot-api").addHandler(seen)  # the API's Powertools logger
    try:
        res = feed("anything")
    finally:
        logging.getLogger("keepslot-api").removeHandler(seen)
    assert res["statusCode"] == 503
    answer = json.loads(res["body"])["error"]
    assert answer["code"] == "feed_not_set_up"
    assert "/keepslot/feed-token" in answer["message"]
    [line] = [r for r in seen.records if r.levelno >= logging.ERROR]
    assert "calendar feed" in line.getMessage()
    assert line.parameter == "/keepslot/feed-token"  # type: ignore[attr-defined]
