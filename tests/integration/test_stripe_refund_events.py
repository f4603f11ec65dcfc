"""Refunds and disputes reported by Stripe's webhook reach the ledger and the freelancer.

localstripe never sends charge.refunded, refund.updated or charge.dispute.created:
they are built here as Stripe sends them (a charge without its refunds list, as
since API version 2022-11-15) and signed with the real webhook secret. The payments
and refunds they name are real ones at localstripe.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import stripe

from infra.local.localstripe import LocalStripe
from tests.support.api import Api, freelancer_cancels, sent_mail
from tests.support.stripe_play import deliver, event, pay
from tests.support.tables import ledger, outbox_templates

FREELANCER = "giulia@giuliarossi.it"


def paid_intent(booking_id: str) -> str:
    return next(e["ref"] for e in ledger(booking_id) if e["kind"] == "paid")


def charge_refunded(pi: str, refunded: int) -> dict[str, Any]:
    """A charge.refunded object as Stripe sends it today: no `refunds` list inside."""
    return {
        "id": "ch_" + pi.removeprefix("pi_"),
        "object": "charge",
        "payment_intent": pi,
        "amount": 6000,
        "amount_refunded": refunded,
        "currency": "eur",
        "refunded": refunded == 6000,
        "metadata": {},
    }


def alerts(subject_start: str) -> list[dict[str, Any]]:
    return [
        m for m in sent_mail() if FREELANCER in m["to"] and m["subject"].startswith(subject_start)
    ]


def rows(booking_id: str, kind: str) -> list[tuple[int, str]]:
    return [(e["amount"], e["ref"]) for e in ledger(booking_id) if e["kind"] == kind]


def test_dashboard_refund_reaches_the_ledger_and_alerts_the_freelancer(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booking_id, _ = pay(stripe_api, localstripe)
    pi = paid_intent(booking_id)
    made = stripe_client.v1.refunds.create(params={"payment_intent": pi, "amount": 2000})
    status, reply = deliver(event("charge.refunded", charge_refunded(pi, 2000)))
    assert (status, reply["result"]) == (200, "refund recorded")
    assert rows(booking_id, "refunded") == [(2000, made.id)]
    stripe_api.tick()
    [mail] = alerts("Rimborso fatto su Stripe: Anna Bianchi")
    assert "20,00" in mail["text"] and "fuori da keepslot" in mail["text"]
    # Stripe delivers it again (another event): nothing more is written or sent.
    assert deliver(event("charge.refunded", charge_refunded(pi, 2000)))[1]["result"] == (
        "already recorded"
    )
    assert len(rows(booking_id, "refunded")) == 1
    assert outbox_templates(booking_id).count("freelancer/refund_recorded") == 1


def test_refund_keepslot_made_is_recorded_once_and_alerts_nobody(
    stripe_api: Api, localstripe: LocalStripe
) -> None:
    booking_id, _ = pay(stripe_api, localstripe)
    freelancer_cancels(stripe_api, booking_id)
    stripe_api.tick()  # the clock refunds the deposit and records it
    [(amount, _)] = rows(booking_id, "refunded")
    pi = paid_intent(booking_id)
    reply = deliver(event("charge.refunded", charge_refunded(pi, amount)))[1]
    assert reply["result"] == "already recorded"
    assert "freelancer/refund_recorded" not in outbox_templates(booking_id)


def test_refund_that_failed_is_undone_in_the_ledger_and_the_freelancer_is_told(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booking_id, _ = pay(stripe_api, localstripe)
    freelancer_cancels(stripe_api, booking_id)
    stripe_api.tick()
    [(amount, refund_id)] = rows(booking_id, "refunded")
    failed = stripe_client.v1.refunds.retrieve(refund_id).to_dict() | {
        "status": "failed",
        "failure_reason": "expired_or_canceled_card",
    }
    status, reply = deliver(event("refund.updated", failed))
    assert (status, reply["result"]) == (200, "refund failure recorded")
    assert rows(booking_id, "refund_failed") == [(amount, refund_id)]
    stripe_api.tick()
    [mail] = alerts("Rimborso non riuscito: Anna Bianchi")
    assert "non l'ha ricevuta" in mail["text"]
    assert deliver(event("refund.updated", failed))[1]["result"] == "already recorded"
    assert len(rows(booking_id, "refund_failed")) == 1


def test_refund_updated_for_a_dashboard_refund_records_it(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booking_id, _ = pay(stripe_api, localstripe)
    made = stripe_client.v1.refunds.create(
        params={"payment_intent": paid_intent(booking_id), "amount": 1500}
    )
    reply = deliver(event("refund.updated", made.to_dict()))[1]
    assert reply["result"] == "refund recorded"
    assert rows(booking_id, "refunded") == [(1500, made.id)]
    assert "freelancer/refund_recorded" in outbox_templates(booking_id)


def test_dispute_reaches_the_ledger_and_the_freelancer_with_the_deadline(
    stripe_api: Api, localstripe: LocalStripe
) -> None:
    booking_id, _ = pay(stripe_api, localstripe)
    pi = paid_intent(booking_id)
    due_by = datetime(2026, 12, 20, 22, 59, tzinfo=UTC)
    dispute = {
        "id": "du_1Qtest",
        "object": "dispute",
        "amount": 6000,
        "currency": "eur",
        "charge": "ch_" + pi.removeprefix("pi_"),
        "payment_intent": pi,
        "reason": "fraudulent",
        "status": "needs_response",
        "evidence_details": {"due_by": int(due_by.timestamp())},
    }
    status, reply = deliver(event("charge.dispute.created", dispute))
    assert (status, reply["result"]) == (200, "dispute recorded")
    assert rows(booking_id, "disputed") == [(6000, "du_1Qtest")]
    stripe_api.tick()
    [mail] = alerts("Pagamento contestato: Anna Bianchi")
    assert "fraudulent" in mail["text"] and "entro domenica 20 dicembre 2026" in mail["text"]
    assert deliver(event("charge.dispute.created", dispute))[1]["result"] == "already recorded"
    assert len(rows(booking_id, "disputed")) == 1


def test_dispute_or_refund_naming_another_bookings_intent_goes_to_that_booking(
    stripe_api: Api, localstripe: LocalStripe
) -> None:
    """The booking is the one Stripe's own PaymentIntent names, whatever the body says."""
    booking_id, _ = pay(stripe_api, localstripe)
    pi = paid_intent(booking_id)
    dispute = {
        "id": "du_2Qtest",
        "object": "dispute",
        "amount": 6000,
        "currency": "eur",
        "payment_intent": pi,
        "reason": "general",
        "metadata": {"booking_id": "someoneelse"},
    }
    assert deliver(event("charge.dispute.created", dispute))[1]["result"] == "dispute recorded"
    assert rows(booking_id, "disputed") == [(6000, "du_2Qtest")]
