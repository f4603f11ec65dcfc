"""Clients press "book" on the same slot at once: exactly one wins.

The use case runs in real threads against moto's server (calls into it
serialised, as in the local stack), so the app's read-then-transact steps
interleave the way concurrent Lambda invocations would.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest

from infra.local.environment import TABLE_NAME, TOKEN_KEY_PARAM, apply, local_environment
from infra.local.moto_server import MotoServer
from infra.local.provision import provision
from keepslot import bootstrap
from keepslot.adapters.settings import load_config
from keepslot.domain.booking import Mode
from keepslot.domain.errors import DomainError, SlotTaken
from keepslot.service.booking import BookingRequest, book
from tests.support.configs import INTAKE_ANSWERS

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def served_moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[bootstrap.App]:
    server = MotoServer()
    server.start()
    env = local_environment(
        moto_url=server.url, site_url="http://127.0.0.1:8000", config_path=ROOT / "keepslot.yaml"
    )
    for k in env:
        monkeypatch.setenv(k, env[k])
    apply(env)
    config = load_config(ROOT / "keepslot.yaml")
    provision(config, TABLE_NAME, TOKEN_KEY_PARAM)
    bootstrap.reset()
    app = bootstrap.app()
    app.dynamodb()  # one client, shared by the threads (boto3 clients are thread-safe)
    yield app
    bootstrap.reset()
    server.stop()


def request(app: bootstrap.App, n: int) -> BookingRequest:
    short = n % 3 == 0  # mixed durations that all overlap Thursday 10:00
    return BookingRequest(
        service="conoscitiva" if short else "strategia",
        start=datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
        mode=Mode.VIDEO,
        name=f"Client {n}",
        email=f"client{n}@example.com",
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
