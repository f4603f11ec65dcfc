"""The no-show fee, on the fakes: charged once by the clock to the saved card, declined
kindly and never retried, given back by a waiver, asked for by hand when there is no card.

Stripe's own behaviour (saved card ids, failures on the wire, idempotency keys replayed)
stays in tests/integration/test_no_show_fee.py, against localstripe.
"""

from __future__ import annotations

from datetime import timedelta

from keepslot.service import admin, clients, manage
from keepslot.service.confirm import confirm
from tests.support.configs import STRIPE_TIERS
from tests.support.consistency import check_items
from tests.support.world import FRI, THU, World

CLIENT = "anna@example.com"
AFTER_GRACE = THU + timedelta(minutes=20)


def stripe_world() -> World:
    return World("stripe", policy=STRIPE_TIERS)  # a fee of 25.00


def offline_world() -> World:
    return World(policy={"no_show_fee": 20})


def absent(w: World, booking_id: str) -> None:
    w.at = AFTER_GRACE
    assert admin.no_show(w.ctx, booking_id, w.at).outcome.fee == w.config.terms().no_show_fee


def paid_and_absent(w: World) -> str:
    """The client pays the Thursday booking's deposit, then does not come."""
    booking_id = w.paid(CLIENT, THU)
    absent(w, booking_id)
    return booking_id


def fees(w: World) -> list[tuple[int, int]]:
    """The fee charges the card provider made: (amount, refunded)."""
    return [(c.amount, c.refunded) for c in w.gateway.charges.values() if c.kind == "no_show_fee"]


def consistent(w: World) -> None:
    assert check_items(w.store.items(), w.config.schedule()) == []


def test_no_show_charges_the_fee_once_on_the_clock_and_tells_the_client() -> None:
    w = stripe_world()
    booking_id = paid_and_absent(w)
    assert fees(w) == []  # the button never waits on the card provider
    assert "no_show_fee" in w.jobs(booking_id)
    w.tick()
    assert fees(w) == [(2500, 0)]
    assert w.ledger(booking_id) == {"paid": 6000, "forfeited": 6000, "fee_charged": 2500}
    [intent] = [i for i, c in w.gateway.charges.items() if c.kind == "no_show_fee"]
    assert w.booking(booking_id).payment_ref["fee_intent"] == intent
    [mail] = w.mail(CLIENT, "Non siamo riusciti")
    assert "penale di 25,00\xa0€ sulla carta salvata" in mail.text
    w.tick()
    w.tick()
    assert fees(w) == [(2500, 0)]  # no second charge, no second row
    assert w.ledger(booking_id)["fee_charged"] == 2500
    assert "no_show_fee" not in w.jobs(booking_id)
    consistent(w)


def test_a_declined_fee_is_recorded_and_the_freelancer_told_without_a_retry() -> None:
    w = stripe_world()
    booking_id = w.paid(CLIENT, THU)
    w.gateway.declining.add(booking_id)  # by the no-show, the card's bank refuses it
    absent(w, booking_id)
    w.tick()
    assert fees(w) == []
    assert w.ledger(booking_id)["fee_declined"] == 2500
    [told] = w.mail("giulia@", "Penale non addebitata")
    assert "25,00" in told.text and "messaggio gentile" in told.text and CLIENT in told.text
    w.tick()
    w.at += timedelta(days=1)
    w.tick()
    assert len(w.gateway.declined) == 1  # never tried again by itself
    assert len(w.mail("giulia@", "Penale non addebitata")) == 1
    consistent(w)


def test_a_waiver_after_the_fee_was_charged_refunds_it_and_the_deposit() -> None:
    w = stripe_world()
    booking_id = paid_and_absent(w)
    w.tick()
    clients.waive(w.ctx, booking_id, w.at, "refund")
    w.tick()
    assert fees(w) == [(2500, 2500)]
    deposits = [(c.amount, c.refunded) for c in w.gateway.charges.values() if c.kind == "deposit"]
    assert deposits == [(6000, 6000)]
    rows = w.ledger(booking_id)
    assert (rows["fee_refunded"], rows["refunded"]) == (2500, 6000)
    w.tick()
    assert len(w.gateway.refunds) == 2  # one refund of each
    [told] = w.mail(CLIENT, "Sulla tua richiesta")
    assert "Anche la penale di 25,00\xa0€ per la mancata presentazione è annullata" in told.text
    consistent(w)


def test_a_waiver_before_the_fee_job_ran_means_no_charge_at_all() -> None:
    w = stripe_world()
    booking_id = paid_and_absent(w)
    clients.waive(w.ctx, booking_id, w.at)  # the default: the deposit comes back as credit
    w.tick()
    w.tick()
    assert fees(w) == []
    rows = w.ledger(booking_id)
    assert rows["fee_waived"] == 2500 and "fee_charged" not in rows
    assert rows["credit_issued"] == 6000
    assert "no_show_fee" not in w.jobs(booking_id)
    consistent(w)


def test_offline_no_show_keeps_the_fee_due_and_charges_nothing() -> None:
    w = offline_world()
    booking_id = paid_and_absent(w)
    w.tick()
    w.tick()
    assert w.ledger(booking_id) == {"paid": 6000, "forfeited": 6000, "fee_due": 2000}
    assert "no_show_fee" not in w.jobs(booking_id)
    [mail] = w.mail(CLIENT, "Non siamo riusciti")
    assert "penale di 20,00\xa0€" in mail.text and "come saldarla" in mail.text
    assert "carta salvata" not in mail.text
    consistent(w)


def test_an_offline_waiver_forgives_the_fee_due() -> None:
    w = offline_world()
    booking_id = paid_and_absent(w)
    clients.waive(w.ctx, booking_id, w.at)
    w.tick()
    rows = w.ledger(booking_id)
    assert (rows["fee_due"], rows["fee_waived"]) == (2000, 2000) and "fee_charged" not in rows
    [told] = w.mail(CLIENT, "Sulla tua richiesta")
    assert "Anche la penale di 20,00\xa0€ per la mancata presentazione è annullata." in told.text
    consistent(w)


def test_a_booking_paid_by_credit_has_no_card_so_its_fee_stays_due() -> None:
    w = stripe_world()
    first = w.paid(CLIENT, FRI + timedelta(days=4))
    manage.cancel(w.ctx, first, w.at)  # days ahead: all of it as credit
    booking_id = w.book(CLIENT, THU)
    assert confirm(w.ctx, booking_id, w.at).deposit.from_credit == 6000  # no card at all
    absent(w, booking_id)
    w.tick()
    assert fees(w) == []
    assert w.ledger(booking_id)["fee_due"] == 2500
    assert "no_show_fee" not in w.jobs(booking_id)
    consistent(w)


def test_an_automatic_no_show_charges_the_fee_on_the_next_tick() -> None:
    w = World("stripe", policy={**STRIPE_TIERS, "no_show_auto_mark_hours": 2})
    booking_id = w.paid(CLIENT, THU)
    w.at = THU + timedelta(hours=2)
    w.tick()  # marks the no-show; its fee job is due from now
    assert w.booking(booking_id).status.value == "no_show"
    w.tick()
    assert fees(w) == [(2500, 0)]
    assert w.ledger(booking_id)["fee_charged"] == 2500
    consistent(w)
