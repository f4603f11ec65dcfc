"""Money jobs never fail unseen: every failure is counted on the job; a refusal Stripe
will repeat (already refunded, disputed) stops after one try, FAILED, with an alarm line
and a line in the freelancer's weekly digest; an outage is tried again, and stops too
once it outlasts every retry. Stripe's answers come through the loopback wire."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
import stripe

from infra.local.localstripe import LocalStripe
from keepslot.service.job_failures import MAX_ATTEMPTS
from tests.support.api import Api, freelancer_cancels, sent_mail
from tests.support.stripe_play import pay
from tests.support.stripe_wire import SDK_ATTEMPTS, StripeWire
from tests.support.tables import booking_item, ledger

TABLE = "keepslot-test"
DIGEST_DUE = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)  # Monday 7:00 in Rome, the next digest


def refund_job(booking_id: str) -> dict[str, Any]:
    """The booking's refund job as stored: where it sits in the due index, and its count."""
    res = boto3.client("dynamodb").query(
        TableName=TABLE,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :j)",
        ExpressionAttributeValues={
            ":pk": {"S": f"BOOKING#{booking_id}"},
            ":j": {"S": "JOB#refund#"},
        },
    )
    [item] = res["Items"]
    return {
        "part": item.get("GSI2PK", {}).get("S"),
        "attempts": int(item.get("attempts", {}).get("N", "0")),
        "error": item.get("last_error", {}).get("S", ""),
    }


def refund_posts(wire: StripeWire) -> int:
    return len([c for c in wire.calls if (c.method, c.path) == ("POST", "/v1/refunds")])


def lines(caplog: pytest.LogCaptureFixture, word: str) -> list[str]:
    """The log lines starting with `word`; an alarm's (job_failed) are errors."""
    found = [r for r in caplog.records if r.getMessage().startswith(word)]
    if word == "job_failed":
        assert all(r.levelno == logging.ERROR for r in found)
    return [r.getMessage() for r in found]


def refused(code: str) -> dict[str, str]:
    return {"type": "invalid_request_error", "code": code, "message": f"Stripe says {code}"}


@pytest.mark.parametrize("code", ["charge_already_refunded", "charge_disputed"])
def test_refund_stripe_refuses_for_good_ends_failed_after_one_try_and_reaches_the_digest(
    wired: Api,
    wire: StripeWire,
    localstripe: LocalStripe,
    caplog: pytest.LogCaptureFixture,
    code: str,
) -> None:
    booking_id, _ = pay(wired, localstripe)
    freelancer_cancels(wired, booking_id)  # a full refund, made by the clock
    wire.answer("POST", "/v1/refunds", 400, refused(code))
    wired.tick()
    assert refund_job(booking_id) == {"part": "FAILED", "attempts": 1, "error": "payment_refused"}
    [alarm] = lines(caplog, "job_failed")
    assert "refund" in alarm and booking_id in alarm
    for _ in range(3):  # never asked again
        wired.clock.advance(minutes=61)
        wired.tick()
    assert refund_posts(wire) == 1
    assert "refunded" not in [e["kind"] for e in ledger(booking_id)]
    # The freelancer reads it on Monday, with the client and the appointment.
    wired.clock.at = DIGEST_DUE + timedelta(minutes=1)
    wired.tick()
    [digest] = [m for m in sent_mail() if m["subject"].startswith("La tua settimana")]
    stopped = digest["text"].split("Pagamenti e operazioni che si sono fermati (1):")[1]
    assert stopped.splitlines()[1].startswith("- rimborso per Anna Bianchi")
    assert "Stripe l'ha rifiutato, 1 tentativi" in stopped.splitlines()[1]


@pytest.mark.parametrize(
    ("outage", "times"),
    [
        ("refuse", SDK_ATTEMPTS),  # no connection
        ((500, {"type": "api_error", "message": "boom"}), SDK_ATTEMPTS),
        ((429, {"type": "rate_limit_error", "message": "slow down"}), 1),
    ],
)
def test_refund_during_an_outage_is_counted_retried_and_made_once(
    wired: Api,
    wire: StripeWire,
    localstripe: LocalStripe,
    stripe_client: stripe.StripeClient,
    caplog: pytest.LogCaptureFixture,
    outage: Any,
    times: int,
) -> None:
    booking_id, _ = pay(wired, localstripe)
    freelancer_cancels(wired, booking_id)
    if outage == "refuse":
        wire.fail("POST", "/v1/refunds", "refuse", times)
    else:
        wire.answer("POST", "/v1/refunds", outage[0], outage[1], times)
    wired.tick()
    job = refund_job(booking_id)
    assert job == {"part": "DUE", "attempts": 1, "error": "payment_unavailable"}
    assert lines(caplog, "job_retry") and not lines(caplog, "job_failed")
    wired.tick()  # the next tick tries again, and Stripe is back
    pi = booking_item(booking_id).payment_ref["payment_intent"]
    [refund] = stripe_client.v1.refunds.list(params={"payment_intent": pi}).data
    recorded = [(e["ref"], e["amount"]) for e in ledger(booking_id) if e["kind"] == "refunded"]
    assert recorded == [(refund.id, 6000)]
    assert refund_job(booking_id)["part"] is None  # done: out of every index


def test_outage_that_outlasts_every_retry_ends_failed_with_an_alarm(
    wired: Api, wire: StripeWire, localstripe: LocalStripe, caplog: pytest.LogCaptureFixture
) -> None:
    booking_id, _ = pay(wired, localstripe)
    freelancer_cancels(wired, booking_id)
    wire.fail("POST", "/v1/refunds", "refuse", times=1000)
    for _ in range(MAX_ATTEMPTS + 2):
        wired.tick()
        wired.clock.advance(minutes=61)  # past the longest pause between tries
    assert refund_job(booking_id) == {
        "part": "FAILED",
        "attempts": MAX_ATTEMPTS,
        "error": "payment_unavailable",
    }
    assert len(lines(caplog, "job_retry")) == MAX_ATTEMPTS - 1
    assert len(lines(caplog, "job_failed")) == 1
    assert refund_posts(wire) == MAX_ATTEMPTS * SDK_ATTEMPTS


def test_a_job_whose_booking_is_gone_is_not_dropped_silently(
    wired: Api, wire: StripeWire, localstripe: LocalStripe, caplog: pytest.LogCaptureFixture
) -> None:
    booking_id, _ = pay(wired, localstripe)
    freelancer_cancels(wired, booking_id)
    boto3.client("dynamodb").delete_item(
        TableName=TABLE, Key={"PK": {"S": f"BOOKING#{booking_id}"}, "SK": {"S": "BOOKING"}}
    )
    wired.tick()
    assert refund_job(booking_id) == {"part": "FAILED", "attempts": 1, "error": "not_found"}
    assert lines(caplog, "job_failed")
