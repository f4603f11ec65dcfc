"""Steps on the book page shared by the browser tests, and a booking made without it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from playwright.sync_api import Page, expect

from tests.support.stack import LocalStack


def submit_booking(
    page: Page, *, business: str = "Un panificio", goal: str = "Nuovo progetto"
) -> None:
    """Accepts the policy and books; a new client is then asked the intake, and answers."""
    page.get_by_test_id("policy-accept").check()
    page.get_by_test_id("book-submit").click()
    page.wait_for_selector("[data-testid=result], [data-testid=intake]:not([hidden])")
    if page.get_by_test_id("intake").is_visible():
        page.get_by_test_id("intake-business").fill(business)
        page.get_by_test_id("intake-goal").select_option(goal)
        page.get_by_test_id("details-next").click()
        page.get_by_test_id("book-submit").click()
    # moto's transactions copy the whole table: late in a run a booking takes seconds.
    expect(page.get_by_test_id("result")).to_be_visible(timeout=15_000)


def book_by_api(
    stack: LocalStack, email: str, name: str, days: tuple[int, int], pick: int = -1
) -> str:
    """A strategia booking by a new client, `days` from the stack's today (a range: the
    slot at index `pick`), made through the API; returns its start."""
    config = stack.get("/api/config").json()
    today = stack.now().date()
    slots: list[dict[str, Any]] = stack.get(
        f"/api/slots?service=strategia&from={today + timedelta(days=days[0])}"
        f"&to={today + timedelta(days=days[1])}"
    ).json()["slots"]
    start = str(slots[pick]["start"])
    booked = stack.post(
        "/api/bookings",
        json={
            "service": "strategia",
            "start": start,
            "mode": "in_person",
            "name": name,
            "email": email,
            "policy_version": config["policy_version"],
            "answers": {"business": "Ferramenta", "goal": "Altro"},
        },
    )
    assert booked.status_code == 201, booked.text
    return start


def confirm_from_email(page: Page, stack: LocalStack, email: str) -> None:
    """Opens the Confirm button of the newest email to `email` and presses Confirm."""
    links = [
        found[1]
        for m in stack.outbox()
        if any(email in to for to in m["to"])
        and (found := re.search(r"(https?://\S+/manage/\?do=confirm#[A-Za-z0-9_.-]+)", m["text"]))
    ]
    assert links, f"no email to {email} asks for a Confirm"
    page.goto(links[-1])
    page.get_by_test_id("action-confirm").click()
    expect(page.get_by_test_id("outcome")).to_be_visible()
