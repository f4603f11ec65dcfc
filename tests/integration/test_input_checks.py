"""Bad input at the booking API is a 422 naming the field: nothing is saved, nothing mailed."""

from __future__ import annotations

import pytest

from tests.support.api import Api, book, sent_mail


def _refused(api: Api, field: str, **over: str) -> None:
    r = book(api, **over)
    assert r.status == 422, r.body
    assert r.body["error"]["code"] == "invalid_input"
    assert list(r.body["error"]["fields"]) == [field]
    assert api.get("/api/slots?service=strategia&from=2026-12-03&to=2026-12-03").body["slots"]


@pytest.mark.parametrize("c", ["\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_a_name_with_any_line_break_is_422_naming_the_name(api: Api, c: str) -> None:
    _refused(api, "name", name=f"Eve{c}Mallory")
    api.tick()
    assert sent_mail() == []


def test_eve_vertical_tab_mallory_is_422(api: Api) -> None:
    r = book(api, name="Eve\vMallory")
    assert r.status == 422
    assert "one line" in r.body["error"]["fields"]["name"]


def test_a_phone_with_a_line_break_is_422(api: Api) -> None:
    _refused(api, "phone", phone="+39 333\u2028Bcc: x@example.com")


def test_an_unknown_time_zone_is_422(api: Api) -> None:
    _refused(api, "timezone", timezone="Mars/Olympus")


def test_an_address_with_an_accented_local_part_is_422(api: Api) -> None:
    r = book(api, email="zoë@example.com")
    assert r.status == 422
    assert list(r.body["error"]["fields"]) == ["email"]
    assert "before the @" in r.body["error"]["fields"]["email"]


def test_an_international_domain_is_mailed_in_punycode(api: Api) -> None:
    r = book(api, service="conoscitiva", mode="video", email="zoe@bücher.de")
    assert r.status == 201, r.body
    assert r.body["booking"]["client"]["email"] == "zoe@bücher.de"
    api.tick()
    assert [m["to"] for m in sent_mail() if "bcher" in m["to"]] == [
        "Anna Bianchi <zoe@xn--bcher-kva.de>"
    ]
