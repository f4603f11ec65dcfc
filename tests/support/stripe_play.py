"""Playing Stripe's side against localstripe: what Stripe.js does in the booking page,
what Stripe's signed webhook deliveries look like, and an endpoint that keeps what
localstripe delivers. The fixtures that start localstripe are in
tests/integration/conftest.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import requests
import stripe

from infra.local.localstripe import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET, LocalStripe
from tests.support.api import Api, body, emailed_token, token_of
from tests.support.apigw import LambdaContext, http_event

CARD_OK = "4242424242424242"
CARD_DECLINED_ON_CHARGE = "4000000000000341"  # saved fine, declined when charged


def stripe_env(localstripe: LocalStripe, config: Path) -> dict[str, str]:
    """What the functions' environment says in stripe mode, pointed at localstripe."""
    return {
        "KEEPSLOT_CONFIG": str(config),
        "STRIPE_API_BASE": localstripe.url,
        "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
        "STRIPE_SECRET_PARAM": "/keepslot/stripe-secret",
        "STRIPE_WEBHOOK_PARAM": "/keepslot/stripe-webhook-secret",
    }


def put_stripe_secrets() -> None:
    """What `make deploy` puts in SSM, put in the current (moto) account."""
    ssm = boto3.client("ssm")
    for name, value in (
        ("/keepslot/stripe-secret", SECRET_KEY),
        ("/keepslot/stripe-webhook-secret", WEBHOOK_SECRET),
    ):
        ssm.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)


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
            for payload, sig in list(self.received):
                ev = json.loads(payload)
                if ev["type"] == kind and ev["data"]["object"]["id"] == intent_id:
                    return payload, sig
            time.sleep(0.1)
        raise AssertionError(f"localstripe sent no {kind} for {intent_id}")

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


# ---- a client paying in the page, as the in-process API sees it ------------------


def book_and_save_card(
    api: Api, ls: LocalStripe, card: str = CARD_OK, **over: Any
) -> tuple[dict[str, Any], str]:
    """Book (stripe mode) and save the card as the page does: the reply and the token."""
    r = api.post("/api/bookings", body(api, **over))
    assert r.status == 201, r.body
    pay = r.body["payment"]
    assert pay["kind"] == "stripe"
    assert pay["publishable_key"].startswith("pk_test_")
    confirm_card_setup(ls.url, pay["client_secret"], card)
    return r.body, token_of(r.body["manage_url"])


def pay(api: Api, ls: LocalStripe, **over: Any) -> tuple[str, str]:
    """Book, save the card in the page and report it with the booking answer's link (which
    may pay): the booking id and the token of the link emailed to the client."""
    booked, token = book_and_save_card(api, ls, **over)
    r = api.post("/api/manage/payment", {"setup_intent": "ignored"}, token=token)
    assert r.status == 200, r.body
    assert r.body["booking"]["status"] == "confirmed"
    booking_id = booked["booking"]["id"]
    return booking_id, emailed_token(api, booking_id)


# ---- what localstripe holds --------------------------------------------------------


def at_stripe(client: stripe.StripeClient, kind: str, booking_id: str) -> list[Any]:
    """What localstripe holds for a booking: `kind` is payment_intents, setup_intents..."""
    listing = getattr(client.v1, kind).list(params={"limit": 100})
    return [o for o in listing.auto_paging_iter() if meta(o).get("booking_id") == booking_id]


def meta(obj: Any) -> dict[str, Any]:
    return obj.metadata.to_dict() if obj.metadata else {}


def intent_json(client: stripe.StripeClient, intent_id: str, **over: Any) -> dict[str, Any]:
    obj: dict[str, Any] = client.v1.payment_intents.retrieve(intent_id).to_dict()
    return obj | over


def charge_without_recording(booking_id: str) -> str:
    """Charge the deposit at Stripe as the payment route would, then 'crash' before the write."""
    from keepslot import bootstrap

    app = bootstrap.app()
    booking, _ = app.store.get_booking(booking_id)
    intent = app.payments.charge_deposit(booking)
    assert intent.status == "succeeded"
    return intent.id
