"""DynamoDB calls per operation, counted through botocore's event hooks."""

from __future__ import annotations

from collections import Counter

from infra.local.localstripe import LocalStripe
from tests.support.api import Api, body, confirmed, token_of
from tests.support.counting import counting
from tests.support.stripe_play import (
    CARD_DECLINED_ON_CHARGE,
    book_and_save_card,
    confirm_card_setup,
)


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


WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}


def _writes(calls: Counter[str]) -> int:
    return sum(n for name, n in calls.items() if name in WRITES)


def test_manage_page_writes_nothing_with_offline_deposits(api: Api) -> None:
    r = api.post("/api/bookings", body(api))
    with counting() as calls:
        page = api.get("/api/manage", token=token_of(r.body["manage_url"]))
    assert page.status == 200 and page.body["payment"]["kind"] == "offline"
    assert _writes(calls) == 0, calls


def test_card_booking_is_one_read_and_two_writes(stripe_api: Api) -> None:
    payload = body(stripe_api)
    with counting() as calls:
        r = stripe_api.post("/api/bookings", payload)
    assert r.status == 201 and r.body["payment"]["client_secret"]
    assert sum(n for name, n in calls.items() if name in READS) <= 1, calls
    assert _writes(calls) <= 2, calls


def test_manage_page_writes_nothing_by_card_and_a_post_makes_a_missing_card_form(
    stripe_api: Api, localstripe: LocalStripe
) -> None:
    booked, token = book_and_save_card(stripe_api, localstripe, card=CARD_DECLINED_ON_CHARGE)
    with counting() as calls:
        shown = stripe_api.get("/api/manage", token=token)
    assert shown.body["payment"]["client_secret"] == booked["payment"]["client_secret"]
    assert stripe_api.post("/api/manage/payment", {}, token=token).status == 409  # declined
    # The declined card's form is spent; looking again still writes nothing.
    with counting() as after:
        page = stripe_api.get("/api/manage", token=token)
    assert page.body["payment"] == {"kind": "stripe", "prepare": True}
    assert _writes(calls) == _writes(after) == 0, (calls, after)
    fresh = stripe_api.post("/api/manage/card", {}, token=token)
    assert fresh.status == 200, fresh.body
    secret = fresh.body["payment"]["client_secret"]
    assert secret and secret != booked["payment"]["client_secret"]
    # Recorded: the page shows that form from now on, and paying with a good card works.
    assert stripe_api.get("/api/manage", token=token).body["payment"]["client_secret"] == secret
    confirm_card_setup(localstripe.url, secret)
    paid = stripe_api.post("/api/manage/payment", {}, token=token)
    assert paid.status == 200 and paid.body["booking"]["status"] == "confirmed"
