"""Faults injected once, then the flow retried: nothing lost, nothing doubled.

Faults go in through botocore's event hooks on the app's own clients, so the
code under test runs unchanged; after each scenario the consistency checker
walks the whole table.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from keepslot import bootstrap
from tests.support.api import (
    THU_LATER,
    Api,
    body,
    book,
    confirmed_in_service,
    emailed_token,
    sent_mail,
)
from tests.support.apigw import LambdaContext
from tests.support.consistency import check
from tests.support.tables import TABLE, booking_items, consistent, sent_per_message

CONTEXT: Any = LambdaContext()  # the test double stands in for the Lambda runtime's


class Injected(BaseException):
    """The process dying mid-run (a Lambda timed out or killed): not an Exception, so no
    handler in the code can catch it, as none can catch a kill."""


@contextmanager
def fail(
    client: Any, event: str, error: Callable[[], Exception], nth: int = 1
) -> Iterator[list[int]]:
    """Raise `error()` on the nth call that fires `event`, once; yields the call count."""
    calls = [0]

    def hook(**_: Any) -> None:
        calls[0] += 1
        if calls[0] == nth:
            raise error()

    client.meta.events.register(event, hook)
    try:
        yield calls
    finally:
        client.meta.events.unregister(event, hook)


def throttled(op: str) -> Callable[[], Exception]:
    err = {"Error": {"Code": "ThrottlingException", "Message": "injected"}}
    return lambda: ClientError(err, op)  # type: ignore[arg-type]


# ---- the checker itself ------------------------------------------------------


def test_checker_passes_a_normal_flow_and_catches_a_lost_lock(api: Api) -> None:
    assert book(api).status == 201
    assert book(api, start=THU_LATER, email="b@example.com").status == 201
    api.tick()
    census = consistent()
    assert census["booking:held"] == 2 and census["lock"] > 0
    ddb = boto3.client("dynamodb")
    lock = next(i for i in ddb.scan(TableName=TABLE)["Items"] if i["SK"]["S"] == "LOCK")
    ddb.delete_item(TableName=TABLE, Key={"PK": lock["PK"], "SK": lock["SK"]})
    problems = check(ddb, TABLE, bootstrap.app().config.schedule())
    assert len(problems) == 1 and "missing" in problems[0], problems


def test_checker_follows_the_money_through_credits_moves_and_forfeits(api: Api) -> None:
    token = confirmed_in_service(api)
    assert api.post("/api/manage/cancel", {}, token=token).status == 200  # early: a credit
    paid_by_credit = book(api, start=THU_LATER)
    credit = emailed_token(api, paid_by_credit.body["booking"]["id"])
    used = api.post("/api/manage/confirm", token=credit)  # the credit pays it
    assert used.body["booking"]["deposit"]["status"] == "paid"
    moved = confirmed_in_service(api, start="2026-12-04T09:00:00Z", email="m@example.com")
    r = api.post("/api/manage/reschedule", {"start": "2026-12-07T09:00:00Z"}, token=moved)
    assert r.status == 200
    late = confirmed_in_service(api, start="2026-12-01T14:00:00Z", email="late@example.com")
    gone = api.post("/api/manage/cancel", {}, token=late)
    assert gone.body["outcome"]["deposit"] == "forfeited"  # within 48 h of the start
    api.tick()
    census = consistent()
    assert census["booking:cancelled"] == 2 and census["booking:rescheduled"] == 1
    ddb = boto3.client("dynamodb")
    target = next(b for b in booking_items() if b["status"]["S"] == "rescheduled")
    ddb.update_item(
        TableName=TABLE,
        Key={"PK": target["PK"], "SK": target["SK"]},
        UpdateExpression="SET deposit.kept = :k",
        ExpressionAttributeValues={":k": {"N": "100"}},
    )
    problems = check(ddb, TABLE, bootstrap.app().config.schedule())
    assert len(problems) == 1 and "kept" in problems[0], problems


# ---- DynamoDB ----------------------------------------------------------------


def test_booking_transaction_fails_once_then_the_retry_books_once(api: Api) -> None:
    key, payload = str(uuid.uuid4()), body(api)
    ddb = bootstrap.app().dynamodb()
    with (
        fail(ddb, "before-call.dynamodb.TransactWriteItems", throttled("TransactWriteItems")),
        pytest.raises(ClientError),
    ):  # the Lambda fails; API Gateway answers 5xx
        api.post("/api/bookings", payload, headers={"Idempotency-Key": key})
    assert booking_items() == []
    again = api.post("/api/bookings", payload, headers={"Idempotency-Key": key})
    assert again.status == 201
    assert [b["id"]["S"] for b in booking_items()] == [again.body["booking"]["id"]]
    api.tick()
    assert sorted(sent_per_message().values()) == [1, 1]
    consistent()


def test_booking_committed_but_the_answer_lost_is_replayed_not_doubled(api: Api) -> None:
    key, payload = str(uuid.uuid4()), body(api)
    ddb = bootstrap.app().dynamodb()
    lost = lambda: EndpointConnectionError(endpoint_url="https://dynamodb")  # noqa: E731
    with (
        fail(ddb, "after-call.dynamodb.TransactWriteItems", lost),
        pytest.raises(EndpointConnectionError),
    ):
        api.post("/api/bookings", payload, headers={"Idempotency-Key": key})
    assert len(booking_items()) == 1  # it did commit
    again = api.post("/api/bookings", payload, headers={"Idempotency-Key": key})
    assert again.status == 201
    assert [b["id"]["S"] for b in booking_items()] == [again.body["booking"]["id"]]
    api.tick()
    assert sorted(sent_per_message().values()) == [1, 1]
    consistent()


def test_clock_transaction_fails_once_then_the_next_tick_expires_the_hold_once(api: Api) -> None:
    assert book(api).status == 201
    api.tick()
    api.clock.advance(hours=24, minutes=1)
    ddb = bootstrap.app().dynamodb()
    with (
        fail(ddb, "before-call.dynamodb.TransactWriteItems", throttled("TransactWriteItems")),
        pytest.raises(ClientError),
    ):
        api.tick()
    assert booking_items()[0]["status"]["S"] == "held"
    api.tick()
    api.tick()  # a duplicate delivery of the clock changes nothing
    assert booking_items()[0]["status"]["S"] == "expired"
    assert max(sent_per_message().values()) == 1
    assert len(sent_mail()) == 4  # held x2, then expired x2
    consistent()


# ---- SES and the dispatcher --------------------------------------------------


def test_ses_send_fails_once_then_the_next_tick_sends_it_once(api: Api) -> None:
    assert book(api).status == 201
    ses = bootstrap.app().ses()
    with fail(ses, "before-call.sesv2.SendEmail", throttled("SendEmail")) as calls:
        assert api.tick()["sent"] == 1  # the other message went
    assert calls[0] == 2 and len(sent_mail()) == 1
    assert api.tick()["sent"] == 0  # backing off: not due yet
    api.clock.advance(minutes=2)
    assert api.tick()["sent"] == 1
    assert sorted(sent_per_message().values()) == [1, 1]
    api.clock.advance(minutes=30)
    assert api.tick()["sent"] == 0
    consistent()


def _three_messages(api: Api) -> None:
    """A booking (client + freelancer) and a free one's client confirmation: 3 or more."""
    assert book(api).status == 201
    assert book(api, service="conoscitiva", mode="video", start=THU_LATER).status == 201


def _dispatch() -> int:
    from keepslot.handlers import dispatcher

    return dispatcher.handler({"Records": []}, CONTEXT)["sent"]


def test_dispatcher_refused_on_the_second_message_resends_only_that_one(api: Api) -> None:
    _three_messages(api)
    ses = bootstrap.app().ses()
    with fail(ses, "before-call.sesv2.SendEmail", throttled("SendEmail"), nth=2) as calls:
        first = _dispatch()
    total = calls[0]
    assert total >= 3 and first == total - 1
    api.clock.advance(minutes=2)
    with fail(ses, "before-call.sesv2.SendEmail", throttled("SendEmail"), nth=99) as calls:
        assert _dispatch() == 1 and calls[0] == 1  # only the missing one
    assert set(sent_per_message().values()) == {1} and len(sent_mail()) == total
    consistent()


def test_dispatcher_crashing_mid_batch_resends_only_what_did_not_go(api: Api) -> None:
    _three_messages(api)
    ses = bootstrap.app().ses()
    with (
        fail(ses, "before-call.sesv2.SendEmail", Injected, nth=2) as calls,
        pytest.raises(Injected),
    ):
        _dispatch()  # the process dies at the second message
    assert calls[0] == 2 and len(sent_mail()) == 1
    with fail(ses, "before-call.sesv2.SendEmail", Injected, nth=99) as calls:
        rest = _dispatch()
    assert rest == calls[0] and rest >= 2
    assert set(sent_per_message().values()) == {1} and len(sent_mail()) == rest + 1
    assert _dispatch() == 0  # a redelivered stream batch sends nothing twice
    consistent()
