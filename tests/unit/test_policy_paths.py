"""Every path of the cancellation policy, through the use cases on the fakes, in both
payment modes: what the committed change writes in the ledger, whether it counts as a
strike, and (by card) what the card provider gives back once the clock has run.

The policy: free changes until 48 hours before; from 48 hours half the deposit is kept,
from 24 hours all of it; the rest comes back to the card (or as a refund owed, offline);
an early cancel gives a credit; a no-show costs a fee of 25.00 on top.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from keepslot.domain.booking import BookingStatus, Mode
from keepslot.domain.reliability import strikes
from keepslot.service import admin, manage
from tests.support.configs import STRIPE_TIERS
from tests.support.consistency import check_items
from tests.support.world import FRI, MON, THU, World

CLIENT = "anna@example.com"
MODES = ["offline", "stripe"]


def world(mode: str, **policy: object) -> World:
    return World(mode, policy={**STRIPE_TIERS, **policy})


def paid(mode: str, **policy: object) -> tuple[World, str]:
    """A world under the policy, and Anna's Thursday booking with its deposit paid."""
    w = world(mode, **policy)
    return w, w.paid(CLIENT, THU)


def at_hours_before(w: World, hours: float, start: datetime = THU) -> None:
    w.at = start - timedelta(hours=hours)


def settled(w: World) -> None:
    """The clock has made what was decided (refunds, fees) and the table adds up."""
    w.tick()
    assert check_items(w.store.items(), w.config.schedule()) == []


def refunded(w: World) -> int:
    return sum(c.refunded for c in w.gateway.charges.values())


def strike_count(w: World) -> int:
    return strikes(w.snapshot(CLIENT).events, w.at, 365)


@pytest.mark.parametrize("mode", MODES)
def test_an_early_cancel_gives_the_deposit_back_as_credit(mode: str) -> None:
    w, b = paid(mode)
    at_hours_before(w, 60)
    manage.cancel(w.ctx, b, w.at)
    assert w.ledger(b) == {"paid": 6000, "credit_issued": 6000}
    assert [c.amount for c in w.snapshot(CLIENT).credits] == [6000]
    assert strike_count(w) == 0
    settled(w)
    assert refunded(w) == 0


@pytest.mark.parametrize("mode", MODES)
def test_an_early_cancel_under_a_refund_policy_gives_it_back_to_the_card(mode: str) -> None:
    w, b = paid(mode, early_cancel="refund")
    at_hours_before(w, 60)
    manage.cancel(w.ctx, b, w.at)
    settled(w)
    rows = w.ledger(b)
    assert rows["refund_due"] == 6000 and w.snapshot(CLIENT).credits == []
    assert refunded(w) == (6000 if mode == "stripe" else 0)
    assert rows["refunded"] == (6000 if mode == "stripe" else 0)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("hours", "kept"), [(36, 3000), (12, 6000)])
def test_a_late_cancel_keeps_the_tier_s_share_and_counts_a_strike(
    mode: str, hours: int, kept: int
) -> None:
    w, b = paid(mode)
    at_hours_before(w, hours)
    changed = manage.cancel(w.ctx, b, w.at)
    assert (changed.outcome.forfeited, changed.outcome.strike) == (kept, True)
    settled(w)
    rows = w.ledger(b)
    assert rows["forfeited"] == kept
    assert rows["refund_due"] == 6000 - kept
    assert refunded(w) == (6000 - kept if mode == "stripe" else 0)
    assert strike_count(w) == 1


def moved(mode: str, hours: int, to: datetime) -> tuple[World, str, manage.ActionResult]:
    """Anna's paid Thursday booking, moved to `to` this many hours before it."""
    w, b = paid(mode)
    at_hours_before(w, hours)
    changed = manage.reschedule(w.ctx, b, w.at, to)
    assert changed.new_booking is not None
    return w, b, changed


@pytest.mark.parametrize("mode", MODES)
def test_an_early_reschedule_carries_the_deposit_to_the_new_time(mode: str) -> None:
    w, b, changed = moved(mode, 60, FRI)
    assert changed.new_booking is not None
    new = w.booking(changed.new_booking.id)
    assert (new.status, new.start, new.deposit.paid) == (BookingStatus.CONFIRMED, FRI, 6000)
    assert w.booking(b).status is BookingStatus.RESCHEDULED
    assert w.ledger(b)["forfeited"] == 0 and strike_count(w) == 0
    assert w.book("bea@example.com", THU)  # the old time is free again
    settled(w)
    assert refunded(w) == 0


@pytest.mark.parametrize("mode", MODES)
def test_a_late_reschedule_keeps_the_tier_s_share_and_counts_a_strike(mode: str) -> None:
    w, b, changed = moved(mode, 36, MON)
    assert changed.new_booking is not None and changed.outcome.strike
    assert w.ledger(b)["forfeited"] == 3000
    assert changed.new_booking.start == MON
    settled(w)
    assert strike_count(w) == 1
    assert [e.kind for e in w.snapshot(CLIENT).events].count("late_reschedule") == 1


@pytest.mark.parametrize("mode", MODES)
def test_a_mode_switch_moves_no_money_even_late(mode: str) -> None:
    w, b = paid(mode)
    before = w.ledger(b)
    at_hours_before(w, 3)
    changed = manage.switch_mode(w.ctx, b, w.at, Mode.VIDEO)
    assert changed.booking.mode is Mode.VIDEO and changed.outcome.forfeited == 0
    assert [m.template for m in w.last_change.outbox][:1] == ["client/mode_changed"]
    assert w.ledger(b) == before and strike_count(w) == 0
    settled(w)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fee", [0, 25])
def test_a_no_show_keeps_the_deposit_and_the_fee_when_there_is_one(mode: str, fee: int) -> None:
    w, b = paid(mode, no_show_fee=fee)
    w.at = THU + timedelta(minutes=20)
    assert admin.no_show(w.ctx, b, w.at).outcome.fee == fee * 100
    settled(w)
    rows = w.ledger(b)
    assert rows["forfeited"] == 6000 and strike_count(w) == 1
    fee_kind = "fee_charged" if mode == "stripe" else "fee_due"
    assert rows[fee_kind] == fee * 100
    assert sum(1 for c in w.gateway.charges.values() if c.kind == "no_show_fee") == (
        1 if fee and mode == "stripe" else 0
    )


@pytest.mark.parametrize("mode", MODES)
def test_a_hold_not_paid_in_time_expires_and_frees_the_time(mode: str) -> None:
    w = world(mode)
    b = w.book(CLIENT, THU)
    hold_until = w.booking(b).hold_until
    assert hold_until is not None
    w.at = hold_until - timedelta(minutes=1)
    settled(w)
    assert w.booking(b).status is BookingStatus.HELD
    w.at = hold_until + timedelta(minutes=1)
    settled(w)
    assert w.booking(b).status is BookingStatus.EXPIRED
    assert w.snapshot(CLIENT).holds == [] and strike_count(w) == 0
    assert w.book("bea@example.com", THU)


@pytest.mark.parametrize("mode", MODES)
def test_a_freelancer_cancel_gives_everything_back_without_a_strike(mode: str) -> None:
    w, b = paid(mode)
    at_hours_before(w, 2)
    admin.freelancer_cancel(w.ctx, b, w.at)
    settled(w)
    rows = w.ledger(b)
    assert rows["forfeited"] == 0 and strike_count(w) == 0
    assert rows["refund_due"] + rows["credit_issued"] == 6000
    assert refunded(w) == (rows["refund_due"] if mode == "stripe" else 0)
