"""Handlers against moto, in-process: the table from template.yaml, a movable clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.table import create_table
from tests.support.apigw import LambdaContext, http_event
from tests.support.configs import with_payments

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday morning in Rome


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at

    def advance(self, **kw: float) -> None:
        self.at += timedelta(**kw)


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class Api:
    """Calls the real Lambda handler with real v2 events."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock

    def call(
        self,
        method: str,
        url: str,
        body: Any = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        from keepslot.handlers import api

        hdrs = dict(headers or {})
        if token:
            hdrs["authorization"] = f"Bearer {token}"
        res = api.handler(http_event(method, url, body, hdrs), LambdaContext())  # type: ignore[arg-type]
        raw = res.get("body") or ""
        return Reply(res["statusCode"], json.loads(raw) if raw else None, res.get("headers", {}))

    def get(self, url: str, **kw: Any) -> Reply:
        return self.call("GET", url, **kw)

    def post(self, url: str, body: Any = None, **kw: Any) -> Reply:
        return self.call("POST", url, body if body is not None else {}, **kw)

    def tick(self) -> dict[str, int]:
        from keepslot.handlers.clock import tick

        return tick()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for k, v in {
        "AWS_DEFAULT_REGION": "eu-south-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "TABLE_NAME": "keepslot-test",
        "SITE_URL": "http://127.0.0.1:8000",
        "KEEPSLOT_CONFIG": str(with_payments("offline", tmp_path)),
        "POWERTOOLS_METRICS_NAMESPACE": "keepslot",
        "POWERTOOLS_DEV": "false",
    }.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        create_table(boto3.client("dynamodb"), "keepslot-test")
        boto3.client("ssm").put_parameter(
            Name="/keepslot/token-key", Value="k" * 32, Type="SecureString"
        )
        ses = boto3.client("sesv2")
        for addr in ("prenotazioni@giuliarossi.it", "giulia@giuliarossi.it"):
            ses.create_email_identity(EmailIdentity=addr)
        yield


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def api(aws: None, clock: FixedClock) -> Iterator[Api]:
    from keepslot import bootstrap

    bootstrap.reset()
    bootstrap.use_clock(clock)
    yield Api(clock)
    bootstrap.reset()


def sent_mail() -> list[dict[str, Any]]:
    """Every raw message moto's SES v2 kept, parsed: to, subject, text and HTML parts."""
    import email
    from email import policy

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    out = []
    for m in ses_backends[DEFAULT_ACCOUNT_ID]["eu-south-1"].sent_messages:
        raw = getattr(m, "raw_data", None)
        if raw is None:
            continue
        msg = email.message_from_bytes(raw.encode("utf-8"), policy=policy.default)
        text = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        out.append(
            {
                "raw": raw,
                "to": str(msg["To"]),
                "subject": str(msg["Subject"]),
                "text": text.get_content() if text else "",
                "html": html.get_content() if html else "",
            }
        )
    return out
