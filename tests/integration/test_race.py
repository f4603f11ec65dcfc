"""Clients press "book" on the same slot at once: exactly one wins.

The use case runs in real threads against moto's server (calls into it
serialised, as in the local stack), so the app's read-then-transact steps
interleave the way concurrent Lambda invocations would.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import boto3
import pytest

from infra.local.environment import TABLE_NAME
from keepslot import bootstrap
from keepslot.domain.booking import Client, Mode
from keepslot.domain.errors import DomainError, SlotTaken
from keepslot.service.new_booking import BookingRequest, book
from tests.support.configs import INTAKE_ANSWERS

pytestmark = pytest.mark.slow

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def request(app: bootstrap.App, n: int) -> BookingRequest:
    short = n % 3 == 0  # mixed durations that all overlap Thursday 10:00
    return BookingRequest(
        service="conoscitiva" if short else "strategia",
        start=datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
        mode=Mode.VIDEO,
        client=Client(f"Client {n}", f"client{n}@example.com"),
        policy_version=app.config.policy_version,
        answers=INTAKE_ANSWERS,
    )


def test_twenty_threads_booking_one_slot_exactly_one_wins(served_moto: bootstrap.App) -> None:
    app = served_moto

    def attempt(n: int) -> str:
        try:
            return book(app.ctx, request(app, n), NOW).booking.id
        except SlotTaken:
            return "slot_taken"
        except DomainError as e:  # anything else would be a bug worth seeing
            return f"other:{e.code}"

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(20)))
    winners = [r for r in results if r != "slot_taken"]
    assert len(winners) == 1, results
    items = boto3.client("dynamodb").scan(TableName=TABLE_NAME)["Items"]
    bookings = [i["id"]["S"] for i in items if i["SK"]["S"] == "BOOKING"]
    assert bookings == winners
    assert {i["booking_id"]["S"] for i in items if i["SK"]["S"] == "LOCK"} == set(winners)
