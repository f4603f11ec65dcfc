"""Money that cannot be forged: a deposit is confirmed only by the PaymentIntent as
Stripe (here localstripe) has it, checked for status, amount, currency and booking;
the ledger records what Stripe took; the webhook refuses every event while its
secret is a placeholder. Events are signed as Stripe signs them."""

from __future__ import annotations

import logging
from typing import Any

import boto3
import pytest
import stripe

from infra.deploy_secrets import PLACEHOLDER
from infra.local.localstripe import LocalStripe
from tests.support.api import THU_LATER, Api, status_of
from tests.support.stripe_play import (
    book_and_save_card,
    charge_without_recording,
    deliver,
    event,
    intent_json,
    pay,
    signature,
)
from tests.support.tables import booking_item, ledger


def held_with_card(api: Api, ls: LocalStripe, **over: Any) -> tuple[str, str]:
    """A held booking whose card the page saved: its id and manage token."""
    booked, token = book_and_save_card(api, ls, **over)
    return booked["booking"]["id"], token


def charge_at_stripe(
    client: stripe.StripeClient, api: Api, booking_id: str, amount: int, currency: str
) -> str:
    """A real, succeeded PaymentIntent on the booking's saved card, naming the booking as
    its deposit: what someone holding the secret key (or a bug) could make."""
    ref = booking_item(booking_id).payment_ref
    pm = client.v1.setup_intents.retrieve(ref["setup_intent"]).payment_method
    pi = client.v1.payment_intents.create(
        params={
            "amount": amount,
            "currency": currency,
            "customer": ref["customer"],
            "payment_method": pm if isinstance(pm, str) else pm.id,
            "payment_method_types": ["card"],
            "confirm": True,
            "metadata": {"booking_id": booking_id, "kind": "deposit"},
        }
    )
    assert pi.status == "succeeded"
    return str(pi.id)


def refunds_at_stripe(client: stripe.StripeClient, pi: str) -> list[int]:
    return [r.amount for r in client.v1.refunds.list(params={"payment_intent": pi}).data]


def mismatch_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.ERROR and "deposit_mismatch" in r.getMessage()
    ]


@pytest.mark.parametrize("stored", [PLACEHOLDER, "not-a-stripe-secret"])
def test_webhook_refuses_every_event_with_503_while_its_secret_is_a_placeholder(
    stripe_api: Api,
    localstripe: LocalStripe,
    stripe_client: stripe.StripeClient,
    caplog: pytest.LogCaptureFixture,
    stored: str,
) -> None:
    boto3.client("ssm").put_parameter(
        Name="/keepslot/stripe-webhook-secret", Value=stored, Type="SecureString", Overwrite=True
    )
    booking_id, token = held_with_card(stripe_api, localstripe)
    pi = charge_without_recording(booking_id)  # real money, so a real event would confirm
    payload = event("payment_intent.succeeded", intent_json(stripe_client, pi))
    status, reply = deliver(payload, signature(payload, secret=stored))  # anyone can sign
    assert (status, reply["error"]["code"]) == (503, "webhook_not_configured")
    assert status_of(stripe_api, token) == "held"
    assert ledger(booking_id) == []
    alarms = [r for r in caplog.records if "webhook_secret_unset" in r.getMessage()]
    assert alarms and all(r.levelno == logging.ERROR for r in alarms)


def test_one_dollar_payment_signed_with_the_local_secret_does_not_confirm_a_sixty_euro_deposit(
    stripe_api: Api,
    localstripe: LocalStripe,
    stripe_client: stripe.StripeClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    booking_id, token = held_with_card(stripe_api, localstripe)
    pi = charge_at_stripe(stripe_client, stripe_api, booking_id, 100, "usd")
    status, reply = deliver(event("payment_intent.succeeded", intent_json(stripe_client, pi)))
    assert status == 200 and reply["result"].startswith("refunded")
    assert status_of(stripe_api, token) == "held"
    assert mismatch_lines(caplog)
    # What Stripe took is in the ledger, and the clock gives it back.
    assert [(e["kind"], e["amount"], e["ref"]) for e in ledger(booking_id)] == [("paid", 100, pi)]
    stripe_api.tick()
    assert refunds_at_stripe(stripe_client, pi) == [100]
    assert sorted((e["kind"], e["amount"]) for e in ledger(booking_id)) == [
        ("paid", 100),
        ("refunded", 100),
    ]
    # The real deposit, a moment later, still confirms the booking.
    stripe_api.clock.advance(minutes=1)
    r = stripe_api.post("/api/manage/payment", {}, token=token)
    assert r.status == 200 and r.body["booking"]["status"] == "confirmed"


def test_event_for_a_payment_stripe_never_made_confirms_nothing(
    stripe_api: Api, localstripe: LocalStripe
) -> None:
    booking_id, token = held_with_card(stripe_api, localstripe)
    forged = {
        "id": "pi_3NforgedXXXXXXXX",
        "object": "payment_intent",
        "status": "succeeded",
        "amount": 6000,
        "amount_received": 6000,
        "currency": "eur",
        "metadata": {"booking_id": booking_id, "kind": "deposit"},
    }
    status, reply = deliver(event("payment_intent.succeeded", forged))
    assert (status, reply["result"]) == (200, "unknown payment")
    assert status_of(stripe_api, token) == "held"
    assert ledger(booking_id) == []


def test_event_passing_off_another_bookings_payment_confirms_nothing(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    paid_id, _ = pay(stripe_api, localstripe)
    other_id, other_token = held_with_card(stripe_api, localstripe, start=THU_LATER)
    [paid] = ledger(paid_id)
    claim = intent_json(stripe_client, paid["ref"], metadata={"booking_id": other_id})
    status, reply = deliver(event("payment_intent.succeeded", claim))
    assert (status, reply["result"]) == (200, "already recorded")  # Stripe says: the other
    assert status_of(stripe_api, other_token) == "held"
    assert ledger(other_id) == []
    assert len(ledger(paid_id)) == 1


def test_ledger_records_what_stripe_took_not_what_was_due(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booking_id, token = held_with_card(stripe_api, localstripe)
    pi = charge_at_stripe(stripe_client, stripe_api, booking_id, 6500, "eur")
    status, reply = deliver(event("payment_intent.succeeded", intent_json(stripe_client, pi)))
    assert (status, reply["result"]) == (200, "confirmed")  # at least what was due
    assert status_of(stripe_api, token) == "confirmed"
    assert [(e["kind"], e["amount"], e["ref"]) for e in ledger(booking_id)] == [("paid", 6500, pi)]
    assert booking_item(booking_id).deposit.paid == 6500


class ShortCharge:
    """The real gateway, except that the deposit charge Stripe makes is 1 USD: as if
    something upstream went wrong. The page's report must not confirm on it."""

    def __init__(self, real: Any, client: stripe.StripeClient, api: Api) -> None:
        self._real, self._client, self._api = real, client, api

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def charge_deposit(self, booking: Any) -> Any:
        pi = charge_at_stripe(self._client, self._api, booking.id, 100, "usd")
        return self._real.retrieve_intent(pi)


def test_page_reporting_a_payment_that_does_not_match_the_deposit_confirms_nothing(
    stripe_api: Api,
    localstripe: LocalStripe,
    stripe_client: stripe.StripeClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from keepslot import bootstrap

    app = bootstrap.app()
    app.__dict__["payments"] = ShortCharge(app.payments, stripe_client, stripe_api)
    booking_id, token = held_with_card(stripe_api, localstripe)
    r = stripe_api.post("/api/manage/payment", {}, token=token)
    assert (r.status, r.body["error"]["code"]) == (409, "payment_refused")
    assert status_of(stripe_api, token) == "held"
    assert mismatch_lines(caplog)
    [paid] = ledger(booking_id)
    assert (paid["kind"], paid["amount"]) == ("paid", 100)
    stripe_api.clock.advance(minutes=1)
    again = stripe_api.post("/api/manage/payment", {}, token=token)  # the page retries
    assert again.status == 409 and len(ledger(booking_id)) == 2  # a second charge, returned too
    stripe_api.tick()
    stripe_api.clock.advance(minutes=1)  # two refunds of one booking in one second: one waits
    stripe_api.tick()
    refunded = sorted(e["amount"] for e in ledger(booking_id) if e["kind"] == "refunded")
    assert refunded == [100, 100]
