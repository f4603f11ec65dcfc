"""One message that cannot be built or sent fails alone; the mail behind it goes out.

The bad message is written straight into the outbox, as data saved before a check
existed would be: the API itself now refuses such a name (tests/unit/test_fields.py).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from tests.support.api import THU_LATER, Api, book
from tests.support.apigw import LambdaContext
from tests.support.mails import FREELANCER, mails, to

ANNA, BEA, EVE = "anna@example.com", "bea@example.com", "eve@example.com"


def _outbox(booking_id: str) -> list[dict[str, Any]]:
    from boto3.dynamodb.types import TypeDeserializer

    items = boto3.client("dynamodb").scan(TableName="keepslot-test")["Items"]
    plain = [{k: TypeDeserializer().deserialize(v) for k, v in i.items()} for i in items]
    return [i for i in plain if i.get("type") == "outbox" and i["booking_id"] == booking_id]


def _poison(api: Api, booking_id: str, name: str) -> str:
    """A copy of the booking's client message, for a client whose name breaks a header."""
    from keepslot import bootstrap
    from keepslot.service.ports.changes import Change, Message

    model = next(i for i in _outbox(booking_id) if i["to"] == "client")
    context = json.loads(model["context"])
    context["booking"]["client"] |= {"name": name, "email": EVE}
    msg = Message("poison", model["template"], "client", booking_id, context, api.clock.now())
    bootstrap.app().store.commit(Change(outbox=[msg]))
    return str(model["template"])


def _dispatch() -> dict[str, int]:
    """The stream dispatcher's handler, as DynamoDB Streams would call it."""
    from keepslot.handlers import dispatcher

    return dispatcher.handler({"Records": []}, LambdaContext(function_name="dispatcher"))  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["Eve\vMallory", "Eve\u2028Mallory", "Eve\x85Mallory"])
def test_a_message_that_cannot_be_built_fails_alone(
    api: Api, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    anna = book(api, service="conoscitiva", mode="video")
    assert anna.status == 201, anna.body
    api.clock.advance(minutes=1)
    template = _poison(api, anna.body["booking"]["id"], name)
    api.clock.advance(minutes=1)
    bea = book(api, service="conoscitiva", mode="video", email=BEA, start=THU_LATER)
    assert bea.status == 201, bea.body

    # Anna's mail, then the bad one, then Bea's: the dispatcher sends around it.
    sent = _dispatch()["sent"]
    assert to(ANNA) and to(BEA)
    assert not to(EVE)
    assert sent == len(mails())

    # The clock retries it with backoff, then gives up: an alarm line and the digest.
    with caplog.at_level(logging.INFO, logger="keepslot"):
        for _ in range(6):
            api.clock.advance(minutes=40)
            api.tick()
    assert not to(EVE)
    alarms = [r for r in caplog.records if "delivery_failed" in r.getMessage()]
    assert len(alarms) == 1 and alarms[0].levelno >= logging.WARNING
    assert "Mallory" not in alarms[0].getMessage()  # no client data in the logs
    api.clock.at = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)  # Monday 07:00 in Rome
    api.tick()
    api.tick()
    [digest] = [m for m in to(FREELANCER) if m["subject"].startswith("La tua settimana")]
    assert f"{template} a client" in digest["text"]
    assert "5 tentativi" in digest["text"]


def test_the_clock_does_not_crash_on_a_message_that_cannot_be_built(api: Api) -> None:
    anna = book(api, service="conoscitiva", mode="video")
    api.clock.advance(minutes=1)
    _poison(api, anna.body["booking"]["id"], "Eve\fMallory")
    api.clock.advance(minutes=1)
    book(api, service="conoscitiva", mode="video", email=BEA, start=THU_LATER)
    result = api.tick()
    assert result["sent"] == len(mails()) and to(ANNA) and to(BEA) and not to(EVE)
