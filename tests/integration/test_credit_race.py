"""Two bookings confirmed at once by a client with one credit: exactly one spends it.

A credit is spent when its owner presses Confirm on the emailed link (service/confirm.py).
Both presses read the client's credit before either writes (a barrier holds each
after its read), then both commit to moto's table: the credit's condition lets one
transaction through and refuses the other, and the consistency checker finds the
credit spent once.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from itertools import count

import boto3

from keepslot.adapters.dynamo.store import DynamoStore
from keepslot.domain.errors import DomainError
from keepslot.service import admin, manage
from keepslot.service.confirm import confirm
from keepslot.service.context import Context
from keepslot.service.new_booking import book
from keepslot.service.ports.snapshots import ClientSnapshot
from tests.support.consistency import check
from tests.support.flows import booked, request
from tests.unit.factories import config

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
EMAIL = "ada@example.com"


class ReadTogether(DynamoStore):
    """Each booking waits, after reading the client, until the other has read too."""

    def __init__(self, table: str) -> None:
        client = boto3.client("dynamodb")
        super().__init__(lambda: client, table)
        self.barrier: threading.Barrier | None = None
        self.lock = threading.Lock()  # DynamoDB runs a transaction at once; moto, not by itself

    def client_snapshot(self, email: str) -> ClientSnapshot:
        snap = super().client_snapshot(email)
        if self.barrier is not None:
            self.barrier.wait(timeout=10)
        return snap

    def commit(self, change: object) -> None:
        with self.lock:
            super().commit(change)  # type: ignore[arg-type]


def test_two_bookings_at_once_spend_one_credit_once(table: str) -> None:
    store = ReadTogether(table)
    ids = count(1)
    ctx = Context(store=store, config=config(), new_id=lambda: f"b{next(ids)}")
    first = booked(ctx, EMAIL, datetime(2026, 12, 1, 9, 0, tzinfo=UTC), NOW)
    admin.confirm_deposit(ctx, first, NOW)
    manage.cancel(ctx, first, NOW)  # in time: the 60.00 deposit becomes a credit
    assert [c.amount for c in store.client_snapshot(EMAIL).credits] == [6000]

    starts = [datetime(2026, 12, 7, 9, 0, tzinfo=UTC), datetime(2026, 12, 8, 9, 0, tzinfo=UTC)]
    held = [book(ctx, request(ctx, EMAIL, start), NOW).booking.id for start in starts]
    store.barrier = threading.Barrier(2)

    def attempt(booking_id: str) -> str:
        try:
            made = confirm(ctx, booking_id, NOW)
        except DomainError as e:
            return e.code
        return f"{made.status.value}:{made.deposit.from_credit}"

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = sorted(pool.map(attempt, held))
    store.barrier = None

    assert results == ["confirmed:6000", "not_allowed_now"]  # the other is asked to retry
    assert store.client_snapshot(EMAIL).credits == []
    rows = boto3.client("dynamodb").scan(TableName=table)["Items"]
    spent = [it for it in rows if it.get("kind", {}).get("S") == "credit_applied"]
    assert [int(it["amount"]["N"]) for it in spent] == [6000]
    assert check(boto3.client("dynamodb"), table, ctx.config.schedule()) == []
