"""The book and manage pages in real Chromium against the local stack in stripe mode:
pay with the test card through localstripe's Stripe.js, see the booking confirmed,
cancel early and see the credit, book again and pay nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.booking_page import confirm_from_email, submit_booking
from tests.e2e.mails import link, mail_to
from tests.support.configs import stripe_with_tiers
from tests.support.stack import LocalStack


@pytest.fixture(scope="module")
def stripe_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with LocalStack(config=stripe_with_tiers(tmp_path_factory.mktemp("stripe-page"))) as stack:
        yield stack


def book(page: Page, stack: LocalStack, email: str = "anna.card@example.com") -> None:
    page.goto(stack.url + "/book/")
    page.get_by_test_id("service-strategia").click()
    page.get_by_test_id("mode-in_person").click()
    page.get_by_test_id("day").nth(3).click()
    page.get_by_test_id("slot").first.click()
    page.get_by_test_id("input-name").fill("Anna Bianchi")
    page.get_by_test_id("input-email").fill(email)
    page.get_by_test_id("input-phone").fill("+39 333 000 3333")
    time.sleep(3)  # a faster submit is treated as a bot
    page.get_by_test_id("details-next").click()
    submit_booking(page)  # asked the intake while Anna has no completed booking


def pay_with(page: Page, number: str) -> None:
    page.get_by_placeholder("number").fill(number)
    page.get_by_placeholder("exp_month").fill("12")
    page.get_by_placeholder("exp_year").fill("31")
    page.get_by_placeholder("cvc").fill("123")
    page.get_by_placeholder("postal_code").fill("40121")
    page.get_by_test_id("pay-submit").click()


def test_pay_with_the_test_card_cancel_early_and_rebook_for_free(
    page: Page, stripe_stack: LocalStack
) -> None:
    book(page, stripe_stack)
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "held")
    expect(page.get_by_test_id("pay-submit")).to_be_enabled()  # localstripe's Stripe.js loaded
    pay_with(page, "4242424242424242")
    expect(page.get_by_test_id("payment-done")).to_be_visible()
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "confirmed")

    # The page's link shows the booking; the one that can cancel came by email.
    manage = page.get_by_test_id("manage-link").get_attribute("href")
    assert manage
    page.goto(manage)
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "confirmed")
    expect(page.get_by_test_id("action-cancel")).to_have_count(0)
    page.goto(link(mail_to(stripe_stack, "anna.card@example.com", "Acconto ricevuto"), "manage"))
    expect(page.get_by_test_id("preview-cancel")).to_contain_text("credito")
    page.get_by_test_id("action-cancel").click()
    page.get_by_test_id("cancel-confirm").click()
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "cancelled")
    expect(page.get_by_test_id("outcome-explanation")).to_contain_text("credito")

    # The next booking is answered as anyone's; Confirm in the email spends the credit.
    book(page, stripe_stack)
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "held")
    confirm_from_email(page, stripe_stack, "anna.card@example.com")
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "confirmed")
    expect(page.get_by_test_id("pay-submit")).to_have_count(0)


def test_a_card_declined_at_charge_then_another_card_confirms(
    page: Page, stripe_stack: LocalStack
) -> None:
    book(page, stripe_stack, email="marta.card@example.com")
    expect(page.get_by_test_id("pay-submit")).to_be_enabled()
    pay_with(page, "4000000000000341")  # saved fine, refused when the deposit is charged
    expect(page.get_by_role("alert")).to_contain_text("rifiutata")
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "held")
    pay_with(page, "4242424242424242")
    expect(page.get_by_test_id("payment-done")).to_be_visible()
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "confirmed")
