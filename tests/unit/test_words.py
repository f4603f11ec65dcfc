"""Client-facing words: explanations of outcomes, money and dates in each locale."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from keepslot.domain.booking import (
    Booking,
    BookingStatus,
    Client,
    Deposit,
    DepositStatus,
    Mode,
)
from keepslot.domain.money import Money
from keepslot.domain.policy import Action, Fate, Give, Outcome, Reason, decide
from keepslot.domain.terms import LateTier, Returned, Terms
from keepslot.words import LOCALES, explain, format_money, format_span, format_when
from tests.support.words import FOREIGN, catalogue_words, tokens, words_of

ROME = "Europe/Rome"
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Rome


def only_in(locale: str, other: str) -> set[str]:
    """Words (4+ letters) that `locale`'s catalogue uses and `other`'s never does."""
    return catalogue_words(locale) - catalogue_words(other)


def every_outcome() -> list[Outcome]:
    returns = [
        None,
        Give(Returned.CREDIT, 3000),
        Give(Returned.REFUND, 3000),
        Give(Returned.REFUND, 3000, credit=1000),
    ]
    untils = [None, START + timedelta(days=3)]
    return [
        Outcome(
            fate=fate,
            amount=6000,
            currency="EUR",
            reason=reason,
            forfeited=forfeited,
            returned=back,
            credit_until=until,
            fee=fee,
            strike=strike,
        )
        for fate, reason, back, until, (forfeited, fee, strike) in product(
            Fate, Reason, returns, untils, [(0, 0, False), (3000, 0, True), (6000, 2000, True)]
        )
    ] + [Outcome(fate, 0, "EUR", reason) for fate, reason in product(Fate, Reason)]


def booking(paid: int = 6000, terms: Terms | None = None) -> Booking:
    return Booking(
        id="b1",
        service="strategia",
        start=START,
        end=START + timedelta(hours=1),
        mode=Mode.IN_PERSON,
        client=Client("Ada", "ada@example.com"),
        status=BookingStatus.CONFIRMED,
        deposit=Deposit(Money(6000, "EUR"), DepositStatus.PAID, paid=paid),
        terms=terms or Terms(),
        created_at=START - timedelta(days=10),
        price=Money(12000, "EUR"),
    )


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    it, en = LOCALES["it"], LOCALES["en"]
    assert it.keys() == en.keys()
    for key in it:
        fields = {f for _, f, _, _ in string.Formatter().parse(it[key]) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(en[key]) if f}, key


@pytest.mark.parametrize("locale", ["it", "en"])
def test_explain_renders_every_fate_and_reason(locale: str) -> None:
    for outcome in every_outcome():
        text = explain(outcome, locale, ROME)
        assert text.endswith("."), (outcome, text)
        assert "{" not in text and "}" not in text, text
        assert "  " not in text, text


def test_every_reason_has_its_own_sentence_in_both_locales() -> None:
    for locale in LOCALES:
        texts = {explain(Outcome(Fate.NONE, 0, "EUR", r), locale, ROME) for r in Reason}
        assert len(texts) == len(Reason), locale


@pytest.mark.parametrize(("locale", "other"), [("it", "en"), ("en", "it")])
def test_explanations_contain_no_words_from_the_other_locale(locale: str, other: str) -> None:
    foreign = only_in(other, locale)
    assert {"deposit", "credit", "appointment"} <= only_in("en", "it")  # the check has teeth
    for outcome in every_outcome():
        leaked = words_of(explain(outcome, locale, ROME)) & foreign
        assert not leaked, (outcome, leaked)


@pytest.mark.parametrize("locale", ["it", "en"])
def test_no_catalogue_string_uses_common_words_of_the_other_language(locale: str) -> None:
    for key, value in LOCALES[locale].items():
        if key[:4] != "fmt.":
            text = re.sub(r"\{[^}]*\}", " ", value)
            assert not tokens(text) & FOREIGN[locale], (key, tokens(text) & FOREIGN[locale])
    for outcome in every_outcome():
        assert not tokens(explain(outcome, locale, ROME)) & FOREIGN[locale], outcome


def test_unknown_locale_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported locale"):
        explain(Outcome(Fate.NONE, 0, "EUR", Reason.MODE_SWITCH_FREE), "fr", ROME)


def test_money_turns_minor_units_into_the_locale_format() -> None:
    assert format_money(6000, "EUR", "it") == "60,00\xa0€"
    assert format_money(6050, "EUR", "en") == "€60.50"
    assert format_money(123456, "EUR", "it") == "1.234,56\xa0€"
    assert format_money(500, "JPY", "en") == "¥500"  # no minor unit


def test_dates_are_shown_in_the_given_time_zone_across_daylight_saving() -> None:
    assert format_when(START, "it", ROME) == "martedì 1 dicembre 2026 alle 10:00"
    assert format_when(START, "en", ROME) == "Tuesday 1 December 2026 at 10:00"
    summer = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert format_when(summer, "it", ROME) == "mercoledì 1 luglio 2026 alle 10:00"
    assert format_when(START, "en", "America/New_York") == "Tuesday 1 December 2026 at 04:00"
    with pytest.raises(ValueError, match="aware"):
        format_when(datetime(2026, 12, 1, 9), "it", ROME)


def test_spans_use_the_plural_forms_of_each_locale() -> None:
    assert format_span(48 * 60, "it") == "48 ore"
    assert format_span(60, "it") == "1 ora"
    assert format_span(90, "it") == "1 ora e 30 minuti"
    assert format_span(1, "en") == "1 minute"
    assert format_span(15, "en") == "15 minutes"


def test_early_cancel_explains_the_credit_and_its_deadline_in_the_client_zone() -> None:
    outcome = decide(booking(), Action.CANCEL, START - timedelta(hours=49))
    text = explain(outcome, "it", ROME)
    assert "60,00\xa0€ ti torna come credito" in text
    assert "venerdì 4 dicembre 2026 alle 10:00" in text
    assert "scegli un nuovo orario" in text  # always invite to rebook
    assert "Friday 4 December 2026 at 04:00" in explain(outcome, "en", "America/New_York")


def test_late_cancel_in_a_tier_states_what_is_kept_and_what_comes_back() -> None:
    tiers = (LateTier(48, 50), LateTier(24, 100))
    outcome = decide(
        booking(terms=Terms(late_tiers=tiers)), Action.CANCEL, START - timedelta(hours=36)
    )
    text = explain(outcome, "en", ROME)
    assert "This is a late cancellation." in text
    assert "Of your deposit of €60.00, €30.00 is kept." in text
    assert "The rest, €30.00, comes back to you as a credit" in text
    assert "emergency" in text


def test_no_show_fee_is_stated_on_top_of_the_deposit() -> None:
    terms = Terms(no_show_fee=2500)
    outcome = decide(booking(terms=terms), Action.NO_SHOW, START + timedelta(minutes=15))
    text = explain(outcome, "it", ROME)
    assert "L'acconto di 60,00\xa0€ viene trattenuto per intero." in text
    assert "penale di 25,00\xa0€" in text


def test_mode_switch_is_never_described_as_a_cancellation_with_a_cost() -> None:
    outcome = decide(booking(), Action.MODE_SWITCH, START - timedelta(hours=1))
    text = explain(outcome, "it", ROME)
    assert "sempre gratuito" in text
    assert "trattenut" not in text
