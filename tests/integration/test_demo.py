"""`make demo` fills a local stack with history through the API: the dashboard has a report."""

from __future__ import annotations

import re

import pytest

from infra.local import demo
from tests.support.configs import with_payments
from tests.support.stack import LocalStack


def test_a_few_demo_weeks_show_in_the_report_and_leave_something_to_do(
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    config = with_payments("offline", tmp_path_factory.mktemp("demo"))
    with LocalStack(config=config) as stack:
        assert demo.main(["--weeks", "3", "--url", stack.url]) == 0
        said = capsys.readouterr().out
        booked = int(re.search(r"booked (\d+)", said).group(1))  # type: ignore[union-attr]
        assert booked >= 6
        assert stack.post("/api/dashboard/login", {"email": "giulia@giuliarossi.it"}).ok
        mail = next(m for m in reversed(stack.outbox()) if "/dashboard/#" in m["text"])
        token = re.search(r"/dashboard/#([\w.-]+)", mail["text"]).group(1)  # type: ignore[union-attr]
        session = stack.post("/api/dashboard/session", headers={"Authorization": f"Bearer {token}"})
        auth = {"Authorization": f"Bearer {session.json()['token']}"}
        report = stack.get("/api/dashboard/report?months=12", headers=auth).json()
        assert sum(m["bookings"] for m in report["months"]) >= 6
        overview = stack.get("/api/dashboard", headers=auth).json()
        assert overview["agenda"]  # the demo leaves the next days booked
        assert any(n["kind"] == "no_show_check" for n in overview["needs_you"])
