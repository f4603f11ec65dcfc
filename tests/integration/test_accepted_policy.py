"""The policy version a client accepted, with that version's rules as the booking stored
them: on the admin page's answer and in `keepslot client`."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from keepslot.cli.main import main
from keepslot.service.ports.changes import Change
from tests.support.api import Api, book
from tests.support.clients import EMAIL, MON, THU, admin_of, z

EARLIER = "000000000000"


def earlier_policy(booking_id: str) -> None:
    """Rewrite a booking as made under an earlier policy: a 24 h window, half kept."""
    from keepslot import bootstrap
    from keepslot.domain.terms import LateTier

    store = bootstrap.app().store
    old, version = store.get_booking(booking_id)
    terms = replace(
        old.terms, version=EARLIER, free_change_hours=24, late_tiers=(LateTier(24, 50),)
    )
    store.commit(Change(updated=[(replace(old, terms=terms), version)]))


@pytest.fixture
def two_bookings(api: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    today = book(api, start=z(THU), email=EMAIL, name="Marco Verdi")
    before = book(api, start=z(MON), email=EMAIL, name="Marco Verdi")
    assert today.status == 201 and before.status == 201
    earlier_policy(before.body["booking"]["id"])
    return today.body["booking"], before.body["booking"]


def test_the_admin_page_gets_the_accepted_version_and_its_stored_rules(
    api: Api, two_bookings: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    today, before = two_bookings
    published = api.get("/api/config").body
    now = api.get("/api/admin", token=admin_of(today)).body["policy"]
    assert now["version"] == published["policy_version"] and now["current"] is True
    assert now["terms"]["free_change_hours"] == published["policy"]["free_change_hours"]
    old = api.get("/api/admin", token=admin_of(before)).body["policy"]
    assert old["version"] == EARLIER and old["current"] is False
    assert old["terms"]["free_change_hours"] == 24
    assert old["terms"]["late_tiers"] == [{"under_hours": 24, "forfeit_percent": 50}]


def test_keepslot_client_names_each_accepted_version_with_its_rules(
    api: Api,
    two_bookings: tuple[dict[str, Any], dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)  # away from any running `make serve`
    out = io.StringIO()
    assert main(["client", EMAIL, "--region", "eu-south-1"], out=out) == 0
    text = out.getvalue()
    print(text)
    current = api.get("/api/config").body["policy_version"]
    bookings = text.split("Bookings", 1)[1].split("Policy accepted", 1)[0]
    assert current in bookings and EARLIER in bookings
    accepted = text.split("Policy accepted", 1)[1].split("Credits", 1)[0]
    assert f"{current}  published now: https://giuliarossi.it/policy/" in accepted
    assert f"{EARLIER}  an earlier version" in accepted
    assert "free changes up to 24 h before" in accepted
    assert "under 24 h 50% kept" in accepted
