"""POST /api/payments/stripe: signatures, exactly-once, any order, concurrency.

Events localstripe sends are captured from it; the ones it never sends
(payment_intent.canceled, charge.refunded) are built here and signed with the
real webhook secret, as Stripe signs them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
import stripe

from infra.local.localstripe import LocalStripe
from tests.support.api import THU_10, Api, FixedClock, status_of
from tests.support.configs import INTAKE_ANSWERS, stripe_with_tiers
from tests.support.stripe_play import (
    WebhookInbox,
    book_and_save_card,
    charge_without_recording,
    confirm_card_setup,
    deliver,
    event,
    intent_json,
    pay,
    put_stripe_secrets,
    signature,
    stripe_env,
)
from tests.support.tables import ledger, outbox_templates


def test_localstripe_event_confirms_a_booking_whose_payment_write_was_lost(
    stripe_api: Api, localstripe: LocalStripe, webhook_inbox: WebhookInbox
) -> None:
    booked, token = book_and_save_card(stripe_api, localstripe)
    booking_id = booked["booking"]["id"]
    pi = charge_without_recording(booking_id)
    assert status_of(stripe_api, token) == "held"  # money taken, state behind
    payload, sig = webhook_inbox.wait_for("payment_intent.succeeded", pi)
    status, reply = deliver(payload, sig)  # localstripe's own bytes and signature
    assert (status, reply["result"]) == (200, "confirmed")
    assert status_of(stripe_api, token) == "confirmed"
    # The page reports afterwards: nothing more is charged or written.
    r = stripe_api.post("/api/manage/payment", {}, token=token)
    assert r.status == 200 and r.body["booking"]["status"] == "confirmed"
    assert [(e["kind"], e["ref"]) for e in ledger(booking_id)] == [("paid", pi)]


def test_duplicate_event_is_applied_once(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booked, _ = book_and_save_card(stripe_api, localstripe)
    booking_id = booked["booking"]["id"]
    pi = charge_without_recording(booking_id)
    payload = event("payment_intent.succeeded", intent_json(stripe_client, pi))
    assert deliver(payload)[1]["result"] == "confirmed"
    assert deliver(payload) == (200, {"received": True, "result": "duplicate"})
    assert len(ledger(booking_id)) == 1
    assert outbox_templates(booking_id).count("freelancer/deposit_confirmed") == 1


def test_canceled_or_failed_after_succeeded_never_releases_the_paid_slot(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booking_id, token = pay(stripe_api, localstripe)
    pi = ledger(booking_id)[0]["ref"]
    late = intent_json(stripe_client, pi, status="canceled")
    assert deliver(event("payment_intent.canceled", late))[0] == 200
    assert deliver(event("payment_intent.payment_failed", late))[0] == 200
    assert status_of(stripe_api, token) == "confirmed"
    assert "client/payment_failed" not in outbox_templates(booking_id)
    slots = stripe_api.get("/api/slots?service=strategia&from=2026-12-03&to=2026-12-03").body
    assert THU_10 not in [s["start"] for s in slots["slots"]]


def test_payment_failed_tells_the_client_and_keeps_the_hold(
    stripe_api: Api, localstripe: LocalStripe
) -> None:
    booked, token = book_and_save_card(stripe_api, localstripe)
    booking_id = booked["booking"]["id"]
    obj = {
        "id": "pi_failed_once",
        "object": "payment_intent",
        "status": "requires_payment_method",
        "amount": 6000,
        "currency": "eur",
        "metadata": {"booking_id": booking_id, "kind": "deposit"},
    }
    status, reply = deliver(event("payment_intent.payment_failed", obj))
    assert (status, reply["result"]) == (200, "client told")
    assert status_of(stripe_api, token) == "held"
    assert outbox_templates(booking_id).count("client/payment_failed") == 1
    assert "freelancer/payment_failed" not in outbox_templates(booking_id)


def test_bad_signature_is_400_and_changes_nothing(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booked, token = book_and_save_card(stripe_api, localstripe)
    pi = charge_without_recording(booked["booking"]["id"])
    payload = event("payment_intent.succeeded", intent_json(stripe_client, pi))
    assert deliver(payload, signature(payload, secret="whsec_someone_else"))[0] == 400
    assert deliver(payload, "t=1,v1=deadbeef")[0] == 400
    assert deliver(payload, "")[0] == 400
    tampered = payload.replace(b'"amount": 6000', b'"amount": 1')
    assert deliver(tampered, signature(payload))[0] == 400
    assert status_of(stripe_api, token) == "held"


def test_replay_older_than_five_minutes_is_400(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booked, token = book_and_save_card(stripe_api, localstripe)
    pi = charge_without_recording(booked["booking"]["id"])
    payload = event("payment_intent.succeeded", intent_json(stripe_client, pi))
    stale = signature(payload, at=int(time.time()) - 301)
    status, reply = deliver(payload, stale)
    assert status == 400 and reply["error"]["code"] == "bad_signature"
    assert status_of(stripe_api, token) == "held"
    assert deliver(payload, signature(payload, at=int(time.time()) - 200))[0] == 200
    assert status_of(stripe_api, token) == "confirmed"


def _charge_refunded(pi: str, refunds: list[tuple[str, int]]) -> dict[str, Any]:
    return {
        "id": "ch_" + pi.removeprefix("pi_"),
        "object": "charge",
        "payment_intent": pi,
        "amount": 6000,
        "amount_refunded": sum(a for _, a in refunds),
        "currency": "eur",
        "refunded": sum(a for _, a in refunds) == 6000,
        "metadata": {},
        "refunds": {"object": "list", "data": [{"id": i, "amount": a} for i, a in refunds]},
    }


def test_charge_refunded_outside_keepslot_is_recorded_once(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booking_id, _ = pay(stripe_api, localstripe)
    pi = ledger(booking_id)[0]["ref"]
    refund = stripe_client.v1.refunds.create(params={"payment_intent": pi, "amount": 1000})
    obj = _charge_refunded(pi, [(refund.id, 1000)])
    assert deliver(event("charge.refunded", obj))[1]["result"] == "refund recorded"
    assert deliver(event("charge.refunded", obj))[1]["result"] == "already recorded"
    refunded = [e for e in ledger(booking_id) if e["kind"] == "refunded"]
    assert [(e["ref"], e["amount"]) for e in refunded] == [(refund.id, 1000)]


def test_charge_refunded_for_a_refund_keepslot_made_is_not_counted_twice(
    stripe_api: Api, localstripe: LocalStripe
) -> None:
    booking_id, token = pay(stripe_api, localstripe)
    stripe_api.clock.at = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    assert stripe_api.post("/api/manage/cancel", {}, token=token).status == 200
    stripe_api.tick()
    [made] = [e for e in ledger(booking_id) if e["kind"] == "refunded"]
    pi = next(e for e in ledger(booking_id) if e["kind"] == "paid")["ref"]
    reply = deliver(event("charge.refunded", _charge_refunded(pi, [(made["ref"], 3000)])))[1]
    assert reply["result"] == "already recorded"
    assert len([e for e in ledger(booking_id) if e["kind"] == "refunded"]) == 1


# ---- 20 concurrent deliveries, against moto's server (as the local stack runs it) ----


@pytest.fixture
def served(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, localstripe: LocalStripe
) -> Iterator[Any]:
    from infra.local.environment import TABLE_NAME, TOKEN_KEY_PARAM, apply, local_environment
    from infra.local.moto_server import MotoServer
    from infra.local.provision import provision
    from keepslot import bootstrap
    from keepslot.config.model import load_config

    server = MotoServer()
    server.start()
    config = stripe_with_tiers(tmp_path)
    env = local_environment(
        moto_url=server.url, site_url="http://127.0.0.1:8000", config_path=config
    )
    env |= stripe_env(localstripe, config)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    apply(env)
    provision(load_config(config), TABLE_NAME, TOKEN_KEY_PARAM)
    put_stripe_secrets()
    bootstrap.reset()
    bootstrap.use_clock(FixedClock(datetime(2026, 11, 30, 8, 0, tzinfo=UTC)))
    yield bootstrap.app()
    bootstrap.reset()
    server.stop()


def test_twenty_concurrent_deliveries_make_one_ledger_entry_and_one_email(
    served: Any, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    from infra.local.environment import TABLE_NAME
    from keepslot.domain.booking import Client, Mode
    from keepslot.service import payments
    from keepslot.service.new_booking import BookingRequest, book

    app = served
    now = app.clock.now()
    req = BookingRequest(
        service="strategia",
        start=datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
        mode=Mode.VIDEO,
        client=Client("Anna Bianchi", "anna@example.com"),
        policy_version=app.config.policy_version,
        answers=INTAKE_ANSWERS,
    )
    booking = book(app.ctx, req, now).booking
    setup = payments.start(app.ctx, booking)
    assert setup is not None
    confirm_card_setup(localstripe.url, setup.client_secret)
    pi = charge_without_recording(booking.id)
    payload = event("payment_intent.succeeded", intent_json(stripe_client, pi))
    app.secret(app.env.stripe_webhook_param)  # a warm container, as after the first event

    with ThreadPoolExecutor(max_workers=20) as pool:
        replies = list(pool.map(lambda _: deliver(payload), range(20)))
    assert [s for s, _ in replies] == [200] * 20, replies
    results = sorted(r["result"] for _, r in replies)
    assert results.count("confirmed") == 1, results
    assert set(results) <= {"confirmed", "duplicate"}
    assert [e["kind"] for e in ledger(booking.id, TABLE_NAME)] == ["paid"]
    assert outbox_templates(booking.id, TABLE_NAME).count("freelancer/deposit_confirmed") == 1
    items = boto3.client("dynamodb").scan(TableName=TABLE_NAME)["Items"]
    marker = f"STRIPE#{json.loads(payload)['id']}"
    assert [i["PK"]["S"] for i in items].count(marker) == 1


def test_events_for_other_bookings_or_systems_are_acknowledged(stripe_api: Api) -> None:
    obj = {"id": "pi_elsewhere", "object": "payment_intent", "status": "succeeded", "metadata": {}}
    assert deliver(event("payment_intent.succeeded", obj)) == (
        200,
        {"received": True, "result": "not a deposit"},
    )
    # An intent Stripe does not know is not a payment, whatever booking its body names.
    ghost = obj | {"metadata": {"booking_id": "nosuchbooking", "kind": "deposit"}}
    assert deliver(event("payment_intent.succeeded", ghost))[1]["result"] == "unknown payment"


def test_refund_event_for_a_charge_stripe_does_not_know_is_acknowledged(stripe_api: Api) -> None:
    obj = _charge_refunded("pi_not_in_this_account", [("re_elsewhere", 100)])
    assert deliver(event("charge.refunded", obj))[1]["result"] == "unknown payment"
