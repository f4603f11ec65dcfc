"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against the local stack."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.configs import with_payments
from tests.support.stack import LocalStack

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Never skipped: without Chromium this fails loudly (make test installs it as root).
    assert CHROMIUM.exists(), "browser tests need /usr/bin/chromium (apt-get install chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def open_page(browser: Browser, locale: str, timezone: str = "Europe/Rome") -> Iterator[Page]:
    """A phone-sized page in a browser set to `locale`; fails the test if a script raised."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, timezone_id=timezone, locale=locale
    )
    errors: list[str] = []
    pg = context.new_page()
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(15_000)
    yield pg
    context.close()
    assert not errors, f"the page raised: {errors}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from open_page(browser, "it-IT")


@pytest.fixture(scope="session")
def offline_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """The local stack with bank-transfer deposits (the freelancer confirms them)."""
    config = with_payments("offline", tmp_path_factory.mktemp("offline"))
    with LocalStack(config=config) as stack:
        yield stack
