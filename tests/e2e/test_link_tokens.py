"""An emailed link's token leaves the address bar once the page has read it: it is not
in the history, a shared screen or a copied address, and a reload still works."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.booking_page import book_by_api
from tests.e2e.mails import link
from tests.support.stack import LocalStack

EMAIL = "sara.token@example.com"


def _opens_then_hides_its_token(page: Page, stack: LocalStack, url: str, path: str) -> None:
    token = url.split("#", 1)[1]
    page.goto(url)
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "held")
    assert page.url == url.split("#", 1)[0]
    assert page.evaluate("location.hash") == ""
    assert token not in page.evaluate("location.href")
    assert page.url.startswith(f"{stack.url}/{path}/")

    page.reload()  # the tab still knows the token
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "held")

    page.goto(stack.url + "/")
    page.go_back()  # the history entry holds no token either
    assert token not in page.url
    expect(page.get_by_test_id("booking-status")).to_have_attribute("data-status", "held")


def test_manage_and_admin_pages_remove_the_token_from_the_address(
    page: Page, offline_stack: LocalStack
) -> None:
    stack = offline_stack
    book_by_api(stack, EMAIL, "Sara Conti", (14, 20), pick=0)
    mail = [m for m in stack.outbox() if EMAIL in str(m)]
    to_client = next(m for m in mail if any(EMAIL in t for t in m["to"]))
    alert = next(m for m in mail if any("giulia@giuliarossi.it" in t for t in m["to"]))
    _opens_then_hides_its_token(page, stack, link(to_client, "manage"), "manage")
    _opens_then_hides_its_token(page, stack, link(alert, "admin"), "admin")
