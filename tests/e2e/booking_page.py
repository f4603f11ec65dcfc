"""Steps on the book page shared by the browser tests."""

from __future__ import annotations

from playwright.sync_api import Page, expect


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
    expect(page.get_by_test_id("result")).to_be_visible()
