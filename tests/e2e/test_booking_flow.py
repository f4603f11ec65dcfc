"""A client books and pays offline; the freelancer confirms; the client manages it."""

from __future__ import annotations

import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.e2e.booking_page import submit_booking
from tests.e2e.mails import link
from tests.support.stack import LocalStack

ROME = ZoneInfo("Europe/Rome")


def test_book_confirm_manage_switch_to_video_and_cancel(
    page: Page, offline_stack: LocalStack
) -> None:
    # The client books from the public page.
    page.goto(offline_stack.url + "/book/")
    page.get_by_test_id("service-strategia").click()
    page.get_by_test_id("mode-in_person").click()
    page.get_by_test_id("day").nth(3).click()
    slot = page.get_by_test_id("slot").first
    start = slot.get_attribute("data-start")
    slot.click()
    page.get_by_test_id("input-name").fill("Anna Bianchi")
    page.get_by_test_id("input-email").fill("anna.e2e@example.com")
    page.get_by_test_id("input-phone").fill("+39 333 000 2222")
    time.sleep(3)  # people take a few seconds: a faster submit is treated as a bot
    page.get_by_test_id("details-next").click()
    submit_booking(page)
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "held")
    expect(page.get_by_test_id("payment-instructions")).to_contain_text("IBAN")

    # Both emails are in the outbox when the request returns.
    mail = [m for m in offline_stack.outbox() if "anna.e2e@example.com" in str(m)]
    alert = next(m for m in mail if "giulia@giuliarossi.it" in m["to"])
    to_client = next(m for m in mail if "anna.e2e@example.com" in m["to"])
    assert "Anna Bianchi" in alert["text"] and "+39 333 000 2222" in alert["text"]

    # The freelancer confirms the deposit from the emailed admin link.
    page.goto(link(alert, "admin"))
    page.get_by_test_id("admin-action-confirm-deposit").click()
    confirm = page.get_by_test_id("admin-confirm")
    if confirm.count():
        confirm.click()
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "confirmed")

    # The client opens the manage link and sees what cancelling would do now.
    page.goto(link(to_client, "manage"))
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "confirmed")
    expect(page.get_by_test_id("preview-cancel")).to_contain_text("credito")

    # Switching to video is free and keeps the appointment.
    page.get_by_test_id("mode-video").click()
    expect(page.get_by_test_id("booking-mode")).to_contain_text(re.compile("[Vv]ideo"))
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "confirmed")

    # Cancelling early turns the deposit into a credit, shown before and after.
    page.get_by_test_id("action-cancel").click()
    page.get_by_test_id("cancel-confirm").click()
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "cancelled")
    expect(page.get_by_test_id("outcome-explanation")).to_contain_text("credito")
    # ...and the slot is offered again.
    assert start
    day = datetime.fromisoformat(start.replace("Z", "+00:00")).astimezone(ROME).date()
    free = offline_stack.get(f"/api/slots?service=strategia&from={day}&to={day}").json()
    assert start in [s["start"] for s in free["slots"]]
