"""schemathesis against every route of the real API handler, and signed events against
the webhook: what an attacker can reach, with the credentials a client really holds.

- Every operation of the published OpenAPI document is fuzzed, positive and negative.
  The routes behind a link get the token of a real booking in the header (the emailed
  manage link, or the freelancer's admin link), a fresh booking for each operation, and
  the dashboard's routes a real session, so the cases reach the use cases and not only
  the token check.
- The webhook gets events Stripe could send (known types and others, objects with real
  and made-up booking ids), each signed with the webhook secret, so they pass the
  signature and reach the event handling.

A 5xx, a response that breaks the document, or a crash fails. Used by
tests/integration/test_openapi_fuzz.py (bounded, derandomized) and bench/fuzz.py
(randomized, longer).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import hypothesis
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.support.api import Api, admin_link, body, emailed_token
from tests.support.apigw import LambdaContext, http_event
from tests.support.configs import INTAKE_ANSWERS
from tests.support.flows import booked

CONTEXT: Any = LambdaContext()
FEED_TOKEN = "f" * 40  # the calendar feed's secret, stored as a deploy stores it
# Real values, so that positive cases reach the use cases and not only the validator.
HINTS: dict[str, Callable[[Api], dict[str, Any]]] = {
    "/api/bookings": lambda api: {"body": body(api)},
    "/api/slots": lambda api: {
        "query": {"service": "strategia", "from": "2026-12-01", "to": "2026-12-07"}
    },
    "/api/feed.ics": lambda api: {"query": {"token": FEED_TOKEN}},
}
SIGN_IN = {"/api/dashboard/login", "/api/dashboard/session"}  # reached without a session
EVENT_TYPES = [
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "charge.refunded",
    "charge.refund.updated",
    "charge.dispute.created",
    "setup_intent.succeeded",
    "customer.created",
]


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)
    seen: dict[str, set[int]] = field(default_factory=dict)
    cases: int = 0


def lambda_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """WSGI -> the API handler as API Gateway would call it -> WSGI."""
    from keepslot.handlers import api

    size = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(size).decode("utf-8", "replace") if size else None
    headers = {
        k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    query = environ.get("QUERY_STRING", "")
    url = environ.get("PATH_INFO", "/") + (f"?{query}" if query else "")
    result = api.handler(http_event(environ["REQUEST_METHOD"], url, raw, headers), CONTEXT)
    status = int(result["statusCode"])
    start_response(f"{status} X", list((result.get("headers") or {}).items()))
    return [(result.get("body") or "").encode()]


def operations() -> list[Any]:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", lambda_app)
    return [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]


class Bookings:
    """A fresh confirmed booking for each operation behind a link: its bearer header."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.n = 0
        self.ids: list[str] = []

    def dashboard(self) -> dict[str, str]:
        """The freelancer's dashboard session, signed in through the emailed link."""
        import re

        from keepslot import bootstrap
        from tests.support.api import sent_mail

        alerts = str(bootstrap.app().config.business.alerts)
        assert self.api.post("/api/dashboard/login", {"email": alerts}).status == 202
        self.api.tick()
        login = re.findall(r"/dashboard/#([\w.-]+)", sent_mail()[-1]["text"])[-1]
        session = self.api.post("/api/dashboard/session", token=login).body["token"]
        return {"authorization": f"Bearer {session}"}

    def bearer(self, path: str) -> dict[str, str]:
        from keepslot import bootstrap
        from keepslot.domain.instants import parse_iso
        from keepslot.service.admin import confirm_deposit

        api, app = self.api, bootstrap.app()
        # From next week on: the week ahead stays free for the booking route's own cases.
        first = (api.clock.now() + timedelta(days=7)).date()
        url = f"/api/slots?service=strategia&from={first}&to={first + timedelta(days=28)}"
        free = [s["start"] for s in api.get(url).body["slots"]]
        self.n += 1
        # Booked through the use case: the network's daily cap is the booking route's business.
        start = parse_iso(free[(self.n * 7) % len(free)])
        now = app.clock.now()
        email = f"fuzz{self.n}@example.com"
        booking_id = booked(app.ctx, email, start, now, answers=dict(INTAKE_ANSWERS))
        confirm_deposit(app.ctx, booking_id, now)
        self.ids.append(booking_id)
        if path.startswith("/api/admin"):
            return {"authorization": f"Bearer {admin_link(booking_id)}"}
        return {"authorization": f"Bearer {emailed_token(api, booking_id)}"}


def store_feed_token() -> None:
    """The calendar feed's token in SSM, as `make deploy` stores it."""
    import boto3

    from keepslot import bootstrap

    name = bootstrap.app().env.feed_token_param
    boto3.client("ssm").put_parameter(
        Name=name, Value=FEED_TOKEN, Type="SecureString", Overwrite=True
    )


def fuzz_api(api: Api, examples: int, *, derandomize: bool) -> Report:
    store_feed_token()
    report = Report()
    bookings = Bookings(api)
    session = bookings.dashboard()
    modes = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    for op in operations():
        behind_link = op.path.startswith(("/api/manage", "/api/admin"))
        headers = bookings.bearer(op.path) if behind_link else {}
        if op.path.startswith("/api/dashboard") and op.path not in SIGN_IN:
            behind_link, headers = True, session
        for mode in modes:
            label = f"{op.method.upper()} {op.path} {mode.value}"
            kwargs: dict[str, Any] = {}
            if mode is schemathesis.GenerationMode.POSITIVE and op.path in HINTS:
                kwargs |= HINTS[op.path](api)
            strategy = op.as_strategy(generation_mode=mode)
            if behind_link:  # every case carries a real link: they reach the use case
                strategy = op.as_strategy(generation_mode=mode, headers=headers, **kwargs)
            elif kwargs:  # real values next to random ones
                strategy = st.one_of(strategy, op.as_strategy(generation_mode=mode, **kwargs))
            _run(strategy, label, report, examples, derandomize)
    report.seen["booking ids"] = {len(bookings.ids)}
    return report


def _run(strategy: Any, label: str, report: Report, examples: int, derandomize: bool) -> None:
    statuses = report.seen.setdefault(label, set())

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=derandomize,  # in `make test` the same cases on every run
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        verbosity=hypothesis.Verbosity.quiet,  # failures are collected and reported above
    )
    @given(case=strategy)
    def fuzz(case: Any) -> None:
        report.cases += 1
        try:
            r = case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
            statuses.add(r.status_code)
        except Exception as e:  # collected, so one run reports every operation
            report.failures.append(f"{label}: {type(e).__name__}: {str(e)[:400]}")

    try:
        fuzz()
    except hypothesis.errors.Unsatisfiable:
        if "negative" not in label:  # nothing to break in a route without inputs
            report.failures.append(f"{label}: no case could be generated")


# ---- the webhook ------------------------------------------------------------------


def events(booking_ids: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Events Stripe could send: known and unknown types, real and made-up bookings."""
    text = st.text(max_size=12)
    booking = st.sampled_from(booking_ids) if booking_ids else text
    meta = st.fixed_dictionaries(
        {},
        optional={
            "booking_id": st.one_of(booking, text),
            "kind": st.sampled_from(["deposit", "no_show_fee", "other"]),
        },
    )
    obj = st.fixed_dictionaries(
        {"id": st.one_of(st.just("pi_missing"), text.map(lambda s: f"pi_{s}"))},
        optional={
            "object": st.sampled_from(["payment_intent", "charge", "refund", "dispute"]),
            "metadata": meta,
            "amount": st.integers(-10, 10**9),
            "amount_refunded": st.integers(0, 10**6),
            "currency": st.sampled_from(["eur", "usd", "", "jpy"]),
            "status": st.sampled_from(["succeeded", "canceled", "requires_payment_method"]),
            "payment_intent": text.map(lambda s: f"pi_{s}"),
            "reason": text,
        },
    )
    return st.fixed_dictionaries(
        {
            "id": st.text(min_size=1, max_size=20).map(lambda s: f"evt_{s}"),
            "type": st.one_of(st.sampled_from(EVENT_TYPES), text),
            "data": st.one_of(st.fixed_dictionaries({"object": obj}), st.just({})),
        },
        optional={"object": st.just("event"), "livemode": st.booleans()},
    )


def fuzz_webhook(booking_ids: list[str], examples: int, *, derandomize: bool) -> Report:
    from tests.support.stripe_play import deliver, signature

    report = Report()
    statuses = report.seen.setdefault("POST /api/payments/stripe signed", set())

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=derandomize,
        suppress_health_check=list(HealthCheck),
    )
    @given(ev=events(booking_ids))
    def fuzz(ev: dict[str, Any]) -> None:
        report.cases += 1
        payload = json.dumps(ev).encode()
        try:
            status, reply = deliver(payload, signature(payload))
        except Exception as e:  # the Lambda itself failed: Stripe sees a 502
            report.failures.append(f"webhook crashed: {type(e).__name__}: {e} on {ev}")
            return
        statuses.add(status)
        # A 503 asks Stripe to retry, meant only for a provider that did not answer.
        if status >= 500 and reply.get("error", {}).get("code") not in ("unavailable",):
            report.failures.append(f"webhook {status} {reply} on {ev}")

    fuzz()
    return report
