"""What a client's first visit costs the API: on Lambda each request that finds no warm
instance waits for a cold start, so the pages ask as little as they can, as late as
they can, and the reading pages wake the API before the booking page needs it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.stack import LocalStack


def api_requests(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if "/api/" in r.url else None)
    return seen


def test_home_and_policy_pages_wake_the_api_once_while_the_client_reads(
    page: Page, offline_stack: LocalStack
) -> None:
    seen = api_requests(page)
    with page.expect_request("**/api/config"):
        page.goto(offline_stack.url + "/")
    page.goto(offline_stack.url + "/policy/")
    page.wait_for_load_state("networkidle")
    # The policy page, opened a moment later in the same tab, finds the API awake.
    assert [u.split("/api/")[1] for u in seen] == ["config"]


def test_booking_page_first_paint_waits_on_one_request(
    page: Page, offline_stack: LocalStack
) -> None:
    seen = api_requests(page)
    page.goto(offline_stack.url + "/book/")
    expect(page.get_by_test_id("service-strategia")).to_be_visible()
    assert [u.split("/api/")[1] for u in seen] == ["config"]
