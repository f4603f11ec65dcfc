"""The freed hour is filled: a client waits for a day, another's paid booking that day is
cancelled late, the clock moves, the waiting client books the offered time from the
email's link and pays, and the client who cancelled gets half the deposit back as credit.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.booking_page import submit_booking
from tests.e2e.mails import link, mail_to
from tests.e2e.test_stripe_payment import pay_with
from tests.support.configs import with_payments
from tests.support.stack import LocalStack

ROME = ZoneInfo("Europe/Rome")
ANNA, CARLA = "anna.late@example.com", "carla.waits@example.com"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with LocalStack(config=with_payments("stripe", tmp_path_factory.mktemp("refill"))) as s:
        yield s


def test_a_waitlisted_client_fills_a_late_cancelled_hour_and_the_canceller_gets_half_back(
    page: Page, stack: LocalStack
) -> None:
    start = stack.first_slot("strategia", days_ahead=4)
    day = datetime.fromisoformat(start.replace("Z", "+00:00")).astimezone(ROME).date()

    # Carla asks to hear when a time frees up that day (the waitlist page).
    page.goto(stack.url + "/book/")
    page.get_by_test_id("waitlist-link").click()
    page.get_by_test_id("waitlist-service").select_option("strategia")
    page.get_by_test_id("waitlist-from").fill(day.isoformat())
    page.get_by_test_id("waitlist-to").fill(day.isoformat())
    page.get_by_test_id("waitlist-name").fill("Carla Verdi")
    page.get_by_test_id("waitlist-email").fill(CARLA)
    page.get_by_test_id("waitlist-accept").check()
    page.get_by_test_id("waitlist-submit").click()
    expect(page.get_by_test_id("waitlist-done")).to_be_visible()
    assert "/waitlist/#" in link(mail_to(stack, CARLA, "lista d'attesa"), "waitlist")

    # Anna books that time and pays her 60,00 € deposit with the test card.
    answers = {"business": "Ferramenta", "goal": "Altro"}
    booked = stack.book(
        "strategia", start, mode="in_person", name="Anna Bianchi", email=ANNA, answers=answers
    )
    assert booked.status_code == 201, booked.text
    page.goto(booked.json()["manage_url"])
    expect(page.get_by_test_id("pay-submit")).to_be_enabled()
    pay_with(page, "4242424242424242")
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "confirmed")

    # A day and a bit before, Anna cancels: late, the deposit is kept.
    stack.move_to(datetime.fromisoformat(start.replace("Z", "+00:00")) - timedelta(hours=30))
    page.goto(link(mail_to(stack, ANNA, "Acconto ricevuto"), "manage"))
    expect(page.get_by_test_id("preview-cancel")).to_contain_text("ti torna 30,00")
    page.get_by_test_id("action-cancel").click()
    page.get_by_test_id("cancel-confirm").click()
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "cancelled")

    # The clock moves: Carla has the offer, and it opens the book page on that time.
    stack.advance(1)
    offer = mail_to(stack, CARLA, "Si è liberato un orario")
    assert "Anna" not in offer["text"]
    found = re.search(r"(https?://\S+/book/#offer=[A-Za-z0-9_.-]+)", offer["text"])
    assert found, offer["text"]
    page.goto(found.group(1))
    expect(page.get_by_test_id("offer-status")).to_have_attribute("data-free", "true")
    page.get_by_test_id("mode-in_person").click()
    page.get_by_test_id("input-name").fill("Carla Verdi")
    page.get_by_test_id("input-email").fill(CARLA)
    page.get_by_test_id("input-phone").fill("+39 333 000 4444")
    time.sleep(3)  # a faster submit is treated as a bot
    page.get_by_test_id("details-next").click()
    submit_booking(page)
    expect(page.get_by_test_id("pay-submit")).to_be_enabled()
    pay_with(page, "4242424242424242")
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "confirmed")

    # The clock moves again: Anna hears that half her deposit comes back as credit.
    stack.advance(1)
    refill = mail_to(stack, ANNA, "ti torna 30,00")
    assert "metà dell'acconto" in refill["text"] and "credito" in refill["text"]
