"""Two clients move at the same moment: into each other's slots, or into one free slot.

Like test_race.py: the use cases in real threads against moto's server, released
together by a barrier, over several days so different interleavings happen. Any
result is allowed except an overlap, a lost booking or a table that does not add up.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from infra.local.environment import TABLE_NAME, TOKEN_KEY_PARAM
from infra.local.provision import provision
from keepslot import bootstrap
from keepslot.domain.booking import Client, Mode
from keepslot.domain.errors import DomainError
from keepslot.service import manage
from keepslot.service.confirm import confirm
from keepslot.service.new_booking import BookingRequest, book
from tests.support.api import START
from tests.support.configs import INTAKE_ANSWERS
from tests.support.consistency import assert_consistent, scan

pytestmark = pytest.mark.slow

DAYS = [datetime(2026, 12, d, tzinfo=UTC) for d in (1, 3, 4, 7, 8, 10, 11)]
A_AT, B_AT, FREE_AT = timedelta(hours=9), timedelta(hours=10, minutes=30), timedelta(hours=8)
ALLOWED = {"moved", "slot_taken", "not_allowed_now"}


@pytest.fixture
def app(served_moto: bootstrap.App) -> Iterator[bootstrap.App]:
    """moto's state lives in this process: an empty table before, nothing left after."""
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()
    provision(served_moto.config, TABLE_NAME, TOKEN_KEY_PARAM)
    yield served_moto
    moto_api_backend.reset()


def _book(app: bootstrap.App, who: str, start: datetime) -> str:
    req = BookingRequest(
        service="conoscitiva",  # free: confirmed by the client's Confirm, then it can move
        start=start,
        mode=Mode.VIDEO,
        client=Client(who, f"{who}@example.com"),
        policy_version=app.config.policy_version,
        answers=INTAKE_ANSWERS,
    )
    booking_id = book(app.ctx, req, START).booking.id
    confirm(app.ctx, booking_id, START)  # the client presses Confirm on the emailed link
    return booking_id


def _together(app: bootstrap.App, moves: list[tuple[str, datetime]]) -> list[str]:
    gate = threading.Barrier(len(moves))

    def move(booking_id: str, to: datetime) -> str:
        gate.wait()
        try:
            manage.reschedule(app.ctx, booking_id, START, to)
            return "moved"
        except DomainError as e:
            return e.code

    with ThreadPoolExecutor(max_workers=len(moves)) as pool:
        return list(pool.map(lambda m: move(*m), moves))


def _open_bookings() -> list[dict[str, object]]:
    items = scan(boto3.client("dynamodb"), TABLE_NAME)
    return [i for i in items if i["SK"] == "BOOKING" and i["status"] == "confirmed"]


def _no_overlap(open_: list[dict[str, object]]) -> None:
    spans = sorted((str(b["start"]), str(b["end"]), str(b["id"])) for b in open_)
    for (_, end, first), (start, _, second) in itertools.pairwise(spans):
        assert end <= start, f"{first} and {second} overlap"


def test_two_clients_swapping_slots_at_once_lose_nothing_and_never_overlap(
    app: bootstrap.App,
) -> None:
    results = []
    for n, day in enumerate(DAYS):
        a, b = _book(app, f"a{n}", day + A_AT), _book(app, f"b{n}", day + B_AT)
        results += _together(app, [(a, day + B_AT), (b, day + A_AT)])
    assert set(results) <= ALLOWED, results
    open_ = _open_bookings()
    owners = sorted(str(b["client"]["email"]) for b in open_)  # type: ignore[index]
    assert owners == sorted(f"{w}{n}@example.com" for n in range(len(DAYS)) for w in "ab")
    _no_overlap(open_)
    census = assert_consistent(boto3.client("dynamodb"), TABLE_NAME, app.config.schedule())
    assert census.get("booking:rescheduled", 0) == results.count("moved")


def test_two_clients_moving_into_one_free_slot_at_once_exactly_one_gets_it(
    app: bootstrap.App,
) -> None:
    for n, day in enumerate(DAYS):
        a, b = _book(app, f"a{n}", day + A_AT), _book(app, f"b{n}", day + B_AT)
        results = _together(app, [(a, day + FREE_AT), (b, day + FREE_AT)])
        assert sorted(results) == ["moved", "slot_taken"], (day, results)
    open_ = _open_bookings()
    assert len(open_) == 2 * len(DAYS)
    assert sum(1 for b in open_ if str(b["start"]).endswith("T08:00:00Z")) == len(DAYS)
    _no_overlap(open_)
    assert_consistent(boto3.client("dynamodb"), TABLE_NAME, app.config.schedule())


def test_one_client_moving_into_a_slot_the_other_is_leaving_never_double_books(
    app: bootstrap.App,
) -> None:
    outcomes = []
    for n, day in enumerate(DAYS):
        a, b = _book(app, f"a{n}", day + A_AT), _book(app, f"b{n}", day + B_AT)
        results = _together(app, [(a, day + B_AT), (b, day + FREE_AT)])
        assert results[1] == "moved", (day, results)  # B's target was free all along
        assert results[0] in ("moved", "slot_taken"), (day, results)  # A won iff B left first
        outcomes.append(results[0])
    open_ = _open_bookings()
    assert len(open_) == 2 * len(DAYS)
    _no_overlap(open_)
    assert_consistent(boto3.client("dynamodb"), TABLE_NAME, app.config.schedule())
    print("A moved into the slot B was leaving:", outcomes.count("moved"), "of", len(DAYS))
