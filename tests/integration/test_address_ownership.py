"""Knowing an address is not owning it, and nobody fills the calendar for free.

Whoever types a client's address on the book page gets the booking answer's link: it
shows the booking and takes its deposit, nothing else. Changing, cancelling and spending
the address's credit take the link emailed to that address. Every booking waits (held)
until it is paid or confirmed from that email, so each counts against the caps.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from keepslot import bootstrap
from tests.support.api import (
    THU_10,
    THU_LATER,
    Api,
    admin_token,
    book,
    emailed_token,
    token_of,
)
from tests.support.configs import with_payments
from tests.support.networks import HOME, OFFICE, book_from, restart
from tests.support.tables import consistent

ANNA = "anna@example.com"


def snapshot(email: str = ANNA) -> Any:
    return bootstrap.app().store.client_snapshot(email)


def ledger(booking_id: str) -> list[tuple[str, int]]:
    from tests.support.tables import ledger as rows

    return [(r["kind"], r["amount"]) for r in rows(booking_id)]


def annas_credit(api: Api) -> str:
    """Anna pays a deposit and cancels in time: a 60 EUR credit in her name."""
    r = book(api)
    assert api.post("/api/admin/confirm-deposit", token=admin_token(api)).status == 200
    token = emailed_token(api, r.body["booking"]["id"])
    assert api.post("/api/manage/cancel", {}, token=token).body["outcome"]["deposit"] == "credit"
    assert [c.amount for c in snapshot().credits] == [6000]
    return str(r.body["booking"]["id"])


# ---- the booking answer's link --------------------------------------------------


def test_the_booking_answers_link_can_look_and_pay_but_not_act(api: Api) -> None:
    r = book(api)
    seen = token_of(r.body["manage_url"])
    page = api.get("/api/manage", token=seen)
    assert page.status == 200
    assert (page.body["access"], page.body["actions"]) == ("view", [])
    assert page.body["payment"]["kind"] == "offline"  # it may still pay
    assert api.post("/api/manage/payment", {}, token=seen).status != 403
    for path, payload in (
        ("/api/manage/cancel", {}),
        ("/api/manage/reschedule", {"start": THU_LATER}),
        ("/api/manage/mode", {"mode": "video"}),
        ("/api/manage/waiver", {"reason": "please"}),
        ("/api/manage/confirm", {}),
    ):
        refused = api.post(path, payload, token=seen)
        assert refused.status == 403, (path, refused.body)
        assert refused.body["error"]["code"] == "email_link_needed"
    assert api.get("/api/manage", token=seen).body["booking"] == page.body["booking"]
    # The emailed link acts.
    token = emailed_token(api, r.body["booking"]["id"])
    mine = api.get("/api/manage", token=token).body
    assert mine["access"] == "manage" and "cancel" in mine["actions"]
    assert api.post("/api/manage/cancel", {}, token=token).status == 200


def test_a_stranger_cannot_cancel_a_booking_in_someone_elses_name_late(api: Api) -> None:
    r = book(api)  # made by a stranger with Anna's address; its deposit arrives
    assert api.post("/api/admin/confirm-deposit", token=admin_token(api)).status == 200
    api.clock.advance(hours=60)  # 13 h before the start: a cancel now would be late
    late = api.post("/api/manage/cancel", {}, token=token_of(r.body["manage_url"]))
    assert late.status == 403
    assert api.get("/api/manage", token=token_of(r.body["manage_url"])).body["booking"][
        "status"
    ] == ("confirmed")
    assert snapshot().count("late_cancel") == 0  # no strike in Anna's record


# ---- credit ------------------------------------------------------------------------


def test_a_stranger_cannot_spend_a_clients_credit_nor_tell_it_exists(api: Api) -> None:
    annas_credit(api)
    # Someone types Anna's address, and someone else types a fresh one: the same answer.
    theirs = book(api, start=THU_LATER)
    fresh = book(api, start=THU_10, email="fresh@example.com", name="Bruno Neri")
    assert theirs.status == fresh.status == 201
    a, b = theirs.body, fresh.body
    assert a.keys() == b.keys() and a["booking"].keys() == b["booking"].keys()
    assert (a["booking"]["status"], a["booking"]["deposit"]) == (
        b["booking"]["status"],
        b["booking"]["deposit"],
    )
    assert a["booking"]["deposit"] == {"amount": 6000, "currency": "EUR", "status": "pending"}
    assert a["payment"] == b["payment"]
    held_id = a["booking"]["id"]
    assert ledger(held_id) == []
    assert [c.amount for c in snapshot().credits] == [6000]  # untouched
    # The answer's link cannot spend it either; an unconfirmed hold lapses, credit intact.
    assert api.post("/api/manage/confirm", token=token_of(a["manage_url"])).status == 403
    api.clock.advance(hours=24, minutes=1)
    api.tick()
    assert api.get("/api/manage", token=token_of(a["manage_url"])).body["booking"]["status"] == (
        "expired"
    )
    assert [c.amount for c in snapshot().credits] == [6000]
    assert ledger(held_id) == []


def test_the_credit_is_spent_only_when_its_owner_presses_confirm(api: Api) -> None:
    source = annas_credit(api)
    r = book(api, start=THU_LATER)
    token = emailed_token(api, r.body["booking"]["id"])
    page = api.get("/api/manage", token=token).body
    assert page["actions"][0] == "confirm"
    assert page["credit"] == {"amount": 6000, "currency": "EUR"}
    done = api.post("/api/manage/confirm", token=token)
    assert done.status == 200
    b = done.body["booking"]
    assert (b["status"], b["deposit"]["status"]) == ("confirmed", "paid")
    assert ledger(b["id"]) == [("credit_applied", 6000)]
    assert snapshot().credits == []
    again = api.post("/api/manage/confirm", token=token)  # a second press changes nothing
    assert again.body["booking"] == b
    assert ledger(b["id"]) == [("credit_applied", 6000)]
    assert source != b["id"]


def test_confirm_on_a_paid_booking_records_ill_be_there_once(api: Api) -> None:
    r = book(api)
    assert api.post("/api/admin/confirm-deposit", token=admin_token(api)).status == 200
    token = emailed_token(api, r.body["booking"]["id"])
    first = api.post("/api/manage/confirm", token=token)
    assert first.status == 200 and first.body["booking"]["status"] == "confirmed"
    at = first.body["booking"]["confirmed_at"]
    api.clock.advance(hours=1)
    assert api.post("/api/manage/confirm", token=token).body["booking"]["confirmed_at"] == at
    assert api.get("/api/manage", token=token).body["booking"]["confirmed_at"] == at


# ---- the caps count free bookings -------------------------------------------------------


def test_free_bookings_wait_for_the_email_and_count_against_the_per_email_cap(api: Api) -> None:
    days = ["2026-12-03", "2026-12-04", "2026-12-07", "2026-12-08"]
    free = {"service": "conoscitiva", "mode": "video", "email": "lots@example.com"}
    replies = [book(api, start=f"{d}T09:00:00Z", **free) for d in days]
    assert [r.status for r in replies] == [201, 201, 201, 429]
    assert {r.body["booking"]["status"] for r in replies[:3]} == {"held"}
    # Confirming one from the email gives its place back.
    token = emailed_token(api, replies[0].body["booking"]["id"])
    assert api.post("/api/manage/confirm", token=token).status == 200
    assert book(api, start=f"{days[3]}T09:00:00Z", **free).status == 201


def capped(directory: Path, **holds: int) -> Path:
    path = with_payments("offline", directory)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["holds"] = {**raw.get("holds", {}), **holds}
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def daily(api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    restart(api, monkeypatch, capped(tmp_path, per_ip=2, per_ip_daily=3))
    yield api


def test_free_bookings_count_against_the_per_network_cap(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    restart(api, monkeypatch, capped(tmp_path, per_ip=2))
    free = {"service": "conoscitiva", "mode": "video"}
    assert [book_from(api, HOME, n, **free).status for n in range(3)] == [201, 201, 429]
    assert book_from(api, OFFICE, 2, **free).status == 201
    consistent()


def test_a_network_past_its_daily_bookings_waits_for_tomorrow_even_as_holds_end(
    daily: Api,
) -> None:
    for n in range(3):  # each ends at once (cancelled from the email): no hold stays open
        r = book_from(daily, HOME, n)
        assert r.status == 201, r.body
        token = emailed_token(daily, r.body["booking"]["id"])
        assert daily.post("/api/manage/cancel", {}, token=token).status == 200
    refused = book_from(daily, HOME, 3)
    assert refused.status == 429
    assert refused.body["error"]["code"] == "too_many_holds"
    assert book_from(daily, OFFICE, 3).status == 201  # another network books
    daily.clock.advance(days=1)
    assert book_from(daily, HOME, 4).status == 201
    consistent()
