"""The reliability story on the stack `make serve` runs, moved along with /_dev/clock:
two late cancels, full prepayment on the third booking, a waiver asked for and granted,
and the tier drops back."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.booking_page import confirm_from_email, submit_booking
from tests.e2e.mails import link, mail_to
from tests.support.stack import LocalStack

NAME = "Marco Story"
EMAIL = "marco.story@example.com"
FREELANCER = "giulia@giuliarossi.it"


def book_and_cancel_late(stack: LocalStack, days_ahead: int) -> str:
    """Book, pay the deposit, cancel 24 hours before; the booking's manage link."""
    first = stack.now().date() + timedelta(days=days_ahead)  # well outside the free window
    last = first + timedelta(days=10)
    start = stack.get(f"/api/slots?service=strategia&from={first}&to={last}").json()["slots"][0]
    booked = stack.post(
        "/api/bookings",
        json={
            "service": "strategia",
            "start": start["start"],
            "mode": "in_person",
            "name": NAME,
            "email": EMAIL,
            "policy_version": stack.get("/api/config").json()["policy_version"],
            "answers": {"business": "Una palestra", "goal": "Altro"},
        },
    )
    assert booked.status_code == 201, booked.text
    # The booking answer's link only looks: acting takes the link emailed to Marco.
    manage = link(mail_to(stack, EMAIL, "attende l'acconto"), "manage")
    assert manage.split("#")[1].startswith(booked.json()["booking"]["id"] + ".manage.")
    admin = link(mail_to(stack, FREELANCER, f"in attesa dell'acconto: {NAME}"), "admin")
    bearer = {"Authorization": f"Bearer {admin.split('#', 1)[1]}"}
    assert stack.post("/api/admin/confirm-deposit", json={}, headers=bearer).status_code == 200
    begins = datetime.fromisoformat(start["start"].replace("Z", "+00:00"))
    stack.move_to(begins - timedelta(hours=24))
    bearer = {"Authorization": f"Bearer {manage.split('#', 1)[1]}"}
    cancelled = stack.post("/api/manage/cancel", json={}, headers=bearer)
    assert cancelled.json()["outcome"]["reason"] == "late_cancel", cancelled.text
    return str(manage)


def book_on_page(page: Page, stack: LocalStack) -> None:
    # The page's calendar starts at the browser's today: give it the stack's moved clock.
    page.clock.set_system_time(stack.now())
    page.goto(stack.url + "/book/?service=strategia")
    page.get_by_test_id("mode-in_person").click()
    page.get_by_test_id("day").nth(3).click()
    page.get_by_test_id("slot").first.click()
    page.get_by_test_id("input-name").fill(NAME)
    page.get_by_test_id("input-email").fill(EMAIL)
    time.sleep(3)  # a faster submit is treated as a bot
    page.get_by_test_id("details-next").click()
    submit_booking(page, business="Una palestra", goal="Altro")


def test_two_late_cancels_prepayment_waiver_and_the_tier_drops(
    page: Page, offline_stack: LocalStack
) -> None:
    stack = offline_stack
    book_and_cancel_late(stack, days_ahead=5)
    second = book_and_cancel_late(stack, days_ahead=5)

    # Third booking, on the page: told politely, before paying, that the full price is due.
    book_on_page(page, stack)
    tier = page.get_by_test_id("tier")
    expect(tier).to_have_attribute("data-rule", "prepay")
    expect(tier).to_contain_text("intero")
    expect(page.get_by_test_id("result")).to_contain_text("120,00")

    # An emergency: Marco asks for a waiver on the second late cancel, from its page.
    page.goto(second)
    page.get_by_test_id("waiver-reason").fill("Mio figlio è stato male all'improvviso.")
    page.get_by_test_id("action-waiver").click()
    expect(page.get_by_test_id("waiver-sent")).to_be_visible()

    # The freelancer grants it from the emailed link: the deposit comes back as a credit.
    request = mail_to(stack, FREELANCER, f"Richiesta di eccezione: {NAME}")
    assert "Mio figlio è stato male" in request["text"]
    page.goto(link(request, "admin"))
    expect(page.get_by_test_id("client-strikes")).to_have_text("2")
    expect(page.get_by_test_id("client-tier")).to_be_visible()
    page.get_by_test_id("admin-action-waive").click()
    page.get_by_test_id("admin-confirm").click()
    page.reload()
    expect(page.get_by_test_id("client-strikes")).to_have_text("1")
    expect(page.get_by_test_id("client-tier")).to_have_count(0)

    # The tier has dropped: the next booking asks the usual deposit, which the credit pays
    # once Marco presses Confirm in his email (whoever typed his address could not).
    book_on_page(page, stack)
    expect(page.get_by_test_id("tier")).to_have_count(0)
    expect(page.get_by_test_id("result")).to_have_attribute("data-status", "held")
    confirm_from_email(page, stack, EMAIL)
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "confirmed")
    expect(page.get_by_test_id("booking-deposit")).to_have_attribute("data-deposit-status", "paid")
