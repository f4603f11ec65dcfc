"""Amounts in keepslot.yaml become minor units with the currency's own decimals.

EUR has two, JPY none, KWD three (Babel's data): 1800 JPY is 1800 minor units, not
180000, and what a page shows is what the config says.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from babel.numbers import parse_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from keepslot.config.model import ConfigError
from keepslot.words import format_money
from tests.unit.factories import _CONFIG, config

EXPONENTS = {"EUR": 2, "JPY": 0, "KWD": 3}


def priced(currency: str, price: str, **deposit: object) -> dict[str, object]:
    service = dict(_CONFIG["services"][0], price=price, deposit=deposit or {"percent": 50})
    return {"business": dict(_CONFIG["business"], currency=currency), "services": [service]}


def shown(text: str) -> Decimal:
    """The number in a formatted amount ("¥1,800", "KWD 12.345")."""
    return parse_decimal(re.sub(r"[^\d.,]", "", text).strip(".,"), locale="en")


@pytest.mark.parametrize("currency", EXPONENTS)
@settings(max_examples=40, deadline=None)
@given(minor=st.integers(0, 10**9))
def test_an_amount_round_trips_through_the_config_and_the_page(currency: str, minor: int) -> None:
    places = EXPONENTS[currency]
    written = str(Decimal(minor).scaleb(-places))
    cfg = config(**priced(currency, written))
    assert cfg.minor(cfg.services[0].price) == minor
    assert cfg.price_of(cfg.services[0]).amount == minor
    assert shown(format_money(minor, currency, "en")) == Decimal(minor).scaleb(-places)


def test_a_yen_price_is_whole_yen() -> None:
    cfg = config(**priced("JPY", "1800"))
    assert cfg.price_of(cfg.services[0]).amount == 1800
    assert cfg.deposit_of(cfg.services[0]).amount == 900
    assert format_money(900, "JPY", "en") == "¥900"


def test_a_dinar_deposit_rounds_half_up_to_a_fils() -> None:
    cfg = config(**priced("KWD", "10.005"))
    assert cfg.price_of(cfg.services[0]).amount == 10005
    assert cfg.deposit_of(cfg.services[0]).amount == 5003  # 5002.5 fils, half up
    fixed = config(**priced("KWD", "10.005", amount="2.5"))
    assert fixed.deposit_of(fixed.services[0]).amount == 2500


def test_a_no_show_fee_in_yen_reaches_the_terms_whole() -> None:
    cfg = config(**priced("JPY", "1800"), policy={"no_show_fee": 500})
    assert cfg.terms().no_show_fee == 500


@pytest.mark.parametrize(
    ("currency", "price", "key"),
    [("JPY", "1800.50", "services[0].price"), ("EUR", "120.005", "services[0].price")],
)
def test_more_decimals_than_the_currency_has_names_the_key(
    currency: str, price: str, key: str
) -> None:
    with pytest.raises(ConfigError) as exc:
        config(**priced(currency, price))
    [line] = [ln for ln in str(exc.value).splitlines() if ln.startswith(f"{key}: ")]
    assert currency in line and price in line


def test_a_deposit_amount_with_too_many_decimals_names_its_key() -> None:
    with pytest.raises(ConfigError) as exc:
        config(**priced("JPY", "1800", amount="0.5"))
    assert "services[0].deposit.amount: " in str(exc.value)


@pytest.mark.parametrize("code", ["XYZ", "EURO", "eur"])
def test_an_unknown_currency_is_refused_by_name(code: str) -> None:
    with pytest.raises(ConfigError) as exc:
        config(**priced(code, "100"))
    assert "business.currency: " in str(exc.value)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e40"])
def test_an_amount_that_is_no_price_is_refused_by_name(value: str) -> None:
    with pytest.raises(ConfigError) as exc:
        config(**priced("EUR", value))
    assert "services[0].price: " in str(exc.value)
