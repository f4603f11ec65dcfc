"""Screenshots of the dashboard at desk and phone width, for docs/screenshots/.

    make serve && make demo      # a year of history first
    python -m infra.local.screenshots --url http://127.0.0.1:8000

Signs in as the freelancer through the dev outbox, as a person would by email.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"desk": 1280, "phone": 390}


def login_link(url: str, alerts: str) -> str:
    r = requests.post(f"{url}/api/dashboard/login", json={"email": alerts}, timeout=30)
    r.raise_for_status()
    for mail in reversed(requests.get(f"{url}/_dev/outbox", timeout=30).json()):
        found = re.search(r"(https?://\S+/dashboard/#[A-Za-z0-9_.-]+)", mail.get("text", ""))
        if found:
            return found.group(1)
    raise SystemExit("no sign-in email in the dev outbox")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--url", default="http://127.0.0.1:8000")
    p.add_argument("--alerts", default="giulia@giuliarossi.it", help="business.alerts")
    args = p.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, width in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": 900}, locale="it-IT")
            page.goto(login_link(args.url, args.alerts))
            page.get_by_test_id("chart-refills").wait_for()
            path = OUT / f"dashboard-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            print(f"{name}: {path}")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
