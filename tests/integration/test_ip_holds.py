"""holds.per_ip: one network may keep only so many bookings waiting, whoever's emails it uses.

The cap is a counter item moved in each booking's own transaction (no extra read), so
every way a hold ends must give its place back; the consistency checker compares each
counter with the open holds after every scenario.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from keepslot import bootstrap
from keepslot.handlers.network import EDGE_HEADER, VIEWER_HEADER
from tests.support.api import Api, Reply, emailed_token, token_of
from tests.support.configs import with_payments
from tests.support.consistency import scan
from tests.support.networks import EDGE, HOME, OFFICE, book_from, restart
from tests.support.tables import consistent

TABLE = "keepslot-test"
PER_IP = 2


def capped_config(directory: Path, *, approval: bool = False) -> Path:
    return with_payments(
        "offline",
        directory,
        holds={"per_ip": PER_IP},
        reliability={"new_clients_require_approval": approval},
    )


@pytest.fixture
def capped(api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    restart(api, monkeypatch, capped_config(tmp_path))
    yield api


def admin_token(booked: Reply) -> str:
    app = bootstrap.app()
    return token_of(app.links.admin(booked.body["booking"]["id"], app.clock.now()))


def fill(api: Api, source_ip: str = HOME, **kw: Any) -> list[Reply]:
    """PER_IP held bookings from `source_ip`, each for a different client."""
    held = [book_from(api, source_ip, n, **kw) for n in range(PER_IP)]
    assert [r.status for r in held] == [201] * PER_IP, [r.body for r in held]
    assert {r.body["booking"]["status"] for r in held} == {"held"}
    return held


def test_one_network_past_its_open_holds_gets_429_and_another_still_books(capped: Api) -> None:
    fill(capped)
    refused = book_from(capped, HOME, PER_IP)
    assert refused.status == 429
    assert refused.body["error"]["code"] == "too_many_holds"
    assert "waiting for payment" in refused.body["error"]["message"]
    # The refused transaction took nothing: the very slot is still free for another network.
    assert book_from(capped, OFFICE, PER_IP).status == 201
    assert consistent()["ip_holds"] == 2


def test_a_client_cancelling_a_hold_gives_its_place_back(capped: Api) -> None:
    held = fill(capped)
    token = emailed_token(capped, held[0].body["booking"]["id"])
    assert capped.post("/api/manage/cancel", {}, token=token).status == 200
    consistent()
    assert book_from(capped, HOME, PER_IP).status == 201
    assert book_from(capped, HOME, PER_IP + 1).status == 429
    consistent()


def test_holds_expired_by_the_clock_give_their_places_back(capped: Api) -> None:
    fill(capped)
    capped.clock.advance(hours=25)  # past the 24 h offline hold
    capped.tick()
    census = consistent()
    assert census["booking:expired"] == PER_IP
    assert book_from(capped, HOME, PER_IP).status == 201
    consistent()


def test_a_confirmed_deposit_gives_the_place_back(capped: Api) -> None:
    held = fill(capped)
    done = capped.post("/api/admin/confirm-deposit", token=admin_token(held[1]))
    assert done.status == 200 and done.body["booking"]["status"] == "confirmed"
    consistent()
    assert book_from(capped, HOME, PER_IP).status == 201
    consistent()


def test_approval_and_decline_close_pending_holds_and_give_places_back(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    restart(api, monkeypatch, capped_config(tmp_path, approval=True))
    pending = [book_from(api, HOME, n) for n in range(PER_IP)]
    assert {r.body["booking"]["status"] for r in pending} == {"pending_approval"}
    assert book_from(api, HOME, PER_IP).status == 429
    declined = api.post("/api/admin/decline", token=admin_token(pending[0]))
    assert declined.status == 200, declined.body
    approved = api.post("/api/admin/approve", token=admin_token(pending[1]))
    assert approved.status == 200 and approved.body["booking"]["status"] == "held"  # still holds
    consistent()
    assert book_from(api, HOME, PER_IP).status == 201
    assert book_from(api, HOME, PER_IP + 1).status == 429
    consistent()


def test_behind_cloudfront_the_viewer_counts_not_the_edge(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "s3cr3t-of-this-stack"
    restart(api, monkeypatch, capped_config(tmp_path), EDGE_SECRET=secret)

    def via_edge(viewer: str) -> dict[str, str]:
        return {EDGE_HEADER: secret, VIEWER_HEADER: viewer}

    fill(api, EDGE, headers=via_edge(HOME))
    assert book_from(api, EDGE, PER_IP, headers=via_edge(HOME)).status == 429
    # Another viewer through the same edge node is another network.
    assert book_from(api, EDGE, PER_IP, headers=via_edge(OFFICE)).status == 201
    consistent()


def test_a_forged_viewer_header_counts_under_the_callers_own_address(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    restart(api, monkeypatch, capped_config(tmp_path), EDGE_SECRET="s3cr3t-of-this-stack")
    fill(api, HOME)
    # Straight at the execute-api URL, without CloudFront's secret (or with a wrong one):
    # whatever it names as the viewer, the caller is still HOME.
    forged = {VIEWER_HEADER: OFFICE}
    assert book_from(api, HOME, PER_IP, headers=forged).status == 429
    forged |= {EDGE_HEADER: "guessed"}
    assert book_from(api, HOME, PER_IP, headers=forged).status == 429
    consistent()


def test_the_table_keeps_a_keyed_hash_of_the_network_never_the_address(capped: Api) -> None:
    held = fill(capped)
    items = scan(boto3.client("dynamodb"), TABLE)
    assert HOME not in json.dumps(items, default=str)
    [counter] = [it for it in items if it["PK"].startswith("IP#") and it["SK"] == "HOLDS"]
    assert counter["holds"] == PER_IP and counter["expires_at"] > 0
    assert len(counter["PK"].removeprefix("IP#")) == 16
    # Once the hold is over, the booking forgets its network too.
    capped.post("/api/admin/confirm-deposit", token=admin_token(held[0]))
    after = {it["id"]: it for it in scan(boto3.client("dynamodb"), TABLE) if it["SK"] == "BOOKING"}
    assert "ip_hash" not in after[held[0].body["booking"]["id"]]
    assert "ip_hash" in after[held[1].body["booking"]["id"]]
