"""Stripe fixtures: a real localstripe on loopback (one per session), the API in
stripe mode against it, and helpers that play Stripe.js and Stripe's webhooks.

Registered through `pytest_plugins` in the test modules that use it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
import stripe

from infra.local.localstripe import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET, LocalStripe
from tests.integration.conftest import Api, FixedClock
from tests.support.apigw import LambdaContext, http_event

ROOT = Path(__file__).resolve().parents[2]
CARD_OK = "4242424242424242"
CARD_DECLINED_ON_CHARGE = "4000000000000341"  # saved fine, declined when charged

# The sample config in stripe mode, with tiers (48-24 h: half kept, under 24 h:
# all kept, the rest refunded to the card) and a no-show fee.
POLICY_EDITS = {
    "    - {under_hours: 48, forfeit_percent: 100}\n": (
        "    - {under_hours: 48, forfeit_percent: 50}\n"
        "    - {under_hours: 24, forfeit_percent: 100}\n"
    ),
    "  late_remainder: credit ": "  late_remainder: refund ",
    "  no_show_fee: 0 ": "  no_show_fee: 25 ",
}


def stripe_config(tmp_path: Path) -> Path:
    text = (ROOT / "keepslot.yaml").read_text(encoding="utf-8")
    for old, new in POLICY_EDITS.items():
        assert old in text, f"keepslot.yaml changed: {old!r} not found"
        text = text.replace(old, new)
    path = tmp_path / "keepslot-stripe.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def localstripe() -> Iterator[LocalStripe]:
    server = LocalStripe().start()
    yield server
    server.stop()


@pytest.fixture
def stripe_client(localstripe: LocalStripe) -> stripe.StripeClient:
    """What the test sees of Stripe: the same localstripe, with the secret key."""
    return stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe.url})


def stripe_env(localstripe: LocalStripe, config: Path) -> dict[str, str]:
    return {
        "KEEPSLOT_CONFIG": str(config),
        "STRIPE_API_BASE": localstripe.url,
        "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
        "STRIPE_SECRET_PARAM": "/keepslot/stripe-secret",
        "STRIPE_WEBHOOK_PARAM": "/keepslot/stripe-webhook-secret",
    }


def put_stripe_secrets() -> None:
    ssm = boto3.client("ssm")
    for name, value in (
        ("/keepslot/stripe-secret", SECRET_KEY),
        ("/keepslot/stripe-webhook-secret", WEBHOOK_SECRET),
    ):
        ssm.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)


@pytest.fixture
def stripe_api(
    aws: None,
    clock: FixedClock,
    localstripe: LocalStripe,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[Api]:
    """The API in stripe mode, in-process against moto and the real localstripe."""
    env = stripe_env(localstripe, stripe_config(tmp_path))
    yield from serve_stripe_api(clock, env, monkeypatch)


def serve_stripe_api(
    clock: FixedClock, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Api]:
    """The in-process API with `env` set and the Stripe secrets in moto's SSM."""
    from keepslot import bootstrap

    for k, v in env.items():
        monkeypatch.setenv(k, v)
    put_stripe_secrets()
    bootstrap.reset()
    bootstrap.use_clock(clock)
    yield Api(clock)
    bootstrap.reset()


# ---- what Stripe.js does in the page ---------------------------------------------


def confirm_card_setup(api_base: str, client_secret: str, card: str = CARD_OK) -> str:
    """`stripe.confirmCardSetup(client_secret, {payment_method: {card}})`, as localstripe's
    Stripe.js sends it (publishable key only); returns the SetupIntent id."""
    seti = client_secret.split("_secret_")[0]
    r = requests.post(
        f"{api_base}/v1/setup_intents/{seti}/confirm",
        json={
            "key": PUBLISHABLE_KEY,
            "use_stripe_sdk": True,
            "client_secret": client_secret,
            "payment_method_data": {
                "type": "card",
                "card": {"number": card, "exp_month": 12, "exp_year": 2031, "cvc": "123"},
            },
        },
        timeout=10,
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "succeeded"
    return seti


# ---- what Stripe's webhook deliveries look like -------------------------------------


def signature(payload: bytes, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """The Stripe-Signature header, computed as Stripe does: HMAC-SHA256 of "t.payload"."""
    t = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def event(kind: str, obj: dict[str, Any], event_id: str | None = None) -> bytes:
    body = {
        "id": event_id or f"evt_{kind.replace('.', '_')}_{time.time_ns()}",
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }
    return json.dumps(body).encode()


def deliver(payload: bytes, sig: str | None = None) -> tuple[int, Any]:
    """POST /api/payments/stripe through the webhook Lambda's real handler."""
    from keepslot.handlers import webhook

    headers = {"stripe-signature": sig if sig is not None else signature(payload)}
    ev = http_event("POST", "/api/payments/stripe", payload.decode(), headers)
    res = webhook.handler(ev, LambdaContext(function_name="keepslot-webhook"))  # type: ignore[arg-type]
    return res["statusCode"], json.loads(res["body"])


class WebhookInbox:
    """A loopback HTTP endpoint that keeps what localstripe delivers (body and signature)."""

    def __init__(self) -> None:
        self.received: list[tuple[bytes, str]] = []
        inbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                inbox.received.append((self.rfile.read(size), self.headers["Stripe-Signature"]))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def wait_for(self, kind: str, intent_id: str, timeout: float = 10) -> tuple[bytes, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for body, sig in list(self.received):
                ev = json.loads(body)
                if ev["type"] == kind and ev["data"]["object"]["id"] == intent_id:
                    return body, sig
            time.sleep(0.1)
        raise AssertionError(f"localstripe sent no {kind} for {intent_id}")

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="session")
def webhook_inbox(localstripe: LocalStripe) -> Iterator[WebhookInbox]:
    inbox = WebhookInbox()
    localstripe.register_webhook("tests", inbox.url)
    yield inbox
    inbox.close()


# ---- reading the table -----------------------------------------------------------


def ledger(booking_id: str, table: str = "keepslot-test") -> list[dict[str, Any]]:
    res = boto3.client("dynamodb").query(
        TableName=table,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :l)",
        ExpressionAttributeValues={":pk": {"S": f"BOOKING#{booking_id}"}, ":l": {"S": "LEDGER#"}},
    )
    return [
        {"kind": i["kind"]["S"], "amount": int(i["amount"]["N"]), "ref": i["ref"]["S"]}
        for i in res["Items"]
    ]


def outbox_templates(booking_id: str, table: str = "keepslot-test") -> list[str]:
    items = boto3.client("dynamodb").scan(TableName=table)["Items"]
    return sorted(
        i["template"]["S"]
        for i in items
        if i["SK"]["S"] == "OUTBOX" and i["booking_id"]["S"] == booking_id
    )
