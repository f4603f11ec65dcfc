"""`keepslot erase`: a keyed pseudonym, conditional overwrites, and the Stripe Customer."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import stripe

from infra.local.localstripe import LocalStripe
from keepslot.cli.main import main
from tests.support.api import Api, confirmed_by_link
from tests.support.clients import EMAIL, MON, THU, late_cancel, z
from tests.support.mails import to
from tests.support.stripe_play import pay
from tests.support.tables import booking_item


def erase(email: str) -> dict[str, Any]:
    out = io.StringIO()
    # --region: moto in this process answers the region's AWS endpoint.
    assert main(["erase", email, "--yes", "--json", "--region", "eu-south-1"], out=out) == 0
    return dict(json.loads(out.getvalue()))


def emailed_manage(address: str) -> str:
    """The token of the newest manage link mailed to `address` (the one that may cancel)."""
    [*_, mail] = [m for m in to(address) if "/manage/#" in m["text"]]
    return str(mail["text"].split("/manage/#", 1)[1].split()[0])


def items() -> list[dict[str, Any]]:
    from boto3.dynamodb.types import TypeDeserializer

    pages = boto3.client("dynamodb").get_paginator("scan").paginate(TableName="keepslot-test")
    de = TypeDeserializer()
    return [{k: de.deserialize(v) for k, v in i.items()} for p in pages for i in p["Items"]]


def test_nobody_finds_an_erased_client_by_hashing_their_address(api: Api) -> None:
    late_cancel(api, THU)
    # That booking's own emailed link: the newest email may be the late cancel's, sent
    # in the same clock run.
    _, manage, _ = confirmed_by_link(api, start=z(MON), email=EMAIL, name="Marco Verdi")
    early = api.post("/api/manage/cancel", {}, token=manage)
    assert early.body["booking"]["deposit"]["status"] == "credit"
    erase(EMAIL)
    text = json.dumps(items(), default=str)
    for algo in ("sha256", "sha1", "md5", "sha512"):
        digest = hashlib.new(algo, EMAIL.encode()).hexdigest()
        assert digest[:12] not in text, algo  # what a plain hash would have left
    # One pseudonym names the client everywhere, so the accounts still add up.
    ledger = {str(i["client"]) for i in items() if i.get("type") == "ledger"}
    credits = {i["PK"] for i in items() if i.get("type") == "credit"}
    [pseudonym] = ledger
    assert credits == {f"CLIENT#erased-{pseudonym}"}


def test_erase_does_not_undo_a_cancel_made_while_it_runs(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from keepslot.adapters.dynamo.admin_queries import ClientAdmin

    booking, _, _ = confirmed_by_link(api, email=EMAIL, name="Marco Verdi")
    manage = emailed_manage(EMAIL)
    scan = ClientAdmin.scan
    cancels: list[int] = []

    def then_the_client_cancels(self: ClientAdmin, item_type: str | None = None) -> Iterator[Any]:
        for it in scan(self, item_type):
            if it.get("id") == booking["id"] and not cancels:
                # Read by the erase, then changed by the client before the erase writes.
                cancels.append(api.post("/api/manage/cancel", {}, token=manage).status)
            yield it

    monkeypatch.setattr(ClientAdmin, "scan", then_the_client_cancels)
    erase(EMAIL)
    monkeypatch.setattr(ClientAdmin, "scan", scan)
    assert cancels == [200]
    [kept] = [i for i in items() if i.get("id") == booking["id"] and i.get("type") == "booking"]
    assert kept["status"] == "cancelled"  # the cancel stands
    assert kept["client"]["name"] == "erased"  # and the booking is still scrubbed
    assert EMAIL not in json.dumps(items(), default=str)


def test_erase_deletes_the_clients_stripe_customer(
    stripe_api: Api, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booking_id, _ = pay(stripe_api, localstripe)
    customer = booking_item(booking_id).payment_ref["customer"]
    assert stripe_client.v1.customers.retrieve(customer).email == "anna@example.com"
    counts = erase("anna@example.com")
    assert counts["stripe_customers"] == 1
    try:
        gone = stripe_client.v1.customers.retrieve(customer)
    except stripe.InvalidRequestError as e:
        assert e.http_status == 404
    else:
        assert getattr(gone, "deleted", False)
    assert erase("anna@example.com")["bookings"] == 0  # nothing left to find


def test_erase_stops_before_touching_the_table_when_stripe_is_down(
    stripe_api: Api, localstripe: LocalStripe, monkeypatch: pytest.MonkeyPatch
) -> None:
    booking_id, _ = pay(stripe_api, localstripe)
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:9")  # nothing listens there
    assert (
        main(["erase", "anna@example.com", "--yes", "--region", "eu-south-1"], out=io.StringIO())
        == 1
    )
    # Nothing erased yet, so running it again later still finds the Customer to delete.
    assert booking_item(booking_id).client.email == "anna@example.com"


def test_erase_removes_the_clients_waitlist_entries_and_their_mail(api: Api) -> None:
    version = api.get("/api/config").body["policy_version"]
    day = MON.date().isoformat()
    entry = {"service": "strategia", "name": "Marco Verdi", "email": EMAIL, "from": day}
    joined = api.post("/api/waitlist", entry | {"to": day, "policy_version": version})
    assert joined.status == 201, joined.body
    assert any(i.get("type") == "waitlist" for i in items())
    assert erase(EMAIL)["waitlist"] == 1
    assert EMAIL not in json.dumps(items(), default=str)
    assert "Marco" not in json.dumps(items(), default=str)
