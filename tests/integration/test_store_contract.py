"""One contract for both stores: the fake the rule tests run on (tests/support/fakes.py)
and DynamoStore on moto's DynamoDB, with the table from template.yaml.

Every test runs twice, once per store, with the same assertions, and the last one runs
a whole story on both and compares the tables item by item: the fake cannot drift from
the store it stands in for without one of these failing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from keepslot.adapters.dynamo.codec import dump, load, plain
from keepslot.adapters.dynamo.store import DynamoStore
from keepslot.adapters.dynamo.transaction import ConcurrentChange
from keepslot.domain.booking import BookingStatus
from keepslot.domain.errors import SlotTaken
from keepslot.service import clients, manage
from keepslot.service.confirm import confirm
from keepslot.service.context import Context
from keepslot.service.jobs import run_jobs
from keepslot.service.ports.changes import Change, EventSeen, Idempotency, IdempotencyTaken
from tests.conftest import TABLE_NAME
from tests.support.fakes import FakeGateway, FakeStore
from tests.support.flows import booked, pay
from tests.unit.factories import config

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TUE = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Rome
MON = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 09:00 in Rome
ADA, BRUNO = "ada@example.com", "bruno@example.com"
POLICY = {"late_tiers": [{"under_hours": 48, "forfeit_percent": 50}]}


def _moto_store(request: pytest.FixtureRequest) -> DynamoStore:
    request.getfixturevalue("table")  # moto, with the table built from template.yaml
    client = boto3.client("dynamodb")
    return DynamoStore(lambda: client, TABLE_NAME)


@pytest.fixture(params=["fake", "moto"])
def store(request: pytest.FixtureRequest) -> Iterator[DynamoStore]:
    yield FakeStore() if request.param == "fake" else _moto_store(request)


def context(store: DynamoStore, mode: str = "offline") -> Context:
    ids = itertools.count(1)
    return Context(
        store=store,
        config=config(payments={"mode": mode}, policy=POLICY),
        new_id=lambda: f"id{next(ids):05d}",
        payments=FakeGateway() if mode == "stripe" else None,
    )


def raw(store: DynamoStore, pk: str, sk: str) -> dict[str, Any] | None:
    res = store._client().get_item(TableName=store.table, Key=dump({"PK": pk, "SK": sk}))
    return plain(load(res["Item"])) if "Item" in res else None


def scan(store: DynamoStore) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    page: dict[str, Any] = {"TableName": store.table}
    while True:
        res = store._client().scan(**page)
        out.extend(plain(load(i)) for i in res["Items"])
        if "LastEvaluatedKey" not in res:
            return sorted(out, key=lambda it: (it["PK"], it["SK"]))
        page["ExclusiveStartKey"] = res["LastEvaluatedKey"]


# ---- reads give back what was written ------------------------------------------------


def test_a_new_booking_reads_back_whole_at_version_one_and_shows_in_the_calendar(
    store: DynamoStore,
) -> None:
    ctx = context(store)
    booking_id = booked(ctx, ADA, TUE, NOW)
    booking, version = store.get_booking(booking_id)
    assert (booking.id, booking.status, booking.start, version) == (
        booking_id,
        BookingStatus.HELD,
        TUE,
        1,
    )
    assert booking.client.email == ADA
    assert store.client_snapshot(ADA).holds == [booking_id]
    assert [
        (s.start, s.end) for s in store.calendar(TUE - timedelta(days=1), TUE + timedelta(days=1))
    ] == [(TUE, TUE + timedelta(hours=1))]


def test_jobs_come_due_at_their_time_and_are_done_once(store: DynamoStore) -> None:
    ctx = context(store)
    booked(ctx, ADA, TUE, NOW)
    assert store.due(NOW - timedelta(minutes=1)) == []
    expiry = NOW + timedelta(days=1)  # well past the hold's deadline
    assert store.due(expiry)
    run_jobs(ctx, expiry)
    run_jobs(ctx, expiry)
    assert [d for d in store.due(expiry) if not d.is_mail] == []


# ---- conditions refuse what DynamoDB refuses ---------------------------------------


def test_a_taken_time_is_refused_to_the_second_booking(store: DynamoStore) -> None:
    ctx = context(store)
    booked(ctx, ADA, TUE, NOW)
    with pytest.raises(SlotTaken):
        booked(ctx, BRUNO, TUE, NOW)
    assert store.client_snapshot(BRUNO).holds == []


def test_a_write_from_a_stale_read_is_refused_and_changes_nothing(store: DynamoStore) -> None:
    ctx = context(store)
    booking_id = booked(ctx, ADA, TUE, NOW)
    booking, version = store.get_booking(booking_id)
    store.commit(Change(updated=[(replace(booking, notes="first"), version)]))
    with pytest.raises(ConcurrentChange):
        store.commit(Change(updated=[(replace(booking, notes="second"), version)]))
    assert store.get_booking(booking_id)[0].notes == "first"


def test_a_credit_is_spent_once(store: DynamoStore) -> None:
    ctx = context(store)
    first = booked(ctx, ADA, TUE, NOW)
    pay(ctx, first, NOW)
    manage.cancel(ctx, first, NOW + timedelta(hours=1))  # days ahead: all of it as credit
    [credit] = store.client_snapshot(ADA).credits
    store.commit(Change(credits_used=[(credit, credit.amount)]))
    with pytest.raises(ConcurrentChange):
        store.commit(Change(credits_used=[(credit, credit.amount)]))
    assert store.client_snapshot(ADA).credits == []


def test_an_idempotency_key_is_kept_with_its_expiry_and_taken_once(store: DynamoStore) -> None:
    until = NOW + timedelta(hours=24)
    store.commit(Change(idempotency=Idempotency("k1", "hash", "b1", until)))
    assert store.idempotency("k1") == Idempotency("k1", "hash", "b1", until)
    assert raw(store, "IDEM#k1", "IDEM")["expires_at"] == int(until.timestamp())  # type: ignore[index]
    with pytest.raises(IdempotencyTaken):
        store.commit(Change(idempotency=Idempotency("k1", "other", "b2", until)))
    assert store.idempotency("nope") is None


def test_a_provider_event_is_recorded_once_and_swept_after_the_time_it_was_handled(
    store: DynamoStore,
) -> None:
    store.commit(Change(provider_events=[("evt_1", NOW)]))
    with pytest.raises(EventSeen):
        store.commit(Change(provider_events=[("evt_1", NOW + timedelta(minutes=1))]))
    item = raw(store, "STRIPE#evt_1", "EVENT")
    assert item is not None
    assert item["expires_at"] == int((NOW + timedelta(days=60)).timestamp())


# ---- a whole story leaves the same table -----------------------------------------


def _story(store: DynamoStore, mode: str) -> list[dict[str, Any]]:
    """Book, pay, cancel late, waive, book again on the credit, let time pass."""
    ctx = context(store, mode)
    first = booked(ctx, ADA, TUE, NOW)
    pay(ctx, first, NOW)
    late = TUE - timedelta(hours=21)
    manage.cancel(ctx, first, late)
    clients.waive(ctx, first, late + timedelta(hours=1))
    second = booked(ctx, ADA, MON, late + timedelta(hours=2))
    confirm(ctx, second, late + timedelta(hours=2))  # the credit pays it
    manage.reschedule(ctx, second, late + timedelta(hours=3), MON + timedelta(hours=1))
    other = booked(ctx, BRUNO, MON, late + timedelta(hours=3))
    for hours in (4, 24, 24 * 5, 24 * 20):
        run_jobs(ctx, late + timedelta(hours=hours))
    assert store.get_booking(other)[0].status is BookingStatus.EXPIRED
    return scan(store)


@pytest.mark.parametrize("mode", ["offline", "stripe"])
def test_the_same_story_leaves_the_same_items_in_both_stores(
    request: pytest.FixtureRequest, mode: str
) -> None:
    fake = _story(FakeStore(), mode)
    real = _story(_moto_store(request), mode)
    assert len(fake) > 20
    assert fake == real
