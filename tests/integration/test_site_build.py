"""`mkdocs build` turns a keepslot.yaml into a site whose policy page is what decide() does."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from keepslot.config.model import KeepslotConfig, load_config
from keepslot.domain.booking import (
    Booking,
    BookingStatus,
    Client,
    Deposit,
    DepositStatus,
    Mode,
)
from keepslot.domain.money import Money
from keepslot.domain.policy import Action, decide
from keepslot.domain.refill import refill
from keepslot.words import explain
from tests.support.configs import english, fixture_data, variant, write_config
from tests.support.site import mkdocs_build as build_site
from tests.support.words import ENGLISH, ITALIAN, catalogue_words, tokens, words_of

pytestmark = pytest.mark.slow

EXAMPLE_KINDS = {
    "early_cancel",
    "late_cancel",
    "early_reschedule",
    "late_reschedule",
    "mode_switch",
    "no_show",
    "waiver",
}


@dataclass
class Built:
    config: KeepslotConfig
    site: Path

    def html(self, page: str) -> str:
        return (self.site / page).read_text(encoding="utf-8")

    def article(self, page: str) -> Article:
        parser = Article()
        parser.feed(self.html(page))
        return parser


@dataclass
class Example:
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Article(HTMLParser):
    """The text of the page's <article>, and each worked example's attributes and text."""

    text: str = ""
    examples: list[Example] = field(default_factory=list)
    depth: int = 0  # inside <article>
    example_depth: int = 0  # inside the current worked example

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "article" or self.depth:
            self.depth += 1
        if tag == "div" and "worked-example" in values.get("class", "").split():
            self.examples.append(Example({k[5:]: v for k, v in values.items() if k[:5] == "data-"}))
            self.example_depth = 1
        elif self.example_depth:
            self.example_depth += 1

    def handle_endtag(self, tag: str) -> None:
        self.depth = max(0, self.depth - 1)
        self.example_depth = max(0, self.example_depth - 1)

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text += data
        if self.example_depth:
            self.examples[-1].text += data


def mkdocs_build(tmp: Path, raw: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    tmp.mkdir(parents=True, exist_ok=True)
    return build_site(write_config(tmp, "built", raw), tmp / "site")


def build(tmp: Path, raw: dict[str, Any]) -> Built:
    done = mkdocs_build(tmp, raw)
    assert done.returncode == 0, done.stderr
    return Built(load_config(tmp / "keepslot-built.yaml"), tmp / "site")


def tiered() -> dict[str, Any]:
    return variant(
        policy={
            "late_tiers": [
                {"under_hours": 48, "forfeit_percent": 50},
                {"under_hours": 24, "forfeit_percent": 100},
            ],
            "late_remainder": "refund",
            "no_show_fee": 25,
            "waiver_returns_as": "refund",
        }
    )


@pytest.fixture(scope="module")
def italian(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("it"), fixture_data())


@pytest.fixture(scope="module")
def english_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("en"), english())


def flat(text: str) -> str:
    """Whitespace (including Babel's no-break spaces) collapsed to single spaces."""
    return " ".join(text.split())


def rebuild_and_decide(config: KeepslotConfig, attrs: dict[str, str]) -> Any:
    """Rebuild the example's booking from its data attributes and ask decide() again."""
    service = config.service(attrs["service"])
    assert service is not None
    start = datetime.fromisoformat(attrs["start"])
    currency = config.business.currency
    booking = Booking(
        id="check",
        service=service.id,
        start=start,
        end=start + timedelta(minutes=service.minutes),
        mode=Mode(attrs["mode"]),
        client=Client("Check", "check@example.com"),
        status=BookingStatus(attrs["status"]),
        deposit=Deposit(
            Money(service.deposit_minor(currency), currency),
            DepositStatus(attrs["deposit-status"]),
            paid=int(attrs["paid"]),
            kept=int(attrs["kept"]),
        ),
        terms=config.terms(),
        created_at=start - timedelta(days=30),
        price=Money(0, currency),
    )
    at = datetime.fromisoformat(attrs["at"])
    if attrs["kind"] == "refill":  # another client's confirmed booking took this hour
        other = replace(booking, id="other", client=Client("Other", "other@example.com"))
        return refill(booking, replace(other, status=BookingStatus.CONFIRMED), at)
    return decide(booking, Action(attrs["action"]), at)


def assert_examples_match_decide(site: Built) -> None:
    examples = site.article("policy/index.html").examples
    kept = any(e.attrs["kind"] == "late_cancel" and e.attrs["forfeited"] != "0" for e in examples)
    refills = site.config.policy.refill_returns_percent > 0 and kept
    assert {e.attrs["kind"] for e in examples} == EXAMPLE_KINDS | ({"refill"} if refills else set())
    tz = site.config.business.timezone
    for ex in examples:
        a, outcome = ex.attrs, rebuild_and_decide(site.config, ex.attrs)
        assert a["fate"] == outcome.fate.value, a
        assert a["reason"] == outcome.reason.value, a
        assert int(a["forfeited"]) == outcome.forfeited, a
        assert int(a["returned"]) == (outcome.returned.amount if outcome.returned else 0), a
        assert a["returned-as"] == (outcome.returned.as_.value if outcome.returned else ""), a
        until = outcome.credit_until.isoformat() if outcome.credit_until else ""
        assert a["credit-until"] == until, a
        assert int(a["fee"]) == outcome.fee, a
        assert a["strike"] == str(outcome.strike).lower(), a
        words = explain(outcome, site.config.business.locale, tz)
        assert flat(words) in flat(ex.text), (words, ex.text)


def test_policy_page_states_the_configured_numbers(italian: Built) -> None:
    text = flat(italian.article("policy/index.html").text)
    assert "fino a 48 ore prima dell'inizio" in text
    assert "entro 3 giorni dall'inizio dell'appuntamento originale" in text
    assert "trascorsi 15 minuti dall'inizio" in text
    assert "Sessione di strategia (120,00 €): acconto di 60,00 €, il 50% del prezzo" in text
    assert "Chiamata conoscitiva: servizio gratuito, nessun acconto" in text
    assert "a meno di 48 ore dall'inizio: viene trattenuto l'intero acconto" in text
    assert "passare alla videochiamata o al telefono" in text
    assert "una volta all'anno" in text
    assert "degli ultimi 365 giorni" in text
    assert "per 730 giorni dopo il tuo ultimo appuntamento" in text
    assert "con 2 o più: l'acconto è pari al prezzo intero" in text
    assert "con 3 o più: le nuove prenotazioni richiedono la mia approvazione" in text
    assert "72 ore e 24 ore prima" in text and "Il primo arriva prima della scadenza" in text
    assert "riservato per 30 minuti in attesa del pagamento con carta" in text
    assert f"Versione di questa politica: {italian.config.policy_version}" in text


def test_worked_examples_are_what_decide_returns(italian: Built) -> None:
    assert_examples_match_decide(italian)


def test_worked_examples_sit_at_a_weekday_10_00_and_inside_each_window(italian: Built) -> None:
    examples = {e.attrs["kind"]: e.attrs for e in italian.article("policy/index.html").examples}
    start = datetime.fromisoformat(examples["early_cancel"]["start"])
    local = start.astimezone(ZoneInfo("Europe/Rome"))
    assert local.weekday() < 5 and (local.hour, local.minute) == (10, 0)
    before = {k: start - datetime.fromisoformat(a["at"]) for k, a in examples.items()}
    assert before["early_cancel"] == timedelta(hours=49)
    assert timedelta(0) < before["late_cancel"] < timedelta(hours=48)
    assert before["no_show"] == -timedelta(minutes=15)
    text = italian.article("policy/index.html").text
    assert "cancelli domenica 29 novembre 2026 alle 09:00, 49 ore prima" in flat(text)


def test_tiered_policy_gives_one_late_example_per_tier_matching_decide(tmp_path: Path) -> None:
    site = build(tmp_path, tiered())
    assert_examples_match_decide(site)
    article = site.article("policy/index.html")
    late = [e.attrs for e in article.examples if e.attrs["kind"] == "late_cancel"]
    assert [(a["forfeited"], a["returned"], a["returned-as"]) for a in late] == [
        ("3000", "3000", "refund"),
        ("6000", "0", ""),
    ]
    text = flat(article.text)
    assert "tra 48 ore e 24 ore prima dell'inizio: viene trattenuto il 50% dell'acconto" in text
    assert "La parte non trattenuta ti viene rimborsata." in text
    assert "penale di 25,00 € sulla carta salvata" in text


def test_a_no_show_fee_without_cards_is_not_promised_on_a_card(tmp_path: Path) -> None:
    site = build(tmp_path, variant(payments={"mode": "offline"}, policy={"no_show_fee": 25}))
    text = flat(site.article("policy/index.html").text)
    assert "È inoltre dovuta una penale di 25,00 €: ti scriverò per dirti come saldarla." in text
    assert "carta salvata" not in text


def test_home_page_presents_the_practice_and_links_to_book_and_policy(italian: Built) -> None:
    page = italian.html("index.html")
    text = flat(italian.article("index.html").text)
    assert "Studio Giulia Rossi" in text and "Consulente di comunicazione" in text
    assert "Durata: 1 ora" in text and "Prezzo: 120,00 €" in text
    assert "Acconto alla prenotazione: 60,00 € (50% del prezzo)" in text
    assert "Modalità: videochiamata, telefono e di persona" in text
    assert 'href="book/?service=strategia"' in page and 'href="policy/"' in page
    assert '<html lang="it"' in page and "<title>Studio Giulia Rossi</title>" in page


def test_italian_page_has_no_english_from_the_catalogue(italian: Built) -> None:
    english_only = catalogue_words("en") - catalogue_words("it")
    for page in ("index.html", "policy/index.html", "book/index.html"):
        text = italian.article(page).text
        assert not words_of(text) & english_only, page
        assert not tokens(text) & ENGLISH, (page, tokens(text) & ENGLISH)


def test_english_locale_gives_a_complete_english_site(english_site: Built) -> None:
    italian_only = catalogue_words("it") - catalogue_words("en")
    for page in ("index.html", "policy/index.html", "book/index.html", "manage/index.html"):
        assert '<html lang="en"' in english_site.html(page)
        text = english_site.article(page).text
        assert not words_of(text) & italian_only, (page, words_of(text) & italian_only)
        assert not tokens(text) & ITALIAN, (page, tokens(text) & ITALIAN)
    text = flat(english_site.article("policy/index.html").text)
    assert "up to 48 hours before the start" in text
    assert "within 3 days of the original appointment's start" in text
    assert "once 15 minutes have passed" in text
    assert "Strategy session (€120.00): a deposit of €60.00, 50% of the price" in text
    assert "Can you still make it?" in text
    assert_examples_match_decide(english_site)


def test_manage_and_admin_pages_exist_but_stay_out_of_the_nav(english_site: Built) -> None:
    home = english_site.html("index.html")
    assert 'href="book/"' in home
    assert 'href="manage/"' not in home and 'href="admin/"' not in home
    assert "<h1" in english_site.html("manage/index.html")
    assert "Your booking" in english_site.article("manage/index.html").text


def test_a_shorter_free_change_window_changes_the_page(tmp_path: Path, italian: Built) -> None:
    site = build(
        tmp_path,
        variant(
            policy={
                "free_change_hours": 24,
                "late_tiers": [{"under_hours": 24, "forfeit_percent": 100}],
            }
        ),
    )
    text = flat(site.article("policy/index.html").text)
    assert "fino a 24 ore prima dell'inizio" in text
    assert "48 ore" not in text
    assert site.config.policy_version != italian.config.policy_version
    assert site.config.policy_version in text
    early = next(
        e for e in site.article("policy/index.html").examples if e.attrs["kind"] == "early_cancel"
    )
    start, at = (datetime.fromisoformat(early.attrs[k]) for k in ("start", "at"))
    assert start - at == timedelta(hours=25)
    assert_examples_match_decide(site)


def test_a_broken_config_fails_the_build_naming_the_key(tmp_path: Path) -> None:
    done = mkdocs_build(tmp_path, variant(policy={"free_change_hours": -4}))
    assert done.returncode != 0
    assert "policy.free_change_hours" in done.stderr
    assert not (tmp_path / "site" / "policy" / "index.html").exists()


class VersionLine(HTMLParser):
    """The policy page's version paragraph: its text, and whether it holds inline code."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = 0
        self.text = ""
        self.code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.inside:
            self.inside += 1
            self.code = self.code or tag == "code"
        elif "policy-version" in (dict(attrs).get("class") or "").split():
            self.inside = 1

    def handle_endtag(self, tag: str) -> None:
        self.inside = max(0, self.inside - 1)

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.text += data


@pytest.mark.parametrize("locale", ["it", "en"])
def test_the_policy_version_ends_with_a_full_stop_right_after_it(
    locale: str, italian: Built, english_site: Built
) -> None:
    site = italian if locale == "it" else english_site
    line = VersionLine()
    line.feed(site.html("policy/index.html"))
    version = site.config.policy_version
    assert line.text.endswith(f": {version}.")
    # The theme pads inline code, which reads as a space before the full stop.
    assert not line.code


def test_the_admin_page_has_its_own_title(italian: Built, english_site: Built) -> None:
    for site, own in ((english_site, "admin"), (italian, "amministrazione")):
        admin, manage = (site.article(f"{p}/index.html").text.strip() for p in ("admin", "manage"))
        assert admin != manage
        assert own in admin.lower()
        assert f"<title>{admin} - " in site.html("admin/index.html")
