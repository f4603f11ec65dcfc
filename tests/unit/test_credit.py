"""Credits: usable until their deadline, applied soonest-to-lapse first, the rest kept."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from keepslot.domain.credit import Credit, apply_credits, expired, leftover, usable
from tests.unit.factories import START, credit

UNTIL = START + timedelta(days=3)
SECOND = timedelta(seconds=1)


def test_credit_is_usable_up_to_and_including_its_deadline() -> None:
    c = credit(until=UNTIL)
    assert usable(c, UNTIL)
    assert not usable(c, UNTIL + SECOND)


def test_credit_expires_only_once_its_deadline_has_passed() -> None:
    c = credit(until=UNTIL)
    assert not expired(c, UNTIL)
    assert expired(c, UNTIL + SECOND)


def test_soonest_to_lapse_credit_is_applied_first() -> None:
    later = credit(4000, UNTIL + timedelta(days=2), source="late")
    sooner = credit(4000, UNTIL, source="soon")
    used, remaining = apply_credits([later, sooner], 6000, START)
    assert used == [(sooner, 4000), (later, 2000)]
    assert remaining == 0


def test_credits_smaller_than_the_deposit_leave_the_rest_due() -> None:
    used, remaining = apply_credits([credit(2500)], 6000, START)
    assert [amount for _, amount in used] == [2500]
    assert remaining == 3500


def test_credit_bigger_than_the_deposit_leaves_a_smaller_credit_with_the_same_deadline() -> None:
    c = credit(9000, UNTIL)
    used, remaining = apply_credits([c], 6000, START)
    assert used == [(c, 6000)] and remaining == 0
    rest = leftover(c, 6000)
    assert rest == Credit(c.client, c.source_booking_id, 3000, c.currency, UNTIL)
    assert leftover(c, 9000) is None


def test_lapsed_credits_and_other_currencies_are_not_applied() -> None:
    lapsed = credit(6000, START - SECOND, source="old")
    dollars = credit(6000, UNTIL, source="usd", currency="USD")
    used, remaining = apply_credits([lapsed, dollars], 6000, START, currency="EUR")
    assert used == [] and remaining == 6000


def test_nothing_due_uses_no_credit() -> None:
    assert apply_credits([credit()], 0, START) == ([], 0)


@pytest.mark.parametrize(
    ("amount", "until"),
    [(0, UNTIL), (-1, UNTIL), (100, datetime(2026, 12, 4, 9, 0))],
)
def test_credit_must_be_positive_with_an_aware_deadline(amount: int, until: datetime) -> None:
    with pytest.raises(ValueError):
        Credit("ada@example.com", "b1", amount, "EUR", until)


def test_cannot_use_more_than_a_credit_holds() -> None:
    with pytest.raises(ValueError):
        leftover(credit(1000), 1001)
