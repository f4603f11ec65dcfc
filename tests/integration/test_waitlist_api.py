"""The waitlist at the HTTP edge: bad input names its field, a fourth entry answers 429,
the emailed link leaves the list without signing in, and an offer link reads its time."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.support.api import START, THU_10, Api, book, sent_mail

DAY = (START + timedelta(days=8)).date().isoformat()  # a Tuesday


def body(api: Api, **over: Any) -> dict[str, Any]:
    version = api.get("/api/config").body["policy_version"]
    return {
        "service": "strategia",
        "name": "Carla Verdi",
        "email": "carla@example.com",
        "from": DAY,
        "to": DAY,
        "policy_version": version,
    } | over


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"times": ["9-13"]}, "times.0"),
        ({"times": ["13:00-09:00"]}, "times.0"),
        ({"from": "next week"}, "from"),
        ({"email": "not an address"}, "email"),
        ({"mode": "carrier-pigeon"}, "mode"),
        ({"service": "nope"}, "service"),
        ({"to": "2027-06-01"}, "to"),
    ],
)
def test_bad_input_answers_422_naming_the_field(api: Api, over: dict[str, Any], field: str) -> None:
    r = api.post("/api/waitlist", body(api, **over))
    assert r.status == 422, r.body
    assert field in r.body["error"]["fields"], r.body


def test_joining_answers_201_and_a_fourth_entry_429(api: Api) -> None:
    for n in range(3):
        r = api.post("/api/waitlist", body(api, times=["09:00-13:00"] if n else None))
        assert r.status == 201, r.body
        assert r.body["waitlist"]["from"] == DAY and "/waitlist/#" in r.body["leave_url"]
    r = api.post("/api/waitlist", body(api))
    assert (r.status, r.body["error"]["code"]) == (429, "too_many_entries")
    assert "sei già in lista per 3 richieste" in r.body["error"]["message"]  # the site's language


def test_the_emailed_link_leaves_the_list(api: Api) -> None:
    assert api.post("/api/waitlist", body(api)).status == 201
    api.tick()
    [mail] = [m for m in sent_mail() if "carla@example.com" in m["to"]]
    token = re.search(r"/waitlist/#([A-Za-z0-9_.-]+)", mail["text"]).group(1)  # type: ignore[union-attr]
    assert api.post("/api/waitlist/leave", token=token).status == 200
    assert api.post("/api/waitlist/leave", token=token).status == 200  # leaving twice is fine
    for _ in range(3):  # the entry left no longer counts toward the cap
        assert api.post("/api/waitlist", body(api)).status == 201


def test_the_leave_link_is_no_offer_link_and_a_forged_offer_is_refused(api: Api) -> None:
    leave = api.post("/api/waitlist", body(api)).body["leave_url"].split("#", 1)[1]
    assert api.get("/api/offer", token=leave).status == 403
    assert api.get("/api/offer", token=leave[:-2] + "xx").status == 401


def test_an_offer_link_says_whether_its_time_is_still_free(api: Api) -> None:
    from keepslot import bootstrap

    start = datetime.fromisoformat(THU_10.replace("Z", "+00:00"))
    token = bootstrap.app().links.offer("strategia", start).split("#offer=", 1)[1]
    offer = api.get("/api/offer", token=token)
    assert offer.status == 200, offer.body
    assert offer.body["offer"] == {
        "service": "strategia",
        "start": THU_10,
        "end": "2026-12-03T10:00:00Z",
        "free": True,
    }
    assert book(api).status == 201  # someone else books it first
    assert api.get("/api/offer", token=token).body["offer"]["free"] is False
