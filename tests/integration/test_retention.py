"""Personal data is not kept for ever: every item that names a client carries a TTL,
no sooner than the reliability window needs it and no later than the retention period
after the client's last appointment. Money records name nobody and stay."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from keepslot import bootstrap
from keepslot.domain.instants import parse_iso
from tests.support.api import Api, book, emailed_token
from tests.support.clients import FRI, THU, admin_of, z
from tests.support.consistency import scan
from tests.support.tables import TABLE

PEOPLE = {
    "anna@example.com": ("Anna Bianchi", "+39 333 000 1111"),
    "luca@example.com": ("Luca Neri", "+39 333 000 2222"),
}


def a_month_of_bookings(api: Api) -> list[dict[str, Any]]:
    """Anna pays and cancels early (a credit); Luca pays and does not come (a no-show)."""
    bookings = []
    for (email, (name, phone)), start in zip(PEOPLE.items(), (THU, FRI), strict=True):
        r = book(api, start=z(start), email=email, name=name, phone=phone)
        assert r.status == 201, r.body
        assert api.post("/api/admin/confirm-deposit", token=admin_of(r.body["booking"])).status
        bookings.append(r.body)
    anna = emailed_token(api, bookings[0]["booking"]["id"])
    assert api.post("/api/manage/cancel", {}, token=anna).status
    api.clock.at = FRI + timedelta(minutes=20)
    assert api.post("/api/admin/no-show", token=admin_of(bookings[1]["booking"])).status == 200
    api.tick()
    return bookings


def names_someone(item: dict[str, Any]) -> bool:
    text = json.dumps(item, default=str).lower()
    return any(needle.lower() in text for email, who in PEOPLE.items() for needle in (email, *who))


def test_every_item_naming_a_client_expires_between_the_window_and_the_retention(
    api: Api,
) -> None:
    a_month_of_bookings(api)
    config = bootstrap.app().config
    retention = timedelta(days=config.privacy.retention_days)
    window = timedelta(days=config.reliability.window_days)
    items = scan(boto3.client("dynamodb"), TABLE)
    # The data is needed until the last appointment ends, a credit lapses or a job runs.
    last_use = max(
        [FRI + timedelta(hours=1)]
        + [parse_iso(it["until"]) for it in items if it.get("type") == "credit"]
        + [parse_iso(it["due_at"]) for it in items if it.get("type") == "job"]
    )
    personal = [it for it in items if names_someone(it)]
    kinds = {it.get("type") for it in personal}
    assert {"booking", "client", "client_event", "outbox", "credit", "job"} <= kinds, kinds
    for it in personal:
        assert "expires_at" in it, (it["PK"], it["SK"])
        expires = datetime.fromtimestamp(it["expires_at"], UTC)
        assert expires <= last_use + retention, (it["PK"], it["SK"], expires)
        if it.get("type") == "client_event":  # strikes must outlive the reliability window
            assert expires >= parse_iso(it["at"]) + window, (it["SK"], expires)


def test_money_records_name_nobody_and_are_kept(api: Api) -> None:
    a_month_of_bookings(api)
    items = scan(boto3.client("dynamodb"), TABLE)
    ledger = [it for it in items if it.get("type") == "ledger"]
    assert {"paid", "credit_issued", "forfeited"} <= {it["kind"] for it in ledger}
    assert not [it for it in ledger if names_someone(it) or "expires_at" in it]
