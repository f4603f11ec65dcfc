"""`make serve` in stripe mode: localstripe on loopback, its webhook registered with
the gateway, and a card payment confirming a booking with no admin action."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from tests.support.configs import stripe_with_tiers
from tests.support.stack import LocalStack
from tests.support.stripe_play import confirm_card_setup

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stripe_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    config = stripe_with_tiers(tmp_path_factory.mktemp("stripe-stack"))
    with LocalStack(config=config) as stack:
        yield stack


def _booking(stack: LocalStack) -> dict[str, Any]:
    version = stack.get("/api/config").json()["policy_version"]
    day = stack.now().date()
    slots: list[dict[str, str]] = []
    for offset in range(4, 14):
        d = day.fromordinal(day.toordinal() + offset).isoformat()
        slots = stack.get(f"/api/slots?service=strategia&from={d}&to={d}").json()["slots"]
        if slots:
            break
    return {
        "service": "strategia",
        "start": slots[0]["start"],
        "mode": "video",
        "name": "Anna Bianchi",
        "email": "anna@example.com",
        "policy_version": version,
        "answers": {"business": "Panificio", "goal": "Altro"},
    }


def test_dev_stripe_names_a_loopback_localstripe(stripe_stack: LocalStack) -> None:
    r = stripe_stack.get("/_dev/stripe")
    assert r.status_code == 200
    info = r.json()
    assert info["publishable_key"].startswith("pk_test_")
    host = urlsplit(info["api_base"]).hostname
    assert host == "127.0.0.1"
    js = requests.get(info["api_base"] + "/js.stripe.com/v3/", timeout=10)
    assert js.status_code == 200 and "confirmCardSetup" in js.text
    # Loopback only: the port is not reachable on another local address.
    port = urlsplit(info["api_base"]).port
    assert port is not None
    addresses = {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    for addr in addresses - {"127.0.0.1"}:
        with socket.socket() as s, pytest.raises(OSError):
            s.settimeout(1)
            s.connect((addr, port))


def test_a_card_payment_in_the_local_stack_confirms_the_booking(stripe_stack: LocalStack) -> None:
    info = stripe_stack.get("/_dev/stripe").json()
    r = stripe_stack.post("/api/bookings", _booking(stripe_stack))
    assert r.status_code == 201, r.text
    res = r.json()
    pay = res["payment"]
    assert pay["kind"] == "stripe"
    assert pay["publishable_key"] == info["publishable_key"]
    assert pay["js_url"] == info["api_base"] + "/js.stripe.com/v3/"
    confirm_card_setup(info["api_base"], pay["client_secret"])  # what Stripe.js does
    token = res["manage_url"].split("#", 1)[1]
    auth = {"Authorization": f"Bearer {token}"}
    done = stripe_stack.post("/api/manage/payment", {}, headers=auth)
    assert done.status_code == 200, done.text
    assert done.json()["booking"]["status"] == "confirmed"
    # localstripe's own webhook (signed, about a second later) reaches the gateway's
    # webhook function, is accepted, and changes nothing more.
    deadline = time.monotonic() + 10
    while "POST /api/payments/stripe 200" not in stripe_stack.output():
        assert time.monotonic() < deadline, stripe_stack.output()
        time.sleep(0.2)
    booking = stripe_stack.get("/api/manage", headers=auth).json()["booking"]
    assert booking["deposit"]["status"] == "paid"
    alerts = [m for m in stripe_stack.outbox() if "giulia@giuliarossi.it" in str(m["to"])]
    assert len(alerts) == 2, [m["subject"] for m in alerts]  # held, then paid: once each


def test_bad_signature_at_the_gateway_is_400(stripe_stack: LocalStack) -> None:
    r = stripe_stack.post(
        "/api/payments/stripe",
        {"id": "evt_x", "type": "payment_intent.succeeded"},
        headers={"Stripe-Signature": "t=1,v1=00"},
    )
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "bad_signature"
