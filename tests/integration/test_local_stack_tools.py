"""What a freelancer uses beside the site on `make serve`'s stack: the calendar feed the
banner prints, and the `keepslot` CLI from a second terminal (the stack's address found
in .local/, the dev clock read, one line when there is no stack)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from tests.support.configs import INTAKE_ANSWERS, with_payments
from tests.support.stack import LocalStack

EMAIL = "carla.neri@example.com"
FREELANCER = "giulia@giuliarossi.it"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    config = with_payments("offline", tmp_path_factory.mktemp("config"))
    with LocalStack(config=config) as s:
        yield s


def keepslot(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI as a freelancer runs it, with no AWS settings of their own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.pop("TABLE_NAME", None)
    env.pop("KEEPSLOT_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "keepslot.cli.main", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _link(stack: LocalStack, to: str, kind: str) -> str:
    for mail in reversed(stack.outbox()):
        found = re.search(rf"https?://\S+/{kind}/\S*#([A-Za-z0-9_.-]+)", mail["text"])
        if to in mail["to"] and found:
            return found.group(1)
    raise AssertionError(f"no {kind} link to {to}")


def late_cancel(stack: LocalStack) -> dict[str, Any]:
    """Carla books, pays by transfer, and cancels 24 h before: a strike at the dev clock."""
    start_iso = stack.first_slot("strategia", days_ahead=5)
    booked = stack.book(
        "strategia",
        start_iso,
        mode="phone",
        name="Carla Neri",
        email=EMAIL,
        phone="+39 347 555 0101",
        answers=INTAKE_ANSWERS,
    )
    assert booked.status_code == 201, booked.text
    admin = {"Authorization": f"Bearer {_link(stack, FREELANCER, 'admin')}"}
    assert stack.post("/api/admin/confirm-deposit", {}, headers=admin).status_code == 200
    start = datetime.fromisoformat(start_iso.replace("Z", "+00:00"))
    stack.move_to(start - timedelta(hours=24))
    # The link that may cancel is the one emailed to Carla (the answer's only looks).
    manage = {"Authorization": f"Bearer {_link(stack, EMAIL, 'manage')}"}
    done = stack.post("/api/manage/cancel", {}, headers=manage)
    assert done.json()["outcome"]["reason"] == "late_cancel", done.text
    return dict(done.json()["booking"])


def test_the_banner_prints_a_feed_url_that_answers_with_the_bookings(stack: LocalStack) -> None:
    found = re.search(r"^\s+feed\s+(\S+/api/feed\.ics\?token=\S+)$", stack.output(), re.M)
    assert found, stack.output()
    feed_url = found.group(1)
    assert feed_url.startswith(stack.url)
    cancelled = late_cancel(stack)
    r = stack.get(feed_url.removeprefix(stack.url))
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(r.text).walk("VEVENT")
    mine = [e for e in events if str(e["uid"]).startswith(cancelled["id"])]
    assert mine and "Carla Neri · Sessione di strategia" in str(mine[0]["summary"])
    assert stack.get("/api/feed.ics?token=guess").status_code == 401


def test_the_cli_finds_the_stack_and_judges_strikes_at_its_moved_clock(
    stack: LocalStack,
) -> None:
    if not any(EMAIL in m["to"] for m in stack.outbox()):
        late_cancel(stack)
    assert stack.stack_file.is_file()
    second_terminal = stack.home / "some" / "folder"  # anywhere below where serve ran
    second_terminal.mkdir(parents=True, exist_ok=True)
    risky = keepslot("clients", "--at-risk", "--json", cwd=second_terminal)
    assert risky.returncode == 0, risky.stderr
    [carla] = json.loads(risky.stdout)
    assert carla["email"] == EMAIL and carla["strikes"] == 1
    listed = keepslot("bookings", cwd=second_terminal)
    assert listed.returncode == 0, listed.stderr
    assert "Carla Neri" in listed.stdout and "cancelled" in listed.stdout


def test_without_a_stack_the_cli_says_what_to_set_in_one_line(tmp_path: Path) -> None:
    config = with_payments("offline", tmp_path)
    done = keepslot("bookings", "--config", str(config), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert "make serve" in line and "--endpoint" in line and "--profile" in line


def test_a_stopped_stack_takes_its_address_with_it(tmp_path: Path) -> None:
    with LocalStack(config=with_payments("offline", tmp_path)) as s:
        written = json.loads(s.stack_file.read_text())
        assert written["site"] == s.url and written["aws"].startswith("http://127.0.0.1:")
        assert s.stop() == 0
        assert not s.stack_file.exists()  # a later `keepslot` will not call a dead port
