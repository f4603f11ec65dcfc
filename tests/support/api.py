"""The API in-process: the real Lambda handler called with real v2 events, a movable
clock, the mail moto's SES kept, and the requests most tests start from.

The fixtures that set up moto and the app (`aws`, `clock`, `api`) are in
tests/integration/conftest.py.
"""

from __future__ import annotations

import email
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from typing import TYPE_CHECKING, Any

from tests.support.apigw import LambdaContext, http_event

if TYPE_CHECKING:
    from keepslot.bootstrap import App
from tests.support.configs import INTAKE_ANSWERS

START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday morning in Rome
THU_10 = "2026-12-03T09:00:00Z"  # Thursday 10:00 in Rome: 73 h after START
THU_LATER = "2026-12-03T10:30:00Z"  # 11:30 in Rome: clear of 10:00 plus its buffer
AFTER_THU_10_GRACE = datetime(2026, 12, 3, 9, 20, tzinfo=UTC)  # the fixture's grace: 15 min


@contextmanager
def serving(app: App) -> Iterator[None]:
    """The API's routes are given `app` (Powertools' dependency overrides) while inside."""
    from keepslot.handlers.api import api
    from keepslot.handlers.deps import current_app

    api.dependency_overrides[current_app] = lambda: app
    try:
        yield
    finally:
        api.dependency_overrides.pop(current_app, None)


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
        from keepslot.handlers.tick import tick

        return tick()


def sent_mail() -> list[dict[str, Any]]:
    """Every raw message moto's SES v2 kept, parsed: to, subject, text and HTML parts."""
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


# ---- the requests most tests start from ---------------------------------------


def token_of(url: str) -> str:
    return url.split("#", 1)[1]


def emailed_token(api: Api, booking_id: str) -> str:
    """The token of the link the client received by email: the only one that may act."""
    return emailed_tokens(api, [booking_id])[booking_id]


def emailed_tokens(api: Api, booking_ids: list[str]) -> dict[str, str]:
    """Booking id -> the token of its emailed manage link (the dispatcher sends first)."""
    api.tick()
    link = re.compile(r"/manage/(?:\?do=[a-z-]+)?#([\w-]+)(\.manage\.[\w.-]+)")
    found: dict[str, str] = {}
    for mail in reversed(sent_mail()):
        for m in link.finditer(mail["text"]):
            found.setdefault(m[1], m[1] + m[2])
    missing = [b for b in booking_ids if b not in found]
    assert not missing, f"no email carries a manage link for {missing}"
    return {b: found[b] for b in booking_ids}


def body(api: Api, **over: Any) -> dict[str, Any]:
    """A new client's booking of `strategia` on Thursday at 10:00, with `over` changed."""
    version = api.get("/api/config").body["policy_version"]
    base = {
        "service": "strategia",
        "start": THU_10,
        "mode": "in_person",
        "name": "Anna Bianchi",
        "email": "anna@example.com",
        "phone": "+39 333 000 1111",
        "timezone": "Europe/Rome",
        "policy_version": version,
        "answers": dict(INTAKE_ANSWERS),
    }
    return base | over


def book(api: Api, **over: Any) -> Any:
    return api.post("/api/bookings", body(api, **over))


def admin_token(api: Api) -> str:
    """The admin link's token from the freelancer's latest alert."""
    api.tick()
    alert = next(m for m in sent_mail() if "giulia@" in m["to"])
    return alert["text"].split("/admin/#", 1)[1].split()[0]


def confirmed(api: Api, **over: Any) -> str:
    """A booking whose deposit the freelancer confirmed from the alert's admin link;
    its manage token."""
    r = book(api, **over)
    admin = admin_token(api)
    assert api.post("/api/admin/confirm-deposit", token=admin).status == 200
    return emailed_token(api, r.body["booking"]["id"])


def confirmed_in_service(api: Api, **over: Any) -> str:
    """A booking whose deposit is confirmed through the use case itself (no mail read);
    its manage token."""
    from keepslot import bootstrap
    from keepslot.service.admin import confirm_deposit

    r = book(api, **over)
    assert r.status == 201, r.body
    app = bootstrap.app()
    confirm_deposit(app.ctx, r.body["booking"]["id"], app.clock.now())
    return emailed_token(api, r.body["booking"]["id"])


def admin_link(booking_id: str) -> str:
    """The token of the freelancer's admin link for a booking, as if mailed now."""
    from keepslot import bootstrap

    app = bootstrap.app()
    return token_of(app.links.admin(booking_id, app.clock.now()))


def confirmed_by_link(api: Api, **over: Any) -> tuple[dict[str, Any], str, str]:
    """A strategia booking whose deposit the freelancer confirmed from the admin link, the
    mail sent: (booking, manage token, admin token)."""
    r = book(api, **over)
    assert r.status == 201, r.body
    b = r.body["booking"]
    admin = admin_link(b["id"])
    assert api.post("/api/admin/confirm-deposit", token=admin).status == 200
    return b, emailed_token(api, b["id"]), admin


def freelancer_cancels(api: Api, booking_id: str) -> None:
    assert api.post("/api/admin/cancel", {}, token=admin_link(booking_id)).status == 200


def no_show(api: Api, booking_id: str, at: datetime = AFTER_THU_10_GRACE) -> dict[str, Any]:
    """The freelancer marks the client absent at `at`; the outcome."""
    api.clock.at = at
    r = api.post("/api/admin/no-show", token=admin_link(booking_id))
    assert r.status == 200, r.body
    assert r.body["booking"]["status"] == "no_show"
    return dict(r.body["outcome"])


def status_of(api: Api, token: str) -> str:
    return str(api.get("/api/manage", token=token).body["booking"]["status"])
