"""Card deposits against a real localstripe: pay, credit, refunds, no-show fee, expiry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import stripe

from infra.local.localstripe import LocalStripe
from tests.support.api import THU_10, THU_LATER, Api, body, emailed_token, token_of
from tests.support.stripe_play import (
    CARD_DECLINED_ON_CHARGE,
    book_and_save_card,
    confirm_card_setup,
    pay,
)
from tests.support.tables import booking_item, ledger, outbox_templates


def test_card_payment_confirms_the_booking_with_one_ledger_entry(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booked, token = book_and_save_card(stripe_api, localstripe)
    b = booked["booking"]
    assert b["status"] == "held"
    assert b["hold_until"] == "2026-11-30T08:30:00Z"  # the card hold: 30 minutes
    r = stripe_api.post("/api/manage/payment", {}, token=token)
    assert r.status == 200, r.body
    assert r.body["booking"]["status"] == "confirmed"
    assert r.body["booking"]["deposit"] == {"amount": 6000, "currency": "EUR", "status": "paid"}
    [paid] = ledger(b["id"])
    assert paid["kind"] == "paid" and paid["amount"] == 6000
    pi = stripe_client.v1.payment_intents.retrieve(paid["ref"])
    assert (pi.status, pi.amount, pi.currency) == ("succeeded", 6000, "eur")
    assert pi.metadata["booking_id"] == b["id"]
    # The page reporting twice changes nothing and charges nothing more.
    again = stripe_api.post("/api/manage/payment", {}, token=token)
    assert again.status == 200 and again.body["booking"]["status"] == "confirmed"
    assert len(ledger(b["id"])) == 1
    assert outbox_templates(b["id"]).count("freelancer/deposit_confirmed") == 1
    ref = booking_item(b["id"]).payment_ref
    assert ref["payment_intent"] == paid["ref"] and ref["payment_method"].startswith("pm_")


def test_replayed_booking_request_returns_the_same_setup_intent(
    stripe_api: Api, localstripe: LocalStripe
) -> None:
    headers = {"Idempotency-Key": "same-click"}
    first = stripe_api.post("/api/bookings", body(stripe_api), headers=headers)
    second = stripe_api.post("/api/bookings", body(stripe_api), headers=headers)
    assert first.status == second.status == 201
    assert first.body["payment"]["client_secret"] == second.body["payment"]["client_secret"]


def test_declined_card_keeps_the_hold_and_says_so(
    stripe_api: Api, localstripe: LocalStripe
) -> None:
    booked, token = book_and_save_card(stripe_api, localstripe, card=CARD_DECLINED_ON_CHARGE)
    r = stripe_api.post("/api/manage/payment", {}, token=token)
    assert r.status == 409
    assert r.body["error"]["code"] == "payment_declined"
    b = stripe_api.get("/api/manage", token=token).body["booking"]
    assert b["status"] == "held"
    assert ledger(booked["booking"]["id"]) == []


def test_early_cancel_gives_a_credit_and_the_rebooking_pays_nothing(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booking_id, token = pay(stripe_api, localstripe)
    r = stripe_api.post("/api/manage/cancel", {}, token=token)
    assert r.status == 200
    assert r.body["outcome"]["deposit"] == "credit"
    assert r.body["booking"]["deposit"]["status"] == "credit"
    before = len(stripe_client.v1.payment_intents.list(params={"limit": 100}).data)
    again = stripe_api.post("/api/bookings", body(stripe_api, start=THU_LATER))
    assert again.status == 201
    # The answer is anyone's (the card form): the credit waits for the emailed Confirm.
    assert again.body["booking"]["status"] == "held"
    assert again.body["payment"]["kind"] == "stripe"
    assert ledger(again.body["booking"]["id"]) == []
    new_id = again.body["booking"]["id"]
    used = stripe_api.post("/api/manage/confirm", token=emailed_token(stripe_api, new_id))
    assert used.body["booking"]["status"] == "confirmed"
    assert used.body["booking"]["deposit"]["status"] == "paid"
    after = len(stripe_client.v1.payment_intents.list(params={"limit": 100}).data)
    assert after == before  # no second charge
    assert [e["kind"] for e in ledger(new_id)] == ["credit_applied"]
    assert sorted(e["kind"] for e in ledger(booking_id)) == ["credit_issued", "paid"]


def test_a_card_charged_while_confirm_spent_the_credit_goes_back_in_full(
    stripe_api: Api,
    localstripe: LocalStripe,
    stripe_client: stripe.StripeClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from keepslot import bootstrap
    from keepslot.service.confirm import confirm

    _, token = pay(stripe_api, localstripe)
    assert stripe_api.post("/api/manage/cancel", {}, token=token).status == 200  # a credit
    booked, seen = book_and_save_card(stripe_api, localstripe, start=THU_LATER)
    new_id = booked["booking"]["id"]
    app = bootstrap.app()
    real = app.payments.charge_deposit

    def pressed_meanwhile(booking: Any) -> Any:
        confirm(app.ctx, new_id, app.clock.now())  # Confirm in the email spends the credit
        return real(booking)

    monkeypatch.setattr(app.payments, "charge_deposit", pressed_meanwhile)
    r = stripe_api.post("/api/manage/payment", {}, token=seen)
    assert r.status == 200, r.body
    assert r.body["booking"]["deposit"]["status"] == "paid"
    stripe_api.tick()  # the clock gives the card charge back
    rows = sorted((e["kind"], e["amount"]) for e in ledger(new_id))
    assert rows == [("credit_applied", 6000), ("paid", 6000), ("refunded", 6000)]


def test_late_cancel_in_the_first_tier_refunds_half_through_the_refund_api(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booking_id, token = pay(stripe_api, localstripe)
    stripe_api.clock.at = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 40 h before
    r = stripe_api.post("/api/manage/cancel", {}, token=token)
    assert r.status == 200
    outcome = r.body["outcome"]
    assert outcome["forfeited"] == 3000
    assert outcome["returned"] == {"as": "refund", "amount": 3000}
    stripe_api.tick()  # the clock makes the refund the cancellation decided
    entries = {e["kind"]: e for e in ledger(booking_id)}
    assert entries["forfeited"]["amount"] == 3000
    assert entries["refund_due"]["amount"] == 3000
    refunded = entries["refunded"]
    assert refunded["amount"] == 3000 and refunded["ref"].startswith("re_")
    refunds = stripe_client.v1.refunds.list(params={"payment_intent": entries["paid"]["ref"]})
    assert [(x.id, x.amount) for x in refunds.data] == [(refunded["ref"], 3000)]
    stripe_api.tick()  # nothing left to do: no second refund
    again = stripe_client.v1.refunds.list(params={"payment_intent": entries["paid"]["ref"]})
    assert len(again.data) == 1


def test_late_cancel_under_a_day_forfeits_the_deposit_and_refunds_nothing(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booking_id, token = pay(stripe_api, localstripe)
    stripe_api.clock.at = datetime(2026, 12, 2, 13, 0, tzinfo=UTC)  # 20 h before
    r = stripe_api.post("/api/manage/cancel", {}, token=token)
    assert r.body["outcome"]["deposit"] == "forfeited"
    assert r.body["outcome"]["forfeited"] == 6000
    stripe_api.tick()
    kinds = [e["kind"] for e in ledger(booking_id)]
    assert sorted(kinds) == ["forfeited", "paid"]
    pi = next(e for e in ledger(booking_id) if e["kind"] == "paid")["ref"]
    assert stripe_client.v1.refunds.list(params={"payment_intent": pi}).data == []


def test_refund_interrupted_after_stripe_is_repaired_by_the_next_clock_run(
    stripe_api: Api,
    localstripe: LocalStripe,
    stripe_client: stripe.StripeClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from keepslot import bootstrap
    from keepslot.adapters.dynamo.store import DynamoStore

    booking_id, token = pay(stripe_api, localstripe)
    stripe_api.clock.at = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    assert stripe_api.post("/api/manage/cancel", {}, token=token).status == 200

    real_commit = DynamoStore.commit

    class Crash(Exception):
        pass

    def crash_on_refund(self: DynamoStore, change: Any) -> None:
        if any(e.kind == "refunded" for e in change.ledger):
            raise Crash("the function died after Stripe refunded, before DynamoDB recorded it")
        real_commit(self, change)

    monkeypatch.setattr(DynamoStore, "commit", crash_on_refund)
    with pytest.raises(Crash):
        stripe_api.tick()
    pi = next(e for e in ledger(booking_id) if e["kind"] == "paid")["ref"]
    assert len(stripe_client.v1.refunds.list(params={"payment_intent": pi}).data) == 1
    assert "refunded" not in [e["kind"] for e in ledger(booking_id)]  # money and state disagree

    monkeypatch.setattr(DynamoStore, "commit", real_commit)
    bootstrap.app()  # same warm container
    stripe_api.tick()  # the job is still due: it finds the refund made, and records it
    refunds = stripe_client.v1.refunds.list(params={"payment_intent": pi}).data
    assert len(refunds) == 1  # no double refund
    recorded = [e for e in ledger(booking_id) if e["kind"] == "refunded"]
    assert [(e["ref"], e["amount"]) for e in recorded] == [(refunds[0].id, 3000)]


def test_no_show_fee_is_charged_off_session_on_the_saved_card(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    from keepslot import bootstrap

    booking_id, _ = pay(stripe_api, localstripe)
    booking = booking_item(booking_id)
    assert booking.terms.no_show_fee == 2500
    fee = bootstrap.app().payments.charge_fee(booking)
    assert (fee.status, fee.amount, fee.currency) == ("succeeded", 2500, "EUR")
    pi = stripe_client.v1.payment_intents.retrieve(fee.id)
    assert pi.customer == booking.payment_ref["customer"]
    assert pi.payment_method == booking.payment_ref["payment_method"]
    assert pi.metadata["kind"] == "no_show_fee"
    assert fee.id != booking.payment_ref["payment_intent"]


def test_unpaid_hold_expiry_cancels_the_intent_and_frees_the_slot(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    from dataclasses import replace

    from keepslot import bootstrap
    from keepslot.service.ports.changes import Change

    booked, _ = book_and_save_card(stripe_api, localstripe)
    app = bootstrap.app()
    booking, version = app.store.get_booking(booked["booking"]["id"])
    # An intent left waiting (say, for 3-D Secure the client never finished).
    waiting = stripe_client.v1.payment_intents.create(
        params={
            "amount": 6000,
            "currency": "eur",
            "customer": booking.payment_ref["customer"],
            "metadata": {"booking_id": booking.id, "kind": "deposit"},
        }
    )
    ref = {**booking.payment_ref, "payment_intent": waiting.id}
    app.store.commit(Change(updated=[(replace(booking, payment_ref=ref), version)]))
    stripe_api.clock.advance(minutes=31)
    stripe_api.tick()
    assert stripe_client.v1.payment_intents.retrieve(waiting.id).status == "canceled"
    assert app.store.get_booking(booking.id)[0].status.value == "expired"
    slots = stripe_api.get("/api/slots?service=strategia&from=2026-12-03&to=2026-12-03").body
    assert THU_10 in [s["start"] for s in slots["slots"]]


def test_freelancer_cancel_refunds_the_card_in_full(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    from keepslot import bootstrap

    booking_id, _ = pay(stripe_api, localstripe)
    booking = booking_item(booking_id)
    admin = token_of(bootstrap.app().links.admin(booking.id, stripe_api.clock.now()))
    r = stripe_api.post("/api/admin/cancel", {}, token=admin)
    assert r.status == 200, r.body
    assert r.body["outcome"]["returned"] == {"as": "refund", "amount": 6000}
    stripe_api.tick()
    pi = booking.payment_ref["payment_intent"]
    [refund] = stripe_client.v1.refunds.list(params={"payment_intent": pi}).data
    assert refund.amount == 6000
    recorded = [e for e in ledger(booking_id) if e["kind"] == "refunded"]
    assert [(e["ref"], e["amount"]) for e in recorded] == [(refund.id, 6000)]


def test_late_reschedule_asks_a_new_card_deposit_for_the_new_booking(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    old_id, token = pay(stripe_api, localstripe)
    old_pi = booking_item(old_id).payment_ref["payment_intent"]
    stripe_api.clock.at = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 40 h before
    r = stripe_api.post("/api/manage/reschedule", {"start": THU_LATER}, token=token)
    assert r.status == 200, r.body
    assert r.body["new_booking"]["status"] == "held"
    pay_new = r.body["payment"]
    assert pay_new["kind"] == "stripe"
    confirm_card_setup(localstripe.url, pay_new["client_secret"])
    new_token = token_of(r.body["manage_url"])
    done = stripe_api.post("/api/manage/payment", {}, token=new_token)
    assert done.status == 200, done.body
    assert done.body["booking"]["status"] == "confirmed"
    [paid] = [e for e in ledger(r.body["new_booking"]["id"]) if e["kind"] == "paid"]
    assert paid["ref"] != old_pi and paid["amount"] == 6000
    stripe_api.tick()  # the old booking's refundable half goes back to the old card
    refunds = stripe_client.v1.refunds.list(params={"payment_intent": old_pi}).data
    assert [x.amount for x in refunds] == [3000]


def test_unpaid_new_booking_of_a_late_reschedule_expires_despite_the_old_payment(
    stripe_api: Api, localstripe: LocalStripe
) -> None:
    _, token = pay(stripe_api, localstripe)
    stripe_api.clock.at = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    r = stripe_api.post("/api/manage/reschedule", {"start": THU_LATER}, token=token)
    new_id = r.body["new_booking"]["id"]
    stripe_api.clock.advance(minutes=31)
    stripe_api.tick()  # the old booking's succeeded intent is not this booking's payment
    new = booking_item(new_id)
    assert new.status.value == "expired"
    assert [e["kind"] for e in ledger(new_id)] == []
