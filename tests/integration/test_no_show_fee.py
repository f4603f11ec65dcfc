"""The no-show fee against a real localstripe: charged to the card saved at booking,
a refusal by the card's bank, Stripe failing on the wire, a waiver racing the charge.

The rules themselves (charged once, waived, asked by hand offline, no card after a
credit) run on the fakes in tests/unit/test_no_show_fee_rules.py. The stripe config
(STRIPE_TIERS in tests/support/configs.py) sets `policy.no_show_fee: 25`. Each test ends
with the table checker, which follows the fee too.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
import stripe

from infra.local.localstripe import LocalStripe
from keepslot.words import format_money
from tests.support.api import (
    Api,
    admin_link,
    no_show,
    sent_mail,
)
from tests.support.stripe_play import CARD_DECLINED_ON_CHARGE, at_stripe, meta, pay
from tests.support.stripe_wire import StripeWire
from tests.support.tables import booking_item, consistent, ledger

THU_10 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)

AFTER_GRACE = THU_10 + timedelta(minutes=20)
CLIENT = "anna@example.com"


def euros(minor: int) -> str:
    return format_money(minor, "EUR", "it")


def waive(api: Api, booking_id: str, as_: str | None = None) -> None:
    r = api.post("/api/admin/waive", {"as": as_} if as_ else {}, token=admin_link(booking_id))
    assert r.status == 200, r.body


def fee_intents(client: stripe.StripeClient, booking_id: str) -> list[Any]:
    intents = at_stripe(client, "payment_intents", booking_id)
    return [pi for pi in intents if meta(pi).get("kind") == "no_show_fee"]


def refunds_of(client: stripe.StripeClient, intent_id: str) -> list[tuple[str, int]]:
    listing = client.v1.refunds.list(params={"payment_intent": intent_id}).data
    return [(r.id, int(r.amount)) for r in listing]


def rows(booking_id: str) -> list[tuple[str, int]]:
    return sorted((e["kind"], e["amount"]) for e in ledger(booking_id))


def pending_fee_jobs(booking_id: str) -> list[str]:
    items = boto3.client("dynamodb").scan(TableName="keepslot-test")["Items"]
    return [
        i["SK"]["S"]
        for i in items
        if i["PK"]["S"] == f"BOOKING#{booking_id}"
        and i["SK"]["S"].startswith("JOB#no_show_fee#")
        and "GSI2PK" in i
    ]


def mails(to: str, subject_start: str) -> list[dict[str, Any]]:
    return [m for m in sent_mail() if to in m["to"] and m["subject"].startswith(subject_start)]


def card_now_declines(client: stripe.StripeClient, booking_id: str) -> None:
    """The card saved at booking paid the deposit; by the no-show its bank refuses it
    (expired, blocked): the booking's saved card becomes one that declines every charge."""
    from keepslot import bootstrap
    from keepslot.service.ports.changes import Change

    store = bootstrap.app().store
    booking, version = store.get_booking(booking_id)
    card = {"number": CARD_DECLINED_ON_CHARGE, "exp_month": 12, "exp_year": 2031, "cvc": "123"}
    params: Any = {"type": "card", "card": card}  # raw card data: fine for a test server
    pm = client.v1.payment_methods.create(params=params)
    client.v1.payment_methods.attach(pm.id, params={"customer": booking.payment_ref["customer"]})
    ref = {**booking.payment_ref, "payment_method": pm.id}
    store.commit(Change(updated=[(replace(booking, payment_ref=ref), version)]))


# ---- charged once by the clock ----------------------------------------------------


def test_no_show_charges_the_fee_once_to_the_saved_card_and_tells_the_client(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booking_id, _ = pay(stripe_api, localstripe)
    saved = booking_item(booking_id).payment_ref
    assert no_show(stripe_api, booking_id)["fee"] == 2500
    assert fee_intents(stripe_client, booking_id) == []  # the button never waits on Stripe
    assert pending_fee_jobs(booking_id)
    stripe_api.tick()
    [pi] = fee_intents(stripe_client, booking_id)
    assert (pi.status, pi.amount, pi.currency) == ("succeeded", 2500, "eur")
    assert (pi.customer, pi.payment_method) == (saved["customer"], saved["payment_method"])
    [charged] = [e for e in ledger(booking_id) if e["kind"].startswith("fee")]
    assert (charged["kind"], charged["amount"], charged["ref"]) == ("fee_charged", 2500, pi.id)
    assert booking_item(booking_id).payment_ref["fee_intent"] == pi.id
    [mail] = mails(CLIENT, "Non siamo riusciti")
    assert f"penale di {euros(2500)} sulla carta salvata" in mail["text"]
    before = rows(booking_id)
    stripe_api.tick()  # nothing left to do: no second charge, no second row
    stripe_api.tick()
    assert [x.id for x in fee_intents(stripe_client, booking_id)] == [pi.id]
    assert (
        rows(booking_id) == before == [("fee_charged", 2500), ("forfeited", 6000), ("paid", 6000)]
    )
    assert pending_fee_jobs(booking_id) == []
    consistent()


# ---- declined: recorded, the freelancer told, never retried -------------------------


def test_declined_fee_is_recorded_and_the_freelancer_told_kindly_without_a_retry(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    from keepslot import bootstrap

    booking_id, _ = pay(stripe_api, localstripe)
    card_now_declines(stripe_client, booking_id)
    no_show(stripe_api, booking_id)
    stripe_api.tick()
    [refused] = fee_intents(stripe_client, booking_id)
    assert refused.status == "requires_payment_method"
    fee_rows = [e for e in ledger(booking_id) if e["kind"].startswith("fee")]
    assert [(e["kind"], e["amount"]) for e in fee_rows] == [("fee_declined", 2500)]
    assert fee_rows[0]["ref"] in (refused.id, "")  # Stripe names the intent; localstripe not
    alerts = str(bootstrap.app().config.business.alerts)
    [told] = mails(alerts, "Penale non addebitata")
    assert euros(2500) in told["text"] and "messaggio gentile" in told["text"]
    assert CLIENT in told["text"]  # the way to write to the client
    stripe_api.tick()  # never tried again by itself
    stripe_api.clock.advance(days=1)
    stripe_api.tick()
    assert len(fee_intents(stripe_client, booking_id)) == 1
    assert len([e for e in ledger(booking_id) if e["kind"].startswith("fee")]) == 1
    assert len(mails(alerts, "Penale non addebitata")) == 1
    consistent()


# ---- Stripe down: the job stays due ----------------------------------------------------


@pytest.mark.parametrize("mode", ["refuse", "lose"])
def test_fee_charge_that_fails_upstream_is_retried_by_the_next_tick_once(
    wired: Api,
    wire: StripeWire,
    localstripe: LocalStripe,
    stripe_client: stripe.StripeClient,
    mode: str,
) -> None:
    booking_id, _ = pay(wired, localstripe)
    no_show(wired, booking_id)
    wire.fail("POST", "/v1/payment_intents", mode)
    wired.tick()
    assert [e for e in ledger(booking_id) if e["kind"].startswith("fee")] == []
    assert pending_fee_jobs(booking_id)  # still due
    made = fee_intents(stripe_client, booking_id)
    assert len(made) == (0 if mode == "refuse" else 1)  # lost: charged, not recorded
    wired.tick()
    [pi] = fee_intents(stripe_client, booking_id)
    assert pi.status == "succeeded"
    fee_rows = [(e["kind"], e["ref"]) for e in ledger(booking_id) if e["kind"].startswith("fee")]
    assert fee_rows == [("fee_charged", pi.id)]
    assert set(wire.keys("POST", "/v1/payment_intents")) >= {f"fee-{booking_id}"}
    consistent()


# ---- waivers give the fee back --------------------------------------------------------


def test_waiver_landing_while_the_fee_is_charged_gets_it_refunded(
    wired: Api,
    wire: StripeWire,
    localstripe: LocalStripe,
    stripe_client: stripe.StripeClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The freelancer waives at the very moment the clock is charging: the job's record
    loses the race, and its next run finds the charge (same key) and gives it back."""
    from keepslot.adapters.payments.stripe_gateway import StripeGateway

    booking_id, _ = pay(wired, localstripe)
    no_show(wired, booking_id)
    real = StripeGateway.charge_fee

    def waived_meanwhile(self: StripeGateway, booking: Any) -> Any:
        monkeypatch.setattr(StripeGateway, "charge_fee", real)
        waive(wired, booking_id)
        return real(self, booking)

    monkeypatch.setattr(StripeGateway, "charge_fee", waived_meanwhile)
    wired.tick()  # charged, but the waiver wrote first: nothing recorded yet
    assert len(fee_intents(stripe_client, booking_id)) == 1
    assert "fee_charged" not in [k for k, _ in rows(booking_id)]
    wired.tick()  # the same attempt again (replayed by its key), recorded, refund due
    wired.tick()
    [pi] = fee_intents(stripe_client, booking_id)
    assert [amount for _, amount in refunds_of(stripe_client, pi.id)] == [2500]
    fee_rows = [(k, a) for k, a in rows(booking_id) if k.startswith("fee")]
    assert fee_rows == [("fee_charged", 2500), ("fee_refunded", 2500)]
    consistent()


# ---- no card to charge: the fee stays due, asked for by hand ----------------------------
