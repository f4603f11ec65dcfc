"""axe-core finds no violation on any page of the site, in the state a person sees it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.mails import link
from tests.support.stack import LocalStack

EMAIL = "irene.a11y@example.com"


def violations(page: Page) -> list[str]:
    results: Any = Axe().run(page)
    found = results.response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in found
    ]


@pytest.fixture(scope="module")
def links(offline_stack: LocalStack) -> dict[str, str]:
    """A booking's client and freelancer links, as the emails carry them."""
    stack = offline_stack
    config = stack.get("/api/config").json()
    service = config["services"][0]
    today = stack.now().date()
    slots = stack.get(
        f"/api/slots?service={service['id']}&from={today + timedelta(days=6)}"
        f"&to={today + timedelta(days=13)}"
    ).json()["slots"]
    booked = stack.post(
        "/api/bookings",
        json={
            "service": service["id"],
            "start": slots[0]["start"],
            "mode": service["modes"][0],
            "name": "Irene Galli",
            "email": EMAIL,
            "policy_version": config["policy_version"],
            "answers": {"business": "Libreria", "goal": "Altro"},
        },
    )
    assert booked.status_code == 201, booked.text
    mails = stack.outbox()
    to_client = next(m for m in mails if EMAIL in m["to"])
    to_freelancer = next(m for m in mails if EMAIL not in m["to"] and "Irene Galli" in m["text"])
    return {"manage": link(to_client, "manage"), "admin": link(to_freelancer, "admin")}


@pytest.mark.parametrize("path", ["/", "/policy/"])
def test_reading_pages_have_no_violation(page: Page, offline_stack: LocalStack, path: str) -> None:
    page.goto(offline_stack.url + path)
    assert violations(page) == []


def test_booking_page_has_no_violation_at_each_step(page: Page, offline_stack: LocalStack) -> None:
    page.goto(offline_stack.url + "/book/")
    expect(page.get_by_test_id("service-strategia")).to_be_visible()
    assert violations(page) == []
    page.get_by_test_id("service-strategia").click()
    page.get_by_test_id("mode-in_person").click()
    expect(page.get_by_test_id("day").first).to_be_visible()
    assert violations(page) == []


@pytest.mark.parametrize("which", ["manage", "admin"])
def test_link_pages_have_no_violation(page: Page, links: dict[str, str], which: str) -> None:
    page.goto(links[which])
    expect(page.get_by_test_id(f"{which}-app").locator("h2").first).to_be_visible()
    assert violations(page) == []


def test_dashboard_has_no_violation_signed_out_or_in(page: Page, offline_stack: LocalStack) -> None:
    page.goto(offline_stack.url + "/dashboard/")
    expect(page.get_by_test_id("signin")).to_be_visible()
    assert violations(page) == []
    page.get_by_test_id("signin-email").fill("giulia@giuliarossi.it")
    page.get_by_test_id("signin-send").click()
    expect(page.get_by_test_id("signin-sent")).to_be_visible()
    mail = next(m for m in reversed(offline_stack.outbox()) if "/dashboard/#" in m["text"])
    page.goto(link(mail, "dashboard"))
    expect(page.get_by_test_id("chart-rates")).to_be_visible()
    assert violations(page) == []


def test_waitlist_page_has_no_violation(page: Page, offline_stack: LocalStack) -> None:
    page.goto(offline_stack.url + "/waitlist/")
    expect(page.get_by_test_id("waitlist-form")).to_be_visible()
    assert violations(page) == []
