"""A declined card, then another: each attempt has its own idempotency keys.

Stripe keeps the first answer to an idempotency key: reusing `deposit-<booking>`
after a decline would replay the decline (or, with another card, fail as a
misused key), and the booking could never be paid. These tests run through
`StripeWire`, which keeps that promise in front of localstripe (which does not).
"""

from __future__ import annotations

from typing import Any

import requests
import stripe

from infra.local.localstripe import PUBLISHABLE_KEY, LocalStripe
from tests.support.api import Api
from tests.support.stripe_play import (
    CARD_DECLINED_ON_CHARGE,
    CARD_OK,
    at_stripe,
    book_and_save_card,
    confirm_card_setup,
)
from tests.support.stripe_wire import StripeWire
from tests.support.tables import consistent, ledger, once_each

CARD_DECLINED_ON_SAVE = "4000000000000002"  # localstripe refuses to attach it


def test_card_declined_at_charge_then_another_card_confirms_the_booking(
    wired: Api, wire: StripeWire, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booked, token = book_and_save_card(wired, localstripe, card=CARD_DECLINED_ON_CHARGE)
    booking_id = booked["booking"]["id"]
    first = wired.post("/api/manage/payment", {}, token=token)
    assert first.status == 409 and first.body["error"]["code"] == "payment_declined"
    # The manage page offers the payment again, and its card form is made on a fresh
    # SetupIntent (POST /api/manage/card): one that succeeded cannot take another card.
    page = wired.get("/api/manage", token=token)
    assert page.status == 200 and page.body["booking"]["status"] == "held"
    assert page.body["payment"]["prepare"] is True
    step = wired.post("/api/manage/card", {}, token=token).body["payment"]
    assert step["kind"] == "stripe"
    assert step["client_secret"] != booked["payment"]["client_secret"]
    confirm_card_setup(localstripe.url, step["client_secret"], CARD_OK)
    second = wired.post("/api/manage/payment", {}, token=token)
    assert second.status == 200, second.body
    assert second.body["booking"]["status"] == "confirmed"
    intents = {pi.status: pi for pi in at_stripe(stripe_client, "payment_intents", booking_id)}
    assert sorted(intents) == ["requires_payment_method", "succeeded"]
    assert [(e["kind"], e["ref"]) for e in ledger(booking_id)] == [
        ("paid", intents["succeeded"].id)
    ]
    keys = wire.keys("POST", "/v1/payment_intents")
    assert len(keys) == len(set(keys)) == 2  # one key per card
    assert len(at_stripe(stripe_client, "setup_intents", booking_id)) == 2
    assert len(at_stripe(stripe_client, "customers", booking_id)) == 1  # the same customer
    wired.tick()
    once_each(booking_id)
    consistent()


def test_reporting_a_declined_card_again_replays_the_decline_without_a_new_charge(
    wired: Api, wire: StripeWire, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booked, token = book_and_save_card(wired, localstripe, card=CARD_DECLINED_ON_CHARGE)
    for _ in range(2):
        r = wired.post("/api/manage/payment", {}, token=token)
        assert r.status == 409 and r.body["error"]["code"] == "payment_declined"
    tries = [c for c in wire.calls if (c.method, c.path) == ("POST", "/v1/payment_intents")]
    assert [c.replayed for c in tries] == [False, True] and tries[0].key == tries[1].key
    assert len(at_stripe(stripe_client, "payment_intents", booked["booking"]["id"])) == 1
    # Asking for the card form twice makes one new SetupIntent, not two.
    a = wired.post("/api/manage/card", {}, token=token).body["payment"]["client_secret"]
    b = wired.post("/api/manage/card", {}, token=token).body["payment"]["client_secret"]
    assert a == b != booked["payment"]["client_secret"]
    assert wired.get("/api/manage", token=token).body["payment"]["client_secret"] == a


def _page_confirms(api_base: str, client_secret: str, card: str) -> requests.Response:
    seti = client_secret.split("_secret_")[0]
    card_data: dict[str, Any] = {"number": card, "exp_month": 12, "exp_year": 2031, "cvc": "123"}
    return requests.post(
        f"{api_base}/v1/setup_intents/{seti}/confirm",
        json={
            "key": PUBLISHABLE_KEY,
            "client_secret": client_secret,
            "payment_method_data": {"type": "card", "card": card_data},
        },
        timeout=10,
    )


def test_card_declined_when_saved_then_another_card_on_the_same_form_confirms(
    wired: Api, wire: StripeWire, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    from tests.support.api import body, token_of

    r = wired.post("/api/bookings", body(wired))
    secret = r.body["payment"]["client_secret"]
    refused = _page_confirms(localstripe.url, secret, CARD_DECLINED_ON_SAVE)
    assert refused.status_code == 402  # Stripe.js shows it; the server never hears of it
    assert _page_confirms(localstripe.url, secret, CARD_OK).status_code == 200
    done = wired.post("/api/manage/payment", {}, token=token_of(r.body["manage_url"]))
    assert done.status == 200 and done.body["booking"]["status"] == "confirmed"
    booking_id = r.body["booking"]["id"]
    assert len(at_stripe(stripe_client, "setup_intents", booking_id)) == 1
    assert [e["kind"] for e in ledger(booking_id)] == ["paid"]
    consistent()
