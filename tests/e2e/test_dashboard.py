"""The freelancer's dashboard in Chromium: sign-in by emailed link, a "needs you" button,
and the report's charts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import open_page
from tests.e2e.mails import link
from tests.support.configs import english, with_payments, write_config
from tests.support.stack import LocalStack

ALERTS = "giulia@giuliarossi.it"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    # Its own stack: its clock moves past an appointment, and sign-ins are rate-limited.
    with LocalStack(config=with_payments("offline", tmp_path_factory.mktemp("dash"))) as s:
        yield s


def dashboard_links(stack: LocalStack) -> list[str]:
    return [link(m, "dashboard") for m in stack.outbox() if "/dashboard/#" in m["text"]]


def ask_for_link(page: Page, stack: LocalStack, email: str) -> None:
    page.goto(stack.url + "/dashboard/")
    page.get_by_test_id("signin-email").fill(email)
    page.get_by_test_id("signin-send").click()
    # A fresh stack's first sign-in imports the dashboard's code: on a loaded machine
    # that alone can pass Playwright's default five seconds.
    expect(page.get_by_test_id("signin-sent")).to_be_visible(timeout=30_000)


def signed_in(page: Page, stack: LocalStack) -> None:
    before = len(dashboard_links(stack))
    ask_for_link(page, stack, ALERTS)
    links = dashboard_links(stack)
    assert len(links) == before + 1
    page.goto(links[-1])
    expect(page.get_by_test_id("needs")).to_be_visible(timeout=30_000)


def booked_and_paid(stack: LocalStack, email: str, days_ahead: int) -> dict[str, Any]:
    r = stack.book(
        "strategia",
        stack.first_slot("strategia", days_ahead),
        mode="video",
        name="Marta Neri",
        email=email,
        answers={"business": "Libreria", "goal": "Altro"},
    )
    assert r.status_code == 201, r.text
    alert = next(m for m in reversed(stack.outbox()) if "/admin/#" in m["text"])
    token = link(alert, "admin").split("#", 1)[1]
    paid = stack.post("/api/admin/confirm-deposit", headers={"Authorization": f"Bearer {token}"})
    assert paid.status_code == 200, paid.text
    return dict(r.json()["booking"])


def test_a_stranger_gets_the_same_answer_and_no_mail(page: Page, stack: LocalStack) -> None:
    before = len(stack.outbox())
    ask_for_link(page, stack, "curious@example.com")
    assert [m for m in stack.outbox()[before:] if "/dashboard/#" in m["text"]] == []


def test_the_freelancers_link_signs_in_once_and_leaves_the_address_bar(
    browser: Browser, page: Page, stack: LocalStack
) -> None:
    ask_for_link(page, stack, ALERTS)
    emailed = dashboard_links(stack)[-1]
    page.goto(emailed)
    expect(page.get_by_test_id("agenda")).to_be_visible()
    assert "#" not in page.url
    # The session stays for this tab: a reload needs no new link.
    page.reload()
    expect(page.get_by_test_id("agenda")).to_be_visible()
    # The same link a second time, in another browser: refused, and asked to sign in again.
    other = open_page(browser, "it-IT")
    second = next(other)
    second.goto(emailed)
    expect(second.get_by_test_id("signin-notice")).to_be_visible()
    expect(second.get_by_test_id("agenda")).to_have_count(0)
    next(other, None)


def test_a_no_show_is_recorded_from_needs_you_after_a_confirm_press(
    page: Page, stack: LocalStack
) -> None:
    booking = booked_and_paid(stack, "marta.neri@example.com", 2)
    start = stack.now().fromisoformat(booking["start"].replace("Z", "+00:00"))
    stack.move_to(start + timedelta(minutes=20))
    signed_in(page, stack)
    need = page.locator("[data-testid=need][data-kind=no_show_check]")
    expect(need).to_have_count(1)
    need.get_by_test_id("act-no-show").click()
    page.get_by_test_id("confirm-no-show").click()
    expect(page.locator("[data-testid=need][data-kind=no_show_check]")).to_have_count(0)
    # The report counts it in this month (the appointment's): one no-show of one.
    this_month = page.get_by_test_id("chart-table-rates").locator("tbody tr").last
    expect(this_month.locator("td").first).to_have_text("100%")


def drawn_points(page: Page, chart: str) -> list[int]:
    found: list[int] = page.evaluate(
        """(id) => {
            const canvas = document.querySelector(`[data-testid=chart-${id}]`);
            const chart = Chart.getChart(canvas);
            return chart.data.datasets.map((_, i) => chart.getDatasetMeta(i).data.length);
        }""",
        chart,
    )
    return found


def painted_pixels(page: Page, chart: str) -> int:
    count: int = page.evaluate(
        """(id) => {
            const c = document.querySelector(`[data-testid=chart-${id}]`);
            const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
            return n;
        }""",
        chart,
    )
    return count


def test_each_chart_is_drawn_with_a_point_per_month_beside_its_table(
    page: Page, stack: LocalStack
) -> None:
    signed_in(page, stack)
    for chart, series in (("rates", 2), ("money", 3), ("refills", 1)):
        expect(page.get_by_test_id(f"chart-{chart}")).to_be_visible()
        assert drawn_points(page, chart) == [12] * series
        assert painted_pixels(page, chart) > 500  # axes, labels and the data, not a blank box
        table = page.get_by_test_id(f"chart-table-{chart}")
        expect(table.locator("tbody tr")).to_have_count(12)
        expect(table.locator("thead th")).to_have_count(series + 1)
    # At phone width nothing pushes the page sideways (wide tables scroll in their box).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.fixture(scope="module")
def english_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    tmp = tmp_path_factory.mktemp("dash-en")
    with LocalStack(config=write_config(tmp, "english", english())) as s:
        yield s


def test_an_english_site_signs_in_and_draws_its_charts_in_english(
    browser: Browser, english_stack: LocalStack
) -> None:
    pages = open_page(browser, "en-GB")
    page = next(pages)
    ask_for_link(page, english_stack, ALERTS)
    expect(page.get_by_test_id("signin-sent")).to_contain_text("If that is the alerts address")
    mail = next(m for m in english_stack.outbox() if "/dashboard/#" in m["text"])
    assert mail["subject"] == "Your link to the keepslot dashboard"
    page.goto(link(mail, "dashboard"))
    expect(page.get_by_test_id("figure-rates")).to_contain_text(
        "No-show and late-cancel rate by month", timeout=30_000
    )
    expect(page.get_by_test_id("needs")).to_contain_text("Nothing to do")
    next(pages, None)
