"""Stripe fails once, then the flow is retried: nothing lost, nothing doubled.

The code under test talks to a real localstripe through one more hop on
loopback (`StripeWire`), which breaks chosen calls the way a network does:
`refuse` closes the connection before anything reaches Stripe; `lose` lets
Stripe do the work and then drops its answer; `answer` replies as Stripe does
when it refuses (a 400 with an error code, a 429, a 500) without reaching it.
Every failure is repeated for the SDK's own retries, so it reaches keepslot.
The hop also keeps the promise Stripe makes and localstripe does not: a POST
whose Idempotency-Key Stripe has seen gets the first answer again (with other
parameters: 400 idempotency_error).
So these tests also show that a retry reuses its key and a new card does not.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
import stripe

from infra.local.localstripe import LocalStripe
from tests.support.api import THU_LATER, Api, body, freelancer_cancels, token_of
from tests.support.stripe_play import (
    at_stripe,
    book_and_save_card,
    confirm_card_setup,
    deliver,
    event,
    meta,
    pay,
)
from tests.support.stripe_wire import StripeWire
from tests.support.tables import (
    booking_item,
    booking_items,
    consistent,
    ledger,
    once_each,
)


def unavailable(reply: Any) -> None:
    """The answer to an upstream failure: 503, a code the page retries, no internals."""
    assert reply.status == 503, reply.body
    assert reply.body["error"]["code"] == "payment_unavailable"
    assert reply.headers.get("Retry-After") == "2"
    assert "Traceback" not in str(reply.body) and "stripe" not in str(reply.body).lower()


# ---- (a) starting the deposit payment ------------------------------------------


@pytest.mark.parametrize(
    ("path", "mode"), [("/v1/customers", "refuse"), ("/v1/setup_intents", "lose")]
)
def test_card_form_fails_once_the_booking_stands_and_asking_again_gets_the_form_once(
    wired: Api,
    wire: StripeWire,
    localstripe: LocalStripe,
    stripe_client: stripe.StripeClient,
    path: str,
    mode: str,
) -> None:
    key, payload = str(uuid.uuid4()), body(wired)
    wire.fail("POST", path, mode)
    first = wired.post("/api/bookings", payload, headers={"Idempotency-Key": key})
    assert first.status == 201, first.body  # the booking stands; only its card form is missing
    assert first.body["payment"]["error"]["code"] == "payment_unavailable"
    assert "client_secret" not in first.body["payment"]
    [held] = booking_items()
    # The manage page shows the booking and offers to make the card form: looking never
    # calls Stripe (POST /api/manage/card makes it).
    page = wired.get("/api/manage", token=token_of(first.body["manage_url"]))
    assert page.status == 200 and page.body["payment"]["prepare"] is True
    again = wired.post("/api/bookings", payload, headers={"Idempotency-Key": key})
    assert again.status == 201, again.body
    booking_id = again.body["booking"]["id"]
    assert held["id"]["S"] == booking_id
    assert again.body["payment"]["kind"] == "stripe"
    [seti] = at_stripe(stripe_client, "setup_intents", booking_id)
    assert again.body["payment"]["client_secret"] == seti.client_secret
    assert len(at_stripe(stripe_client, "customers", booking_id)) == 1
    confirm_card_setup(localstripe.url, seti.client_secret)
    paid = wired.post("/api/manage/payment", {}, token=token_of(again.body["manage_url"]))
    assert paid.status == 200 and paid.body["booking"]["status"] == "confirmed"
    assert len(at_stripe(stripe_client, "payment_intents", booking_id)) == 1
    assert [e["kind"] for e in ledger(booking_id)] == ["paid"]
    wired.tick()
    once_each(booking_id)
    consistent()


@pytest.mark.parametrize("mode", ["refuse", "lose"])
def test_deposit_charge_fails_once_then_the_retried_payment_confirms_once(
    wired: Api,
    wire: StripeWire,
    localstripe: LocalStripe,
    stripe_client: stripe.StripeClient,
    mode: str,
) -> None:
    booked, token = book_and_save_card(wired, localstripe)
    booking_id = booked["booking"]["id"]
    wire.fail("POST", "/v1/payment_intents", mode)
    unavailable(wired.post("/api/manage/payment", {}, token=token))
    assert wired.get("/api/manage", token=token).body["booking"]["status"] == "held"
    assert ledger(booking_id) == []
    charged = [pi.status for pi in at_stripe(stripe_client, "payment_intents", booking_id)]
    assert charged == ([] if mode == "refuse" else ["succeeded"])  # lost: paid, not recorded
    again = wired.post("/api/manage/payment", {}, token=token)
    assert again.status == 200 and again.body["booking"]["status"] == "confirmed"
    [pi] = at_stripe(stripe_client, "payment_intents", booking_id)
    assert pi.status == "succeeded" and pi.amount == 6000
    assert [(e["kind"], e["ref"]) for e in ledger(booking_id)] == [("paid", pi.id)]
    assert len(set(wire.keys("POST", "/v1/payment_intents"))) == 1  # every try, one key
    wired.tick()
    once_each(booking_id)
    consistent()


def test_a_lost_answer_is_absorbed_by_the_sdk_retry_with_the_same_key(
    wired: Api, wire: StripeWire, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booked, token = book_and_save_card(wired, localstripe)
    wire.fail("POST", "/v1/payment_intents", "lose", times=1)
    r = wired.post("/api/manage/payment", {}, token=token)
    assert r.status == 200 and r.body["booking"]["status"] == "confirmed"
    tries = [c for c in wire.calls if (c.method, c.path) == ("POST", "/v1/payment_intents")]
    assert [c.replayed for c in tries] == [False, True] and tries[0].key == tries[1].key
    assert len(at_stripe(stripe_client, "payment_intents", booked["booking"]["id"])) == 1


def test_late_reschedule_reports_a_missing_card_form_then_the_new_page_offers_it(
    wired: Api, wire: StripeWire, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    _, token = pay(wired, localstripe)
    wired.clock.at = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 40 h before: a new deposit
    wire.fail("POST", "/v1/setup_intents", "refuse")
    r = wired.post("/api/manage/reschedule", {"start": THU_LATER}, token=token)
    assert r.status == 200, r.body  # the move is done: a retry could not redo it
    assert r.body["payment"]["error"]["code"] == "payment_unavailable"
    assert "client_secret" not in r.body["payment"]
    new_id, new_token = r.body["new_booking"]["id"], token_of(r.body["manage_url"])
    page = wired.get("/api/manage", token=new_token)
    assert page.status == 200 and page.body["payment"]["prepare"] is True
    form = wired.post("/api/manage/card", {}, token=new_token)
    assert form.status == 200 and form.body["payment"]["kind"] == "stripe"
    confirm_card_setup(localstripe.url, form.body["payment"]["client_secret"])
    done = wired.post("/api/manage/payment", {}, token=new_token)
    assert done.status == 200 and done.body["booking"]["status"] == "confirmed"
    assert len(at_stripe(stripe_client, "setup_intents", new_id)) == 1
    wired.tick()
    once_each(new_id)
    consistent()


# ---- (b) refunds, made by the clock ----------------------------------------------


def _waived_as_refund(api: Api, booking_id: str) -> None:
    from keepslot import bootstrap

    b = booking_item(booking_id)
    manage = token_of(bootstrap.app().links.manage(b.id, b.start))
    api.clock.at = datetime(2026, 12, 2, 13, 0, tzinfo=UTC)  # 20 h before: all forfeited
    assert api.post("/api/manage/cancel", {}, token=manage).body["outcome"]["forfeited"] == 6000
    admin = token_of(bootstrap.app().links.admin(b.id, api.clock.now()))
    r = api.post("/api/admin/waive", {"as": "refund"}, token=admin)
    assert r.status == 200, r.body


@pytest.mark.parametrize(
    ("decide", "mode"), [(freelancer_cancels, "refuse"), (_waived_as_refund, "lose")]
)
def test_refund_fails_once_then_the_next_tick_refunds_once(
    wired: Api,
    wire: StripeWire,
    localstripe: LocalStripe,
    stripe_client: stripe.StripeClient,
    decide: Any,
    mode: str,
) -> None:
    booking_id, _ = pay(wired, localstripe)
    pi = booking_item(booking_id).payment_ref["payment_intent"]
    decide(wired, booking_id)
    wire.fail("POST", "/v1/refunds", mode)
    wired.tick()  # the refund job fails and stays due; the tick itself goes on
    made = stripe_client.v1.refunds.list(params={"payment_intent": pi}).data
    assert len(made) == (0 if mode == "refuse" else 1)
    assert "refunded" not in [e["kind"] for e in ledger(booking_id)]
    wired.tick()
    wired.tick()  # nothing left to do: no second refund
    [refund] = stripe_client.v1.refunds.list(params={"payment_intent": pi}).data
    assert refund.amount == 6000
    recorded = [(e["ref"], e["amount"]) for e in ledger(booking_id) if e["kind"] == "refunded"]
    assert recorded == [(refund.id, 6000)]
    once_each(booking_id)
    consistent()


def test_webhook_answers_503_when_stripe_fails_and_the_redelivery_records_once(
    wired: Api, wire: StripeWire, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booking_id, _ = pay(wired, localstripe)
    pi = ledger(booking_id)[0]["ref"]
    refund = stripe_client.v1.refunds.create(params={"payment_intent": pi, "amount": 1000})
    charge = {  # a refund made in Stripe's dashboard: the event names no booking
        "id": "ch_" + pi.removeprefix("pi_"),
        "object": "charge",
        "payment_intent": pi,
        "currency": "eur",
        "metadata": {},
        "refunds": {"object": "list", "data": [{"id": refund.id, "amount": 1000}]},
    }
    payload = event("charge.refunded", charge)
    wire.fail("GET", f"/v1/payment_intents/{pi}", "refuse")
    status, reply = deliver(payload)
    assert status == 503 and reply["error"]["code"] == "payment_unavailable"
    assert "refunded" not in [e["kind"] for e in ledger(booking_id)]
    assert deliver(payload) == (200, {"received": True, "result": "refund recorded"})
    assert deliver(payload)[1]["result"] == "duplicate"
    refunded = [(e["ref"], e["amount"]) for e in ledger(booking_id) if e["kind"] == "refunded"]
    assert refunded == [(refund.id, 1000)]


# ---- (c) the no-show fee: the gateway only (no flow charges it yet) ------------------


def test_no_show_fee_charge_whose_answer_is_lost_is_replayed_not_doubled(
    wired: Api, wire: StripeWire, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    from keepslot import bootstrap
    from keepslot.service.ports.gateway import PaymentUnavailable

    booking_id, _ = pay(wired, localstripe)
    booking = booking_item(booking_id)
    wire.fail("POST", "/v1/payment_intents", "lose")
    with pytest.raises(PaymentUnavailable):
        bootstrap.app().payments.charge_fee(booking)
    fee = bootstrap.app().payments.charge_fee(booking)
    assert (fee.status, fee.amount) == ("succeeded", 2500)
    fees = [
        pi
        for pi in at_stripe(stripe_client, "payment_intents", booking_id)
        if meta(pi).get("kind") == "no_show_fee"
    ]
    assert [pi.id for pi in fees] == [fee.id]


def test_the_wire_refuses_for_real(wire: StripeWire) -> None:
    """The injected fault is a network failure, not an HTTP answer."""
    wire.fail("GET", "/v1/customers", "refuse", times=1)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{wire.url}/v1/customers", timeout=5)
