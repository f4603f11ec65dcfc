"""The `keepslot` CLI in-process against moto: listings, a client's record, block, export, erase,
the report."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import boto3
import pytest

from keepslot.cli.main import main
from tests.support.api import Api, book
from tests.support.clients import EMAIL, FRI, MON, THU, late_cancel, z


@pytest.fixture(autouse=True)
def away_from_a_running_stack(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A `make serve` running in the checkout must not be what these tests read."""
    monkeypatch.chdir(tmp_path)


def run(*argv: str) -> str:
    """The CLI on moto in this process: moto answers the region's AWS endpoint."""
    out = io.StringIO()
    assert main([*argv, "--region", "eu-south-1"], out=out) == 0
    return out.getvalue()


def test_client_prints_history_strikes_and_tier(api: Api) -> None:
    late_cancel(api, THU)
    late_cancel(api, FRI)
    text = run("client", EMAIL, "--now", z(api.clock.now()))
    print(text)  # the sample in the report
    assert re.search(r"^strikes +2$", text, re.M)
    assert re.search(r"^tier +prepay$", text, re.M)
    history = text.split("History", 1)[1]
    assert history.count("late_cancel") == 2
    assert history.count("booked") == 2
    assert "2026-12-02 10:00  late_cancel" in history  # in the freelancer's time zone


def test_client_as_json_has_the_same_record(api: Api) -> None:
    late_cancel(api, THU)
    record = json.loads(run("client", EMAIL, "--json", "--now", z(api.clock.now())))
    assert record["standing"]["strikes"] == 1
    assert record["standing"]["waivers_left"] == 1
    assert [e["event"] for e in record["history"]] == ["booked", "late_cancel"]


def test_bookings_lists_by_start_and_filters_by_status(api: Api) -> None:
    late_cancel(api, THU)
    book(api, start=z(MON), email="altra@example.com", name="Sara Neri")
    text = run("bookings")
    print(text)
    lines = text.splitlines()
    assert lines[0].split() == ["START", "ID", "STATUS", "SERVICE", "MODE", "CLIENT", "DEPOSIT"]
    assert "cancelled" in lines[1] and "held" in lines[2]
    held = run("bookings", "--status", "held", "--from", "2026-12-07", "--to", "2026-12-07")
    assert "Sara Neri" in held and "Marco Verdi" not in held


def test_clients_at_risk_shows_only_clients_with_strikes(api: Api) -> None:
    late_cancel(api, THU)
    book(api, start=z(MON), email="altra@example.com", name="Sara Neri")
    everyone = run("clients", "--now", z(api.clock.now()))
    assert EMAIL in everyone and "altra@example.com" in everyone
    risky = run("clients", "--at-risk", "--now", z(api.clock.now()))
    print(risky)
    assert EMAIL in risky and "altra@example.com" not in risky


def test_block_books_nothing_and_unblock_lets_the_client_back(api: Api) -> None:
    from keepslot import bootstrap

    assert run("block", EMAIL) == f"{EMAIL}: blocked\n"
    # The answer is anyone's (a stranger may have typed the address); nothing is booked.
    turned = book(api, start=z(THU), email=EMAIL)
    assert turned.status == 201
    assert bootstrap.app().store.client_snapshot(EMAIL).holds == []
    run("unblock", EMAIL)
    again = book(api, start=z(THU), email=EMAIL)
    assert again.status == 201
    assert bootstrap.app().store.client_snapshot(EMAIL).holds == [again.body["booking"]["id"]]


def test_export_writes_bookings_and_ledger_as_csv(api: Api, tmp_path: Path) -> None:
    late_cancel(api, THU)
    text = run("export", "--out", str(tmp_path))  # CSV is the default
    assert "bookings.csv (1 rows)" in text and "ledger.csv (2 rows)" in text
    ledger = (tmp_path / "ledger.csv").read_text().splitlines()
    assert ledger[0] == "at,booking_id,kind,amount,currency,ref,client"
    assert {line.split(",")[2] for line in ledger[1:]} == {"paid", "forfeited"}


def _every_item() -> list[str]:
    pages = boto3.client("dynamodb").get_paginator("scan").paginate(TableName="keepslot-test")
    return [json.dumps(i, ensure_ascii=False) for page in pages for i in page["Items"]]


def test_erase_leaves_no_personal_data_in_the_table(api: Api) -> None:
    answers = {"business": "Bottega Verdi", "goal": "Altro"}
    first = book(api, start=z(THU), email=EMAIL, name="Marco Verdi", answers=answers)
    assert first.status == 201
    late_cancel(api, MON)  # a confirmed, cancelled booking with ledger rows and history
    api.tick()  # mail delivered: outbox items hold the booking's context
    personal = ("marco@example.com", "Marco Verdi", "+39 333 000 1111", "Bottega Verdi")
    assert any(p in item for item in _every_item() for p in personal)
    counts = json.loads(run("erase", EMAIL, "--yes", "--json"))
    assert counts["bookings"] == 2
    leftovers = [item for item in _every_item() if any(p in item for p in personal)]
    assert leftovers == []
    # The accounts still add up: the ledger rows stay, under a pseudonym.
    ledger = [i for i in _every_item() if '"ledger"' in i]
    assert len(ledger) == 2 and all('"client"' in i for i in ledger)


def test_erase_asks_for_yes_first(api: Api, capsys: pytest.CaptureFixture[str]) -> None:
    late_cancel(api, THU)
    assert main(["erase", EMAIL, "--region", "eu-south-1"]) == 2
    assert "--yes" in capsys.readouterr().err
    assert "Marco Verdi" in run("bookings")


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
