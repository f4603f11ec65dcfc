"""`keepslot report` prints the same months and totals the dashboard draws."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from keepslot.cli.main import main
from tests.support.api import Api
from tests.support.clients import FRI, THU, late_cancel, z


@pytest.fixture(autouse=True)
def away_from_a_running_stack(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)


def run(*argv: str) -> str:
    out = io.StringIO()
    assert main([*argv, "--region", "eu-south-1"], out=out) == 0
    return out.getvalue()


def test_report_prints_a_row_per_month_then_the_totals_and_policy_versions(api: Api) -> None:
    late_cancel(api, THU)
    late_cancel(api, FRI, email="altro@example.com")
    text = run("report", "--months", "3", "--now", z(FRI))
    print(text)  # the sample in the report
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["MONTH", "BOOKINGS", "COMPLETED", "LATE_CANCELS"]
    assert [line.split()[0] for line in lines[1:5]] == ["2026-10", "2026-11", "2026-12", "total"]
    assert lines[3].split()[1:4] == ["2", "0", "2"]  # December: 2 bookings, 2 late cancels
    assert lines[5].startswith("policy ")


def test_report_as_json_carries_the_money_in_minor_units(api: Api) -> None:
    late_cancel(api, THU)
    rows = json.loads(run("report", "--json", "--months", "1", "--now", z(THU)))
    december = rows[0]
    assert december["month"] == "2026-12"
    assert (december["late_cancels"], december["kept"]) == (1, 6000)
    assert december["late_cancel_rate"] == "100.0%"
