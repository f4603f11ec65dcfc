"""The freelancer's no-show flow, from the emailed "has Anna arrived?" link."""

from __future__ import annotations

from datetime import datetime, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.booking_page import book_by_api
from tests.e2e.mails import link, mail_to
from tests.support.stack import LocalStack

EMAIL = "luca.noshow@example.com"


def test_no_show_from_the_emailed_check(page: Page, offline_stack: LocalStack) -> None:
    stack = offline_stack
    start = book_by_api(stack, EMAIL, "Luca Neri", (5, 12))
    alert = next(
        m for m in stack.outbox() if "giulia@giuliarossi.it" in m["to"] and "Luca Neri" in m["text"]
    )
    admin = link(alert, "admin").split("#", 1)[1]
    paid = stack.post(
        "/api/admin/confirm-deposit", json={}, headers={"Authorization": f"Bearer {admin}"}
    )
    assert paid.status_code == 200, paid.text

    # Fifteen minutes after the start the freelancer is asked whether Luca arrived.
    begins = datetime.fromisoformat(start.replace("Z", "+00:00"))
    stack.move_to(begins + timedelta(minutes=16))
    check = mail_to(stack, "giulia@giuliarossi.it", "Hai visto Luca?")

    # The freelancer opens the emailed link: nothing changes until a button is pressed.
    page.goto(link(check, "admin"))
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "confirmed")
    page.get_by_test_id("admin-action-no-show").click()
    page.get_by_test_id("admin-confirm").click()
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "no_show")

    # Luca hears at once, kindly, with a way to rebook and to ask for an exception.
    follow_up = mail_to(stack, EMAIL, "Non siamo riusciti a vederci")
    assert "/book/" in follow_up["text"] and "/manage/#" in follow_up["text"]
