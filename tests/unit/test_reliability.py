"""Reliability: strikes from the history, the tier they reach, the waivers left."""

from __future__ import annotations

from datetime import timedelta

from keepslot.domain.money import Money
from keepslot.domain.reliability import (
    Kind,
    Rule,
    client_tier,
    deposit_for,
    strikes,
    tier_of,
    waivers_left,
)
from keepslot.service.ports.changes import ClientEvent
from tests.unit.factories import START, event

DAY = timedelta(days=1)
TIERS = [(2, "prepay"), (3, "approval")]


def test_late_reschedules_count_as_strikes_like_late_cancels() -> None:
    history = [
        event(Kind.LATE_CANCEL, START - 3 * DAY, "b1"),
        event(Kind.RESCHEDULE, START - 2 * DAY, "b2"),
        event(Kind.LATE_RESCHEDULE, START - 2 * DAY, "b2"),
        event(Kind.NO_SHOW, START - 1 * DAY, "b3"),
    ]
    assert strikes(history, START, 365) == 3


def test_a_booking_recorded_twice_is_one_strike() -> None:
    twice = [event(Kind.NO_SHOW, START - DAY, "b1"), event(Kind.NO_SHOW, START - DAY, "b1")]
    assert strikes(twice, START, 365) == 1


def test_events_after_now_do_not_count_yet() -> None:
    assert strikes([event(Kind.NO_SHOW, START + DAY, "b1")], START, 365) == 0


def test_a_waiver_forgives_only_its_own_booking() -> None:
    history = [
        event(Kind.LATE_CANCEL, START - 5 * DAY, "b1"),
        event(Kind.LATE_CANCEL, START - 4 * DAY, "b2"),
        event(Kind.WAIVER, START - 3 * DAY, "b1"),
    ]
    assert strikes(history, START, 365) == 1


def test_store_events_work_as_history() -> None:
    history = [
        ClientEvent("ada@example.com", "late_cancel", START - 5 * DAY, "b1"),
        ClientEvent("ada@example.com", "no_show", START - 4 * DAY, "b2"),
    ]
    assert client_tier(history, START, 365, TIERS).rule == "prepay"


def test_highest_reached_tier_is_named_and_lower_ones_still_apply() -> None:
    assert tier_of(0, TIERS).rule is None
    assert tier_of(1, TIERS).rules == frozenset()
    assert tier_of(2, TIERS).rule is Rule.PREPAY
    three = tier_of(3, TIERS)
    assert three.rule is Rule.APPROVAL
    assert three.rules == {Rule.PREPAY, Rule.APPROVAL}


def test_tier_order_in_the_config_does_not_matter() -> None:
    assert tier_of(5, list(reversed(TIERS))).rule is Rule.APPROVAL


def test_block_overrides_every_tier() -> None:
    tier = tier_of(3, TIERS, blocked=True)
    assert tier.blocked and tier.rule is Rule.BLOCKED
    assert client_tier([], START, 365, TIERS, blocked=True).rule is Rule.BLOCKED


def test_window_is_configurable() -> None:
    history = [event(Kind.NO_SHOW, START - 40 * DAY, "b1"), event(Kind.NO_SHOW, START - DAY, "b2")]
    assert strikes(history, START, 30) == 1
    assert client_tier(history, START, 60, TIERS).prepay


def test_deposit_without_prepay_is_the_service_deposit() -> None:
    price, deposit = Money(12000, "EUR"), Money(6000, "EUR")
    assert deposit_for(tier_of(0, TIERS), price, deposit) == deposit
    assert deposit_for(tier_of(2, TIERS), price, deposit) == price


def test_waivers_per_year_can_be_more_than_one_or_none() -> None:
    history = [event(Kind.WAIVER, START - 10 * DAY, "b1")]
    assert waivers_left(history, START, per_year=2) == 1
    assert waivers_left([], START, per_year=0) == 0


def test_a_waived_flag_uses_a_waiver_too() -> None:
    history = [event(Kind.NO_SHOW, START - 10 * DAY, "b1", waived=True)]
    assert waivers_left(history, START, per_year=1) == 0
