"""New clients answer the intake questions; a client who has been here before is not asked."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.booking_page import confirm_from_email
from tests.e2e.mails import mail_to
from tests.support.stack import LocalStack

EMAIL = "chiara.intake@example.com"


def fill_details_and_submit(page: Page, stack: LocalStack) -> str:
    """Picks a free call on the fourth day shown, fills the details, accepts and submits."""
    page.goto(stack.url + "/book/?service=conoscitiva")
    page.get_by_test_id("mode-video").click()
    page.get_by_test_id("day").nth(3).click()
    slot = page.get_by_test_id("slot").first
    start = slot.get_attribute("data-start")
    assert start
    slot.click()
    page.get_by_test_id("input-name").fill("Chiara Galli")
    page.get_by_test_id("input-email").fill(EMAIL)
    # Nobody is asked before the server says this address is new.
    expect(page.get_by_test_id("intake")).to_be_hidden()
    time.sleep(3)  # people take a few seconds: a faster submit is treated as a bot
    page.get_by_test_id("details-next").click()
    page.get_by_test_id("policy-accept").check()
    page.get_by_test_id("book-submit").click()
    return start


def test_new_client_answers_the_intake_and_a_returning_client_is_not_asked(
    page: Page, offline_stack: LocalStack
) -> None:
    stack = offline_stack
    start = fill_details_and_submit(page, stack)

    # A first booking: the page goes back to the details and asks the questions.
    expect(page.get_by_test_id("intake")).to_be_visible()
    expect(page.get_by_test_id("intake-business")).to_be_focused()
    expect(page.locator("[role=status]").first).to_contain_text("prima volta")
    expect(page.get_by_test_id("result")).to_have_count(0)
    page.get_by_test_id("intake-business").fill("Una libreria indipendente")
    page.get_by_test_id("intake-goal").select_option("Revisione di materiali esistenti")
    page.get_by_test_id("details-next").click()
    expect(page.get_by_test_id("policy-accept")).to_be_checked()  # accepted once is enough
    page.get_by_test_id("book-submit").click()
    expect(page.get_by_test_id("result")).to_have_attribute("data-status", "held")
    confirm_from_email(page, stack, EMAIL)  # a free call is confirmed from the inbox
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "confirmed")

    # The answers reach the freelancer with the alert.
    alert = mail_to(stack, "giulia@giuliarossi.it", "Chiara Galli")
    assert "Una libreria indipendente" in alert["text"]
    assert "Revisione di materiali esistenti" in alert["text"]

    # The call takes place; two hours after its end the clock records it as completed.
    begins = datetime.fromisoformat(start.replace("Z", "+00:00"))
    stack.move_to(begins + timedelta(hours=3))

    # Back for a second meeting: no questions, straight to the result.
    fill_details_and_submit(page, stack)
    expect(page.get_by_test_id("result")).to_have_attribute("data-status", "held")
    expect(page.get_by_test_id("intake")).to_be_hidden()
    confirm_from_email(page, stack, EMAIL)
    alerts = [
        m
        for m in stack.outbox()
        if "giulia@giuliarossi.it" in m["to"] and "Chiara Galli" in m["subject"]
    ]
    assert len(alerts) == 2, [m["subject"] for m in alerts]
    assert "Una libreria indipendente" not in alerts[-1]["text"]
