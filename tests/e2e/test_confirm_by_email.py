"""A booking that pays nothing is confirmed from the client's inbox, in Italian and English.

The book page says plainly to check the inbox; the link it shows only looks; the emailed
Confirm button opens the manage page, which confirms on a press (never on load).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.booking_page import submit_booking
from tests.e2e.mails import mail_to
from tests.support.configs import english, write_config
from tests.support.stack import LocalStack

WORDS: dict[str, dict[str, Any]] = {
    "it": {
        "title": "Controlla la tua email",
        "inbox": "Apri adesso la tua casella di posta",
        "status": "In attesa della tua conferma",
        "subject": "Conferma la tua prenotazione",
        "view_only": "serve solo a vedere la prenotazione",
        "done": "la prenotazione è confermata",
        "footer": "Il link mostrato sulla pagina di prenotazione serve solo a vedere",
        "paid_inbox": "Controlla anche la tua casella",
    },
    "en": {
        "title": "Check your inbox",
        "inbox": "Open your inbox now",
        "status": "Awaiting your confirmation",
        "subject": "Please confirm your booking",
        "view_only": "can only show the booking",
        "done": "your booking is confirmed",
        "footer": "The link shown on the booking page can only show the booking",
        "paid_inbox": "Check your inbox too",
    },
}


@pytest.fixture(scope="module")
def english_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """The stack with an English site and config, deposits by bank transfer."""
    tmp = tmp_path_factory.mktemp("english-stack")
    raw = english()
    raw["payments"] = {**raw["payments"], "mode": "offline"}
    with LocalStack(config=write_config(tmp, "english", raw)) as stack:
        yield stack


@pytest.fixture(params=["it", "en"])
def site(request: pytest.FixtureRequest) -> tuple[str, LocalStack]:
    """(locale, the stack serving a site in that locale)."""
    name = "offline_stack" if request.param == "it" else "english_stack"
    return request.param, request.getfixturevalue(name)


def book_on_page(page: Page, stack: LocalStack, service: str, email: str, day: int) -> None:
    page.goto(f"{stack.url}/book/?service={service}")
    page.get_by_test_id("mode-video").click()
    page.get_by_test_id("day").nth(day).click()
    page.get_by_test_id("slot").first.click()
    page.get_by_test_id("input-name").fill("Sara Neri")
    page.get_by_test_id("input-email").fill(email)
    time.sleep(3)  # a faster submit is treated as a bot
    page.get_by_test_id("details-next").click()
    submit_booking(page)


def test_a_free_booking_tells_the_client_to_check_the_inbox_and_confirms_there(
    page: Page, site: tuple[str, LocalStack]
) -> None:
    locale, stack = site
    words = WORDS[locale]
    email = f"sara.{locale}@example.com"
    book_on_page(page, stack, "conoscitiva", email, day=4)

    # The page says plainly where the booking is confirmed, and names the address.
    expect(page.get_by_role("heading", name=words["title"])).to_be_visible()
    inbox = page.get_by_test_id("check-inbox")
    expect(inbox).to_contain_text(words["inbox"])
    expect(inbox).to_contain_text(email)
    expect(page.get_by_test_id("booking-status")).to_have_text(words["status"])
    expect(page.get_by_test_id("view-only-note")).to_be_visible()

    # The link on the page only looks: no Confirm, no cancel, and it says why.
    page.get_by_test_id("manage-link").click()
    expect(page.get_by_test_id("view-only")).to_be_visible()
    expect(page.get_by_test_id("action-confirm")).to_have_count(0)
    expect(page.get_by_test_id("action-cancel")).to_have_count(0)

    # The email's Confirm button opens the page; nothing happens until the press.
    mail = mail_to(stack, email, words["subject"])
    assert words["footer"] in mail["text"]
    found = re.search(r"(https?://\S+/manage/\?do=confirm#[A-Za-z0-9_.-]+)", mail["text"])
    assert found, mail["text"]
    page.goto(found[1])
    button = page.get_by_test_id("action-confirm")
    expect(button).to_be_focused()
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "held")
    page.reload()  # a mail scanner opening the link twice still confirms nothing
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "held")
    page.get_by_test_id("action-confirm").click()
    expect(page.get_by_test_id("outcome")).to_contain_text(words["done"])
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "confirmed")
    expect(page.get_by_test_id("action-confirm")).to_have_count(0)


def test_a_paid_booking_offers_the_payment_and_points_to_the_inbox(
    page: Page, site: tuple[str, LocalStack]
) -> None:
    locale, stack = site
    email = f"piero.{locale}@example.com"
    book_on_page(page, stack, "strategia", email, day=5)
    inbox = page.get_by_test_id("check-inbox")
    expect(inbox).to_contain_text(WORDS[locale]["paid_inbox"])
    expect(inbox).to_contain_text(email)
    expect(page.get_by_test_id("payment-instructions")).to_be_visible()
