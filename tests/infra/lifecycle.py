"""One booking's whole life through the real handlers, against moto, every AWS call
recorded per function: what tests/infra/test_contract.py checks against the roles
and what infra/cost.py prices.

Each step is a fresh Lambda invocation of one function (new App, new clients,
empty parameter caches), so nothing one function fetched hides another's call.
Mail follows the stream's rule: a step that queues outbox items is followed by one
dispatcher run, as the filtered DynamoDB stream would start it.

The life: two idle clock ticks (the first creates the weekly digest job), then the
client opens the book page (config, slots) and books; the freelancer opens the
admin link and confirms the deposit; the client opens the manage page; the clock
runs each of the booking's jobs when due (reminders, hold expiry, no-show check,
completion). Then one signed Stripe event reaches the webhook (outside the
priced life: the sample config takes offline payments).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from infra.cost import Lifecycle, Tick, capacity, item_size
from tests.support.configs import FIXTURE, with_payments

TABLE = "keepslot-contract"
WEBHOOK_SECRET = "whsec_contract"
SECRET_VALUES = {
    "TokenKeyParam": "k" * 32,
    "StripeSecretParam": "sk_test_contract",
    "StripeWebhookParam": WEBHOOK_SECRET,
    "FeedTokenParam": "f" * 32,
}
ITEM_OVERHEAD = 100  # bytes DynamoDB adds to each item's stored size


@dataclass
class Call:
    function: str
    iam_service: str  # the signing name, as IAM spells the service: "ses" for sesv2
    operation: str
    params: dict[str, Any]
    response: dict[str, Any]


@dataclass
class Step:
    function: str
    part: str  # "setup", "idle", "life" or "extra"
    calls: list[Call] = field(default_factory=list)


@dataclass
class Recording:
    steps: list[Step] = field(default_factory=list)
    ssm_names: dict[str, str] = field(default_factory=dict)  # SSM name -> template parameter
    table: str = TABLE
    sender: str = ""
    stored_bytes: int = 0
    current: Step | None = None

    @property
    def calls(self) -> list[Call]:
        return [c for s in self.steps for c in s.calls]

    def of(self, function: str) -> list[Call]:
        return [c for c in self.calls if c.function == function]


def _recorder(rec: Recording, original: Any) -> Any:
    def _make_api_call(client: Any, operation: str, params: dict[str, Any]) -> Any:
        step = rec.current
        response: dict[str, Any] = {}
        try:
            response = original(client, operation, params)
            return response
        finally:  # a refused call (a condition failed) still needed the permission
            if step is not None:
                service = client.meta.service_model.signing_name
                step.calls.append(Call(step.function, service, operation, params, response))

    return _make_api_call


def _environment(template: dict[str, Any], mp: pytest.MonkeyPatch, rec: Recording) -> None:
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        mp.delenv(var, raising=False)
    fake = {
        "AWS_DEFAULT_REGION": "eu-south-1",
        "AWS_REGION": "eu-south-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "POWERTOOLS_METRICS_NAMESPACE": "keepslot",
        "POWERTOOLS_DEV": "false",
    }
    env = template["Globals"]["Function"]["Environment"]["Variables"]
    for var, value in env.items():
        if isinstance(value, dict) and "Ref" in value and value["Ref"] in SECRET_VALUES:
            name = f"/contract/{value['Ref']}"  # distinct names: each call maps to one secret
            rec.ssm_names[name] = value["Ref"]
            fake[var] = name
    fake |= {
        "TABLE_NAME": TABLE,
        "KEEPSLOT_CONFIG": str(with_payments("offline", Path(tempfile.mkdtemp()))),
        "SITE_URL": "https://booking.example.com",
        "STRIPE_PUBLISHABLE_KEY": "",
        "STRIPE_API_BASE": "",
    }
    for var, value in fake.items():
        mp.setenv(var, value)


def _provision(rec: Recording) -> None:
    import boto3

    from infra.table import create_table
    from keepslot.config.model import load_config

    create_table(boto3.client("dynamodb"), TABLE)
    ssm = boto3.client("ssm")
    for name, param in rec.ssm_names.items():
        ssm.put_parameter(Name=name, Value=SECRET_VALUES[param], Type="SecureString")
    business = load_config(FIXTURE).business
    rec.sender = str(business.sender)
    ses = boto3.client("sesv2")
    for address in (rec.sender, str(business.alerts)):
        ses.create_email_identity(EmailIdentity=address)


class Life:
    """Runs functions the way Lambda would, one fresh invocation per step."""

    def __init__(self, rec: Recording) -> None:
        from tests.support.api import START, Api, FixedClock

        self.rec = rec
        self.clock = FixedClock(START)
        self.api = Api(self.clock)

    @contextmanager
    def run(self, function: str, part: str = "life") -> Iterator[None]:
        from aws_lambda_powertools.utilities import parameters

        from keepslot import bootstrap

        bootstrap.reset()
        parameters.clear_caches()
        bootstrap.use_clock(self.clock)
        step = Step(function, part)
        self.rec.steps.append(step)
        self.rec.current = step
        try:
            yield
        finally:
            self.rec.current = None
        if function != "Dispatcher" and _queued_mail(step):
            self.dispatch(part)

    def dispatch(self, part: str) -> None:
        from keepslot.handlers import dispatcher
        from tests.support.apigw import LambdaContext

        with self.run("Dispatcher", part):
            dispatcher.handler({"Records": [{"eventName": "INSERT"}]}, LambdaContext())  # type: ignore[arg-type]

    def call(self, method: str, url: str, body: Any = None, token: str | None = None) -> Any:
        with self.run("Api"):
            reply = self.api.call(method, url, body, token)
        assert reply.status < 300, (method, url, reply.body)
        return reply.body

    def tick(self, part: str = "life") -> None:
        from keepslot.handlers import tick
        from tests.support.apigw import LambdaContext

        with self.run("Clock", part):
            tick.handler({}, LambdaContext(function_name="keepslot-clock"))  # type: ignore[arg-type]

    def webhook(self, kind: str, obj: dict[str, Any]) -> None:
        from keepslot.handlers import webhook
        from tests.support.apigw import LambdaContext, http_event

        payload = json.dumps(
            {
                "id": f"evt_{time.time_ns()}",
                "object": "event",
                "type": kind,
                "data": {"object": obj},
            }
        ).encode()
        t = int(time.time())
        mac = hmac.new(WEBHOOK_SECRET.encode(), f"{t}.".encode() + payload, hashlib.sha256)
        headers = {"stripe-signature": f"t={t},v1={mac.hexdigest()}"}
        event = http_event("POST", "/api/payments/stripe", payload.decode(), headers)
        with self.run("Webhook", "extra"):
            res = webhook.handler(event, LambdaContext(function_name="keepslot-webhook"))  # type: ignore[arg-type]
        assert res["statusCode"] == 200, res

    def next_job(self, booking_id: str) -> datetime | None:
        import boto3

        items = boto3.client("dynamodb").query(
            TableName=TABLE,
            IndexName="due",
            KeyConditionExpression="GSI2PK = :d",
            ExpressionAttributeValues={":d": {"S": "DUE"}},
        )["Items"]
        mine = [i["GSI2SK"]["S"] for i in items if i["PK"]["S"] == f"BOOKING#{booking_id}"]
        return datetime.fromisoformat(min(mine).split("#", 1)[0]) if mine else None


def _queued_mail(step: Step) -> bool:
    for call in step.calls:
        if call.operation == "TransactWriteItems":
            for entry in call.params["TransactItems"]:
                if (
                    entry.get("Put", {})
                    .get("Item", {})
                    .get("PK", {})
                    .get("S", "")
                    .startswith("OUTBOX#")
                ):
                    return True
    return False


def _admin_token() -> str:
    from tests.support.api import sent_mail

    alert = [m for m in sent_mail() if "/admin/#" in m["text"]][-1]
    return str(alert["text"].split("/admin/#", 1)[1].split()[0])


def _kept_bytes() -> int:
    """Stored size of the items a year of bookings leaves in the table: those kept for good
    (the ledger) and those kept past a year (personal data, privacy.retention_days); TTL
    sweeps the rest (locks, holds, idempotency keys, mail) much sooner."""
    import boto3

    from tests.support.api import START

    year_on = (START + timedelta(days=365)).timestamp()
    items = boto3.client("dynamodb").scan(TableName=TABLE)["Items"]
    return sum(
        item_size(i) + ITEM_OVERHEAD
        for i in items
        if "expires_at" not in i or int(i["expires_at"]["N"]) > year_on
    )


def record_lifecycle(template: dict[str, Any], mp: pytest.MonkeyPatch) -> Recording:
    from botocore.client import BaseClient
    from moto import mock_aws

    from tests.support.api import body, token_of

    rec = Recording()
    _environment(template, mp, rec)
    mp.setattr(BaseClient, "_make_api_call", _recorder(rec, BaseClient._make_api_call))
    with mock_aws():
        _provision(rec)
        life = Life(rec)
        life.tick("setup")  # creates the weekly digest job
        life.tick("idle")
        before = _kept_bytes()  # the weekly digest job: not the booking's
        with life.run("Api"):
            payload = body(life.api)  # the book page reads /api/config
        life.call("GET", "/api/slots?service=strategia&from=2026-12-03&to=2026-12-09")
        booked = life.call("POST", "/api/bookings", payload)
        booking_id, manage = booked["booking"]["id"], token_of(booked["manage_url"])
        admin = _admin_token()
        life.call("GET", "/api/admin", token=admin)
        life.call("POST", "/api/admin/confirm-deposit", token=admin)
        life.call("GET", "/api/manage", token=manage)
        for _ in range(20):
            due = life.next_job(booking_id)
            if due is None:
                break
            life.clock.at = max(life.clock.at, due + timedelta(seconds=1))
            life.tick()
        rec.stored_bytes = _kept_bytes() - before
        life.webhook("payment_intent.payment_failed", {"id": "pi_x", "metadata": {}})
    from keepslot import bootstrap

    bootstrap.reset()  # no later test may meet this App and its moto clients
    return rec


def measured(rec: Recording) -> tuple[Lifecycle, Tick]:
    """The cost model's counts, from what the recorded life did."""

    def units(calls: list[Call]) -> tuple[float, int]:
        reads, writes = 0.0, 0
        for c in calls:
            if c.iam_service == "dynamodb":
                r, w = capacity(c.operation, c.params, c.response)
                reads, writes = reads + r, writes + w
        return reads, writes

    (idle,) = [s for s in rec.steps if s.part == "idle"]
    idle_reads, idle_writes = units(idle.calls)
    assert idle_writes == 0, "an idle tick should write nothing"
    life = [s for s in rec.steps if s.part == "life"]
    runs = Counter(s.function for s in life)
    reads, writes = units([c for s in life for c in s.calls])
    reads -= runs["Clock"] * idle_reads  # the clock's ticks are priced on their own
    emails = sum(c.operation == "SendEmail" for s in life for c in s.calls)
    lifecycle = Lifecycle(
        api_requests=runs["Api"],
        dispatcher_runs=runs["Dispatcher"],
        emails=emails,
        read_units=reads,
        write_units=writes,
        stored_bytes=rec.stored_bytes,
    )
    return lifecycle, Tick(read_units=idle_reads)
