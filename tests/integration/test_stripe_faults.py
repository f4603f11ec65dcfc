"""Stripe fails once, then the flow is retried: nothing lost, nothing doubled (issue 8).

The code under test talks to a real localstripe through one more hop on
loopback (`StripeWire`), which breaks chosen calls the way a network does:
`refuse` closes the connection before anything reaches Stripe; `lose` lets
Stripe do the work and then drops its answer; `answer` replies as Stripe does
when it refuses (a 400 with an error code, a 429, a 500) without reaching it.
Every failure is repeated for the SDK's own retries, so it reaches keepslot.
The hop also keeps the promise Stripe makes and localstripe does not: a POST
whose Idempotency-Key Stripe has seen gets the first answer again (with other
parameters: 400 idempotency_error).
So these tests also show that a retry reuses its key and a new card does not.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
import stripe

from infra.local.localstripe import LocalStripe
from keepslot.adapters.payments.stripe_gateway import STRIPE_RETRIES
from tests.integration.conftest import Api, FixedClock
from tests.integration.conftest_stripe import (
    confirm_card_setup,
    deliver,
    event,
    ledger,
    outbox_templates,
    serve_stripe_api,
    stripe_config,
    stripe_env,
)
from tests.integration.test_api_bookings import THU_LATER, body, token_of
from tests.integration.test_faults import booking_items, consistent, sent_per_message
from tests.integration.test_stripe_payments import book_and_save_card, booking_item, pay

pytest_plugins = ["tests.integration.conftest_stripe"]

SDK_ATTEMPTS = 1 + STRIPE_RETRIES  # the gateway's StripeClient: each call, and its retries
HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "content-encoding", "host"}


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    key: str | None
    replayed: bool
    data: bytes = b""  # the form-encoded parameters sent


class StripeWire:
    """localstripe behind a loopback hop that fails on purpose and honours idempotency keys."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.calls: list[Call] = []
        self._faults: list[list[Any]] = []  # [method, path, mode, times left, answer]
        self._replies: dict[tuple[str, str], tuple[bytes, int, bytes, str]] = {}
        self._lock = threading.Lock()
        wire = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                wire._serve(self)

            do_GET = do_POST = do_DELETE = _any

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def fail(self, method: str, path: str, mode: str, times: int = SDK_ATTEMPTS) -> None:
        """Break the next `times` calls of `method path` (query string aside)."""
        assert mode in ("refuse", "lose")
        self._faults.append([method, path, mode, times, None])

    def answer(
        self, method: str, path: str, status: int, error: dict[str, str], times: int = 1
    ) -> None:
        """Answer the next `times` calls of `method path` with Stripe's error `status` and
        body, Stripe untouched (the SDK retries a 5xx once, a 4xx never)."""
        self._faults.append([method, path, "answer", times, (status, {"error": error})])

    def keys(self, method: str, path: str) -> list[str | None]:
        return [c.key for c in self.calls if (c.method, c.path) == (method, path)]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _fault(self, method: str, path: str) -> tuple[str | None, Any]:
        for f in self._faults:
            if (f[0], f[1]) == (method, path) and f[3] > 0:
                f[3] -= 1
                return str(f[2]), f[4]
        return None, None

    def _serve(self, req: BaseHTTPRequestHandler) -> None:
        data = req.rfile.read(int(req.headers.get("Content-Length") or 0))
        path = req.path.split("?", 1)[0]
        key = req.headers.get("Idempotency-Key") if req.command == "POST" else None
        mode, canned = self._fault(req.command, path)
        if mode == "refuse":  # the socket closes unanswered; Stripe never saw it
            self.calls.append(Call(req.command, path, key, False, data))
            req.close_connection = True
            return
        if mode == "answer":
            self.calls.append(Call(req.command, path, key, False, data))
            status, error = canned
            req.send_response(status)
            payload = json.dumps(error).encode()
            req.send_header("Content-Type", "application/json")
            req.send_header("Content-Length", str(len(payload)))
            req.end_headers()
            req.wfile.write(payload)
            return
        status, ctype, payload, replayed = self._answer(req, key, data)
        self.calls.append(Call(req.command, path, key, replayed, data))
        if mode == "lose":  # Stripe did it; its answer never arrives
            req.close_connection = True
            return
        req.send_response(status)
        req.send_header("Content-Type", ctype)
        req.send_header("Content-Length", str(len(payload)))
        if replayed:
            req.send_header("Idempotent-Replayed", "true")
        req.end_headers()
        req.wfile.write(payload)

    def _answer(
        self, req: BaseHTTPRequestHandler, key: str | None, data: bytes
    ) -> tuple[int, str, bytes, bool]:
        if key is None:
            return (*self._forward(req, data), False)
        with self._lock:  # Stripe's idempotency: per account and key, the first answer
            scope = (req.headers.get("Authorization", ""), key)
            seen = self._replies.get(scope)
            if seen is not None:
                sent, status, payload, ctype = seen
                if sent != data:
                    return 400, "application/json", _idempotency_error(key), False
                return status, ctype, payload, True
            status, ctype, payload = self._forward(req, data)
            if status < 400 or status == 402 or status >= 500:  # it ran: Stripe keeps it
                self._replies[scope] = (data, status, payload, ctype)
            return status, ctype, payload, False

    def _forward(self, req: BaseHTTPRequestHandler, data: bytes) -> tuple[int, str, bytes]:
        headers = {k: v for k, v in req.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["Accept-Encoding"] = "identity"
        r = requests.request(
            req.command, self.upstream + req.path, data=data, headers=headers, timeout=10
        )
        return r.status_code, r.headers.get("Content-Type", "application/json"), r.content


def _idempotency_error(key: str) -> bytes:
    message = (
        "Keys for idempotent requests can only be used with the same parameters they were "
        f"first used with. Try using a key other than '{key}' if you meant to execute a "
        "different request."
    )
    return json.dumps({"error": {"type": "idempotency_error", "message": message}}).encode()


@pytest.fixture
def wire(localstripe: LocalStripe) -> Iterator[StripeWire]:
    w = StripeWire(localstripe.url)
    yield w
    w.close()


@pytest.fixture
def wired(
    aws: None,
    clock: FixedClock,
    localstripe: LocalStripe,
    wire: StripeWire,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[Api]:
    """The API in stripe mode, reaching localstripe only through the wire."""
    env = stripe_env(localstripe, stripe_config(tmp_path)) | {"STRIPE_API_BASE": wire.url}
    yield from serve_stripe_api(clock, env, monkeypatch)


def at_stripe(client: stripe.StripeClient, kind: str, booking_id: str) -> list[Any]:
    """What localstripe holds for a booking: `kind` is payment_intents, setup_intents..."""
    listing = getattr(client.v1, kind).list(params={"limit": 100})
    return [o for o in listing.auto_paging_iter() if meta(o).get("booking_id") == booking_id]


def meta(obj: Any) -> dict[str, Any]:
    return obj.metadata.to_dict() if obj.metadata else {}


def unavailable(reply: Any) -> None:
    """The answer to an upstream failure: 503, a code the page retries, no internals."""
    assert reply.status == 503, reply.body
    assert reply.body["error"]["code"] == "payment_unavailable"
    assert reply.headers.get("Retry-After") == "2"
    assert "Traceback" not in str(reply.body) and "stripe" not in str(reply.body).lower()


def once_each(booking_id: str) -> None:
    """Every email of the booking is in the outbox once, and each went out once."""
    templates = outbox_templates(booking_id)
    assert len(templates) == len(set(templates)), templates
    assert set(sent_per_message().values()) == {1}


# ---- (a) starting the deposit payment ------------------------------------------


@pytest.mark.parametrize(
    ("path", "mode"), [("/v1/customers", "refuse"), ("/v1/setup_intents", "lose")]
)
def test_card_form_fails_once_the_booking_stands_and_asking_again_gets_the_form_once(
    wired: Api,
    wire: StripeWire,
    localstripe: LocalStripe,
    stripe_client: stripe.StripeClient,
    path: str,
    mode: str,
) -> None:
    key, payload = str(uuid.uuid4()), body(wired)
    wire.fail("POST", path, mode)
    first = wired.post("/api/bookings", payload, headers={"Idempotency-Key": key})
    assert first.status == 201, first.body  # the booking stands; only its card form is missing
    assert first.body["payment"]["error"]["code"] == "payment_unavailable"
    assert "client_secret" not in first.body["payment"]
    [held] = booking_items()
    # The manage page shows the booking even while the card form cannot be made.
    wire.fail("POST", path, mode)
    page = wired.get("/api/manage", token=token_of(first.body["manage_url"]))
    assert page.status == 200 and page.body["payment"]["error"]["code"] == "payment_unavailable"
    again = wired.post("/api/bookings", payload, headers={"Idempotency-Key": key})
    assert again.status == 201, again.body
    booking_id = again.body["booking"]["id"]
    assert held["id"]["S"] == booking_id
    assert again.body["payment"]["kind"] == "stripe"
    [seti] = at_stripe(stripe_client, "setup_intents", booking_id)
    assert again.body["payment"]["client_secret"] == seti.client_secret
    assert len(at_stripe(stripe_client, "customers", booking_id)) == 1
    confirm_card_setup(localstripe.url, seti.client_secret)
    paid = wired.post("/api/manage/payment", {}, token=token_of(again.body["manage_url"]))
    assert paid.status == 200 and paid.body["booking"]["status"] == "confirmed"
    assert len(at_stripe(stripe_client, "payment_intents", booking_id)) == 1
    assert [e["kind"] for e in ledger(booking_id)] == ["paid"]
    wired.tick()
    once_each(booking_id)
    consistent()


@pytest.mark.parametrize("mode", ["refuse", "lose"])
def test_deposit_charge_fails_once_then_the_retried_payment_confirms_once(
    wired: Api,
    wire: StripeWire,
    localstripe: LocalStripe,
    stripe_client: stripe.StripeClient,
    mode: str,
) -> None:
    booked, token = book_and_save_card(wired, localstripe)
    booking_id = booked["booking"]["id"]
    wire.fail("POST", "/v1/payment_intents", mode)
    unavailable(wired.post("/api/manage/payment", {}, token=token))
    assert wired.get("/api/manage", token=token).body["booking"]["status"] == "held"
    assert ledger(booking_id) == []
    charged = [pi.status for pi in at_stripe(stripe_client, "payment_intents", booking_id)]
    assert charged == ([] if mode == "refuse" else ["succeeded"])  # lost: paid, not recorded
    again = wired.post("/api/manage/payment", {}, token=token)
    assert again.status == 200 and again.body["booking"]["status"] == "confirmed"
    [pi] = at_stripe(stripe_client, "payment_intents", booking_id)
    assert pi.status == "succeeded" and pi.amount == 6000
    assert [(e["kind"], e["ref"]) for e in ledger(booking_id)] == [("paid", pi.id)]
    assert len(set(wire.keys("POST", "/v1/payment_intents"))) == 1  # every try, one key
    wired.tick()
    once_each(booking_id)
    consistent()


def test_a_lost_answer_is_absorbed_by_the_sdk_retry_with_the_same_key(
    wired: Api, wire: StripeWire, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booked, token = book_and_save_card(wired, localstripe)
    wire.fail("POST", "/v1/payment_intents", "lose", times=1)
    r = wired.post("/api/manage/payment", {}, token=token)
    assert r.status == 200 and r.body["booking"]["status"] == "confirmed"
    tries = [c for c in wire.calls if (c.method, c.path) == ("POST", "/v1/payment_intents")]
    assert [c.replayed for c in tries] == [False, True] and tries[0].key == tries[1].key
    assert len(at_stripe(stripe_client, "payment_intents", booked["booking"]["id"])) == 1


def test_late_reschedule_reports_a_missing_card_form_then_the_new_page_offers_it(
    wired: Api, wire: StripeWire, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    _, token = pay(wired, localstripe)
    wired.clock.at = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 40 h before: a new deposit
    wire.fail("POST", "/v1/setup_intents", "refuse")
    r = wired.post("/api/manage/reschedule", {"start": THU_LATER}, token=token)
    assert r.status == 200, r.body  # the move is done: a retry could not redo it
    assert r.body["payment"]["error"]["code"] == "payment_unavailable"
    assert "client_secret" not in r.body["payment"]
    new_id, new_token = r.body["new_booking"]["id"], token_of(r.body["manage_url"])
    page = wired.get("/api/manage", token=new_token)
    assert page.status == 200 and page.body["payment"]["kind"] == "stripe"
    confirm_card_setup(localstripe.url, page.body["payment"]["client_secret"])
    done = wired.post("/api/manage/payment", {}, token=new_token)
    assert done.status == 200 and done.body["booking"]["status"] == "confirmed"
    assert len(at_stripe(stripe_client, "setup_intents", new_id)) == 1
    wired.tick()
    once_each(new_id)
    consistent()


# ---- (b) refunds, made by the clock ----------------------------------------------


def _freelancer_cancels(api: Api, booking_id: str) -> None:
    from keepslot import bootstrap

    b = booking_item(api, booking_id)
    admin = token_of(bootstrap.app().links.admin(b.id, api.clock.now()))
    assert api.post("/api/admin/cancel", {}, token=admin).status == 200


def _waived_as_refund(api: Api, booking_id: str) -> None:
    from keepslot import bootstrap

    b = booking_item(api, booking_id)
    manage = token_of(bootstrap.app().links.manage(b.id, b.start))
    api.clock.at = datetime(2026, 12, 2, 13, 0, tzinfo=UTC)  # 20 h before: all forfeited
    assert api.post("/api/manage/cancel", {}, token=manage).body["outcome"]["forfeited"] == 6000
    admin = token_of(bootstrap.app().links.admin(b.id, api.clock.now()))
    r = api.post("/api/admin/waive", {"as": "refund"}, token=admin)
    assert r.status == 200, r.body


@pytest.mark.parametrize(
    ("decide", "mode"), [(_freelancer_cancels, "refuse"), (_waived_as_refund, "lose")]
)
def test_refund_fails_once_then_the_next_tick_refunds_once(
    wired: Api,
    wire: StripeWire,
    localstripe: LocalStripe,
    stripe_client: stripe.StripeClient,
    decide: Any,
    mode: str,
) -> None:
    booking_id, _ = pay(wired, localstripe)
    pi = booking_item(wired, booking_id).payment_ref["payment_intent"]
    decide(wired, booking_id)
    wire.fail("POST", "/v1/refunds", mode)
    wired.tick()  # the refund job fails and stays due; the tick itself goes on
    made = stripe_client.v1.refunds.list(params={"payment_intent": pi}).data
    assert len(made) == (0 if mode == "refuse" else 1)
    assert "refunded" not in [e["kind"] for e in ledger(booking_id)]
    wired.tick()
    wired.tick()  # nothing left to do: no second refund
    [refund] = stripe_client.v1.refunds.list(params={"payment_intent": pi}).data
    assert refund.amount == 6000
    recorded = [(e["ref"], e["amount"]) for e in ledger(booking_id) if e["kind"] == "refunded"]
    assert recorded == [(refund.id, 6000)]
    once_each(booking_id)
    consistent()


def test_webhook_answers_503_when_stripe_fails_and_the_redelivery_records_once(
    wired: Api, wire: StripeWire, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    booking_id, _ = pay(wired, localstripe)
    pi = ledger(booking_id)[0]["ref"]
    refund = stripe_client.v1.refunds.create(params={"payment_intent": pi, "amount": 1000})
    charge = {  # a refund made in Stripe's dashboard: the event names no booking
        "id": "ch_" + pi.removeprefix("pi_"),
        "object": "charge",
        "payment_intent": pi,
        "currency": "eur",
        "metadata": {},
        "refunds": {"object": "list", "data": [{"id": refund.id, "amount": 1000}]},
    }
    payload = event("charge.refunded", charge)
    wire.fail("GET", f"/v1/payment_intents/{pi}", "refuse")
    status, reply = deliver(payload)
    assert status == 503 and reply["error"]["code"] == "payment_unavailable"
    assert "refunded" not in [e["kind"] for e in ledger(booking_id)]
    assert deliver(payload) == (200, {"received": True, "result": "refund recorded"})
    assert deliver(payload)[1]["result"] == "duplicate"
    refunded = [(e["ref"], e["amount"]) for e in ledger(booking_id) if e["kind"] == "refunded"]
    assert refunded == [(refund.id, 1000)]


# ---- (c) the no-show fee: the gateway only (no flow charges it yet) ------------------


def test_no_show_fee_charge_whose_answer_is_lost_is_replayed_not_doubled(
    wired: Api, wire: StripeWire, localstripe: LocalStripe, stripe_client: stripe.StripeClient
) -> None:
    from keepslot import bootstrap
    from keepslot.service.payments import PaymentUnavailable

    booking_id, _ = pay(wired, localstripe)
    booking = booking_item(wired, booking_id)
    wire.fail("POST", "/v1/payment_intents", "lose")
    with pytest.raises(PaymentUnavailable):
        bootstrap.app().payments.charge_fee(booking)
    fee = bootstrap.app().payments.charge_fee(booking)
    assert (fee.status, fee.amount) == ("succeeded", 2500)
    fees = [
        pi
        for pi in at_stripe(stripe_client, "payment_intents", booking_id)
        if meta(pi).get("kind") == "no_show_fee"
    ]
    assert [pi.id for pi in fees] == [fee.id]


def test_the_wire_refuses_for_real(wire: StripeWire) -> None:
    """The injected fault is a network failure, not an HTTP answer."""
    wire.fail("GET", "/v1/customers", "refuse", times=1)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{wire.url}/v1/customers", timeout=5)
