"""The freelancer's emailed links: they move money, so they expire a week after the
email; and a signing key removed from SSM stops every link it signed within 5 minutes."""

from __future__ import annotations

from datetime import datetime

import boto3

from tests.support.api import Api, book, token_of
from tests.support.mails import FREELANCER, to

OLD_KEY, NEW_KEY = "k" * 32, "n" * 32  # OLD_KEY: what the test stack starts with


def _alert_link(api: Api) -> tuple[str, str]:
    api.tick()
    [alert] = to(FREELANCER)
    return alert["text"], alert["text"].split("/admin/#", 1)[1].split()[0]


def test_an_admin_link_works_for_seven_days_after_the_email(api: Api) -> None:
    manage = token_of(book(api).body["manage_url"])
    text, admin = _alert_link(api)
    assert "valgono 7 giorni, fino a lunedì 7 dicembre 2026 alle 09:00" in text
    api.clock.advance(days=7, seconds=-1)
    assert api.get("/api/admin", token=admin).status == 200
    api.clock.advance(seconds=1)
    late = api.get("/api/admin", token=admin)
    assert late.status == 401 and late.body["error"]["code"] == "bad_token"
    assert api.post("/api/admin/cancel", token=admin).status == 401  # nothing moves
    # The client's own link stays readable: their history is not the freelancer's power.
    assert api.get("/api/manage", token=manage).status == 200


def _keys(value: str) -> None:
    boto3.client("ssm").put_parameter(
        Name="/keepslot/token-key", Value=value, Type="SecureString", Overwrite=True
    )


def test_a_removed_signing_key_stops_working_within_five_minutes(api: Api) -> None:
    from keepslot import bootstrap

    manage = token_of(book(api).body["manage_url"])  # signed with OLD_KEY
    assert api.get("/api/manage", token=manage).status == 200  # the function is warm now

    _keys(f"{NEW_KEY},{OLD_KEY}")  # rotation: new links use NEW_KEY, old ones still work
    api.clock.advance(minutes=5)
    assert api.get("/api/manage", token=manage).status == 200
    fresh = token_of(bootstrap.app().links.manage(*_id_and_start(api, manage)))
    assert fresh != manage

    _keys(NEW_KEY)  # the old key leaked: the freelancer removes it
    api.clock.advance(minutes=5)
    assert api.get("/api/manage", token=manage).status == 401
    assert api.get("/api/manage", token=fresh).status == 200


def _id_and_start(api: Api, token: str) -> tuple[str, datetime]:
    from keepslot.domain.instants import parse_iso

    b = api.get("/api/manage", token=token).body["booking"]
    return b["id"], parse_iso(b["start"])
