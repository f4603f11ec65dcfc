"""An English site in a browser set to American English: dates read as the emails write
them, a half-kept deposit says what came back, and the admin page shows the policy the
client accepted."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from keepslot.words import format_when
from tests.e2e.conftest import open_page
from tests.support.configs import INTAKE_ANSWERS, with_payments, write_config
from tests.support.stack import LocalStack

ROME = "Europe/Rome"
EMAIL = "jane.doe@example.com"
FREELANCER = "giulia@giuliarossi.it"


def english_tiered(tmp: Path) -> dict[str, Any]:
    """The sample, in English, paid by transfer; 48-24 h before keeps half the deposit."""
    raw = yaml.safe_load(with_payments("offline", tmp).read_text(encoding="utf-8"))
    raw = copy.deepcopy(raw)
    raw["business"] |= {"locale": "en", "about": "Communication consultant."}
    raw["services"][0] |= {"name": "Strategy session", "description": "An hour on goals."}
    raw["services"][1] |= {"name": "Intro call", "description": "Twenty minutes to meet."}
    raw["payments"]["offline_instructions"] = "Bank transfer to Giulia Rossi, IBAN IT60 X054."
    raw["policy"] |= {
        "late_tiers": [
            {"under_hours": 48, "forfeit_percent": 50},
            {"under_hours": 24, "forfeit_percent": 100},
        ],
        "late_remainder": "credit",
    }
    return dict(raw)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    tmp = tmp_path_factory.mktemp("english")
    with LocalStack(config=write_config(tmp, "english", english_tiered(tmp))) as s:
        yield s


@pytest.fixture
def american(browser: Browser) -> Iterator[Page]:
    """A browser in American English: Intl would write "December 8 at 09:00 AM"."""
    yield from open_page(browser, "en-US", ROME)


def _mail(stack: LocalStack, to: str, subject: str) -> dict[str, Any]:
    found = [m for m in stack.outbox() if to in m["to"] and subject in m["subject"]]
    assert found, [m["subject"] for m in stack.outbox()]
    return found[-1]


def _token(mail: dict[str, Any], kind: str) -> str:
    found = re.search(rf"https?://\S+/{kind}/\S*#([A-Za-z0-9_.-]+)", mail["text"])
    assert found, mail["text"]
    return found.group(1)


def _book(stack: LocalStack, days_ahead: int) -> tuple[datetime, str, str]:
    """Jane books the strategy session and pays; (start, manage token, admin token)."""
    start_iso = stack.first_slot("strategia", days_ahead)
    r = stack.book(
        "strategia",
        start_iso,
        mode="video",
        name="Jane Doe",
        email=EMAIL,
        timezone=ROME,
        answers=INTAKE_ANSWERS,
    )
    assert r.status_code == 201, r.text
    start = datetime.fromisoformat(start_iso.replace("Z", "+00:00"))
    admin = _token(_mail(stack, FREELANCER, "Jane Doe"), "admin")
    paid = stack.post(
        "/api/admin/confirm-deposit", {}, headers={"Authorization": f"Bearer {admin}"}
    )
    assert paid.status_code == 200, paid.text
    # The link that may cancel is the one emailed to Jane (the answer's only looks).
    manage = _token(_mail(stack, EMAIL, "Deposit received"), "manage")
    assert manage.startswith(r.json()["booking"]["id"] + ".manage.")
    return start, manage, admin


def test_pages_write_dates_as_the_emails_do(american: Page, stack: LocalStack) -> None:
    start, manage, _ = _book(stack, days_ahead=10)
    when = format_when(start, "en", ROME)  # "Monday 7 December 2026 at 10:00"
    confirmed = _mail(stack, EMAIL, "Deposit received")
    assert when in confirmed["subject"] and when in confirmed["text"]
    american.goto(f"{stack.url}/manage/#{manage}")
    expect(american.get_by_test_id("booking-when")).to_have_text(when)
    deadline = format_when(start - timedelta(hours=48), "en", ROME)
    expect(american.get_by_test_id("free-until")).to_contain_text(deadline)


def test_a_half_kept_deposit_says_what_was_kept_and_what_came_back(
    american: Page, stack: LocalStack
) -> None:
    start, manage, _ = _book(stack, days_ahead=20)
    stack.move_to(start - timedelta(hours=36))  # inside 48 h, outside 24 h: half is kept
    bearer = {"Authorization": f"Bearer {manage}"}
    cancelled = stack.post("/api/manage/cancel", {}, headers=bearer).json()
    assert cancelled["outcome"]["forfeited"] == 3000, cancelled
    admin = _token(_mail(stack, FREELANCER, "Late cancellation: Jane Doe"), "admin")  # fresh

    split = "€30.00 kept; the rest, €30.00, comes back to you as a credit"
    for page_url in (f"{stack.url}/manage/#{manage}", f"{stack.url}/admin/#{admin}"):
        american.goto(page_url)
        deposit = american.get_by_test_id("booking-deposit")
        expect(deposit).to_have_attribute("data-deposit-status", "forfeited")
        expect(deposit).to_have_text(f"€60.00 · {split}")
    told = _mail(stack, EMAIL, "Booking cancelled")["text"]
    assert "€30.00 is kept" in told and "The rest, €30.00, comes back to you as a credit" in told


def test_the_admin_page_is_the_freelancer_s_and_shows_the_accepted_policy(
    american: Page, stack: LocalStack
) -> None:
    _, _, admin = _book(stack, days_ahead=30)
    american.goto(f"{stack.url}/admin/#{admin}")
    expect(american.locator("h1")).to_have_text("Booking admin")
    assert american.title().startswith("Booking admin")
    version = stack.get("/api/config").json()["policy_version"]
    accepted = american.get_by_test_id("policy-version")
    expect(accepted).to_contain_text(version)
    expect(accepted).to_have_attribute("data-current", "true")
    rules = american.get_by_test_id("accepted-terms")
    rules.locator("summary").click()
    expect(rules).to_contain_text("50% of the deposit is kept")
    expect(american.get_by_test_id("policy-page")).to_have_attribute("href", "../policy/")
