"""DynamoDB calls per operation, counted through botocore's event hooks."""

from __future__ import annotations

from collections import Counter

from tests.support.api import Api, body, confirmed
from tests.support.counting import counting


def test_booking_is_one_read_and_one_transaction(api: Api) -> None:
    payload = body(api)
    with counting() as calls:
        assert api.post("/api/bookings", payload).status == 201
    assert calls == Counter({"Query": 1, "TransactWriteItems": 1})


def test_cancel_is_one_read_and_one_transaction(api: Api) -> None:
    token = confirmed(api)
    with counting() as calls:
        assert api.post("/api/manage/cancel", {}, token=token).status == 200
    assert calls == Counter({"GetItem": 1, "TransactWriteItems": 1})


def test_slots_for_31_days_is_one_query(api: Api) -> None:
    with counting() as calls:
        r = api.get("/api/slots?service=strategia&from=2026-12-01&to=2026-12-31")
    assert r.status == 200 and r.body["slots"]
    assert calls == Counter({"Query": 1})


def test_reschedule_is_one_read_and_one_transaction(api: Api) -> None:
    token = confirmed(api)
    with counting() as calls:
        r = api.post("/api/manage/reschedule", {"start": "2026-12-03T10:30:00Z"}, token=token)
    assert r.status == 200
    assert calls == Counter({"GetItem": 1, "TransactWriteItems": 1})
