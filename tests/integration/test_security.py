"""Hostile input and leaked secrets: tokens, logs, the public form, escaping.

Tampered, expired and client-on-admin tokens, the Idempotency-Key and the 64 KB
limit on POST /api/bookings are covered in test_api_bookings.py; this file adds
what is missing there.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from keepslot.adapters.tokens import TokenSigner
from keepslot.service.ports.claims import Purpose
from tests.support.api import (
    THU_LATER,
    Api,
    admin_token,
    body,
    book,
    confirmed,
    emailed_token,
    sent_mail,
    token_of,
)
from tests.support.apigw import LambdaContext
from tests.support.tables import booking_items, table_items

ROOT = Path(__file__).resolve().parents[2]
CONTEXT: Any = LambdaContext()  # the test double stands in for the Lambda runtime's
HOSTILE = "Zoë \u202e <script>alert(1)</script> & \"quotes\" 'x' \u05e9\u05dc\u05d5\u05dd"


# ---- tokens ------------------------------------------------------------------


def test_superseded_link_cannot_switch_mode_or_reschedule(api: Api) -> None:
    token = confirmed(api)
    moved = api.post("/api/manage/reschedule", {"start": THU_LATER}, token=token)
    assert moved.status == 200
    for path, payload in (
        ("/api/manage/mode", {"mode": "video"}),
        ("/api/manage/reschedule", {"start": "2026-12-04T09:00:00Z"}),
    ):
        r = api.post(path, payload, token=token)
        assert r.status == 409 and r.body["error"]["code"] == "superseded", (path, r.body)
    new = api.get("/api/manage", token=token_of(moved.body["manage_url"])).body["booking"]
    assert new["mode"] == "in_person" and new["start"] == THU_LATER  # the old link changed nothing


def test_admin_link_on_the_client_page_is_403(api: Api) -> None:
    book(api)
    admin = admin_token(api)
    assert api.get("/api/admin", token=admin).status == 200
    for r in (
        api.get("/api/manage", token=admin),
        api.post("/api/manage/cancel", {}, token=admin),
    ):
        assert r.status == 403, r.body
    assert booking_items()[0]["status"]["S"] == "held"


def test_token_signed_with_another_key_is_401(api: Api) -> None:
    r = book(api)
    booking_id = r.body["booking"]["id"]
    forged = TokenSigner([b"f" * 32]).sign(
        booking_id, Purpose.MANAGE, datetime(2027, 1, 1, tzinfo=UTC)
    )
    assert api.get("/api/manage", token=forged).status == 401
    assert api.post("/api/manage/cancel", {}, token=forged).status == 401


def test_token_with_a_stretched_expiry_or_another_booking_id_is_401(api: Api) -> None:
    token = token_of(book(api).body["manage_url"])
    other = book(api, start=THU_LATER, email="other@example.com").body["booking"]["id"]
    booking_id, purpose, expiry, mac = token.split(".")
    later = "zzzzzz"  # far beyond the real expiry, same signature
    for forged in (f"{booking_id}.{purpose}.{later}.{mac}", f"{other}.{purpose}.{expiry}.{mac}"):
        assert api.get("/api/manage", token=forged).status == 401, forged
    assert api.get("/api/manage", token=token).status == 200


def test_malformed_authorization_headers_are_401_not_5xx(api: Api) -> None:
    token = token_of(book(api).body["manage_url"])
    for header in (
        token,  # no scheme
        f"Basic {token}",
        "Bearer ",
        "Bearer " + "a" * 5000,
        "Bearer ../../etc/passwd",
        f"Bearer {token}\x00",
        "Bearer " + token.replace(".", "\u2024"),  # a look-alike dot
    ):
        r = api.get("/api/manage", headers={"Authorization": header})
        assert r.status == 401, (header[:40], r.status, r.body)


# ---- logs --------------------------------------------------------------------


def test_tokens_and_emails_never_reach_the_logs(
    api: Api, capfd: pytest.CaptureFixture[str]
) -> None:
    from keepslot.handlers import api as api_handler
    from keepslot.handlers import dispatcher as dispatcher_handler
    from keepslot.handlers import tick as clock_handler

    # Powertools prints JSON to the stdout it saw at import time (maybe another test's
    # capture): a second handler with the same formatter sees exactly those lines.
    printed = io.StringIO()
    handlers = (api_handler, clock_handler, dispatcher_handler)
    loggers = [logging.getLogger(h.logger.name) for h in handlers]
    tap = logging.StreamHandler(printed)
    tap.setFormatter(api_handler.logger.registered_formatter)
    for lg in loggers:
        lg.addHandler(tap)
        lg.setLevel(logging.DEBUG)
    try:
        secrets = _full_flow(api)
    finally:
        for lg in loggers:
            lg.removeHandler(tap)
            lg.setLevel(logging.INFO)
    fd = capfd.readouterr()
    logged = "\n".join((printed.getvalue(), fd.out, fd.err))
    records = [json.loads(line) for line in logged.splitlines() if line.startswith("{")]
    # The capture works: the flow's refusals and ticks are there, as Powertools JSON.
    assert any(rec.get("message") == "tick" for rec in records), logged[:2000]
    assert any(rec.get("message") == "refused" for rec in records), logged[:2000]
    for secret in secrets:
        assert secret.lower() not in logged.lower(), f"{secret[:12]}... is in the logs"


def _full_flow(api: Api) -> list[str]:
    """Book, view, switch mode, cancel, confirm from the admin link, tick: every secret."""
    from keepslot.handlers import dispatcher, tick

    emails = ["anna@example.com", "bruno.secret@example.org", "giulia@giuliarossi.it"]
    first = book(api)
    second = book(api, start=THU_LATER, email=emails[1], name="Bruno Verdi")
    seen = [token_of(first.body["manage_url"]), token_of(second.body["manage_url"])]
    dispatcher.handler({"Records": []}, CONTEXT)  # sends the mail: the links that act are in it
    admin = [
        m["text"].split("/admin/#", 1)[1].split()[0] for m in sent_mail() if "giulia@" in m["to"]
    ]
    assert len(admin) == 2
    tokens = [emailed_token(api, r.body["booking"]["id"]) for r in (first, second)]
    tokens += admin + seen
    assert api.get("/api/manage", token=seen[0]).status == 200
    assert api.post("/api/admin/confirm-deposit", token=admin[0]).status == 200
    assert api.get("/api/manage", token=tokens[0]).status == 200
    assert api.post("/api/manage/mode", {"mode": "video"}, token=tokens[0]).status == 200
    assert api.post("/api/manage/cancel", {"reason": "flu"}, token=tokens[1]).status == 200
    assert api.post("/api/manage/cancel", {}, token=tokens[1]).status == 409  # logs "refused"
    assert api.get("/api/admin", token=tokens[0]).status == 403
    assert api.get("/api/manage", token=tokens[0][:-3] + "AAA").status == 401
    dispatcher.handler({"Records": []}, CONTEXT)
    api.clock.advance(minutes=5)
    tick.handler({}, CONTEXT)
    return tokens + emails


# ---- the public form ---------------------------------------------------------


@pytest.mark.parametrize("bot", [{"website": "http://spam.example"}, {"elapsed_ms": 1200}])
def test_honeypot_or_too_fast_submit_is_201_with_nothing_stored_or_sent(
    api: Api, bot: dict[str, Any]
) -> None:
    r = api.post("/api/bookings", body(api) | bot)
    assert r.status == 201
    assert r.body["booking"]["status"] == "held"
    assert booking_items() == []
    assert not [i for i in table_items() if i["PK"]["S"].startswith(("LOCK#", "CLIENT#"))]
    api.tick()
    assert sent_mail() == []
    # The same person at human speed books normally: the test above can fail.
    assert api.post("/api/bookings", body(api) | {"elapsed_ms": 3000}).status == 201
    assert len(booking_items()) == 1


def test_fourth_open_hold_for_one_email_is_429(api: Api) -> None:
    days = ["2026-12-03", "2026-12-04", "2026-12-07", "2026-12-08"]
    replies = [book(api, start=f"{d}T09:00:00Z", email="Hoarder@Example.com") for d in days]
    assert [r.status for r in replies] == [201, 201, 201, 429]
    assert replies[-1].body["error"]["code"] == "too_many_holds"
    assert len(booking_items()) == 3
    # Someone else can still book that day; and paying one hold frees a place.
    assert book(api, start=f"{days[-1]}T09:00:00Z", email="x@example.com").status == 201
    api.tick()
    alert = next(m for m in sent_mail() if "giulia@" in m["to"] and "hoarder@" in m["text"].lower())
    admin = alert["text"].split("/admin/#", 1)[1].split()[0]
    assert api.post("/api/admin/confirm-deposit", token=admin).status == 200
    assert book(api, start="2026-12-09T09:00:00Z", email="hoarder@example.com").status == 201


def test_oversized_bodies_are_413_on_every_post_route(api: Api) -> None:
    token = token_of(book(api).body["manage_url"])
    big = {"reason": "x" * (64 * 1024 + 1)}
    for path in ("/api/manage/cancel", "/api/manage/mode", "/api/bookings"):
        assert api.post(path, big, token=token).status == 413, path
    raw = base64.b64encode(json.dumps(big).encode()).decode()
    from keepslot.handlers import api as handler
    from tests.support.apigw import http_event

    event = http_event("POST", "/api/manage/cancel", raw, {"authorization": f"Bearer {token}"})
    event["isBase64Encoded"] = True
    assert handler.handler(event, CONTEXT)["statusCode"] == 413
    assert api.get("/api/manage", token=token).body["booking"]["status"] == "held"


@pytest.mark.parametrize("field", ["name", "phone"])
@pytest.mark.parametrize("breaker", ["\r", "\n", "\r\n", "\x00"])
def test_cr_lf_in_header_fields_is_422(api: Api, field: str, breaker: str) -> None:
    r = book(api, **{field: f"Anna{breaker}Bcc: all@example.com"})
    assert r.status == 422, r.body
    assert field in r.body["error"]["fields"]
    assert booking_items() == []


def test_unicode_and_rtl_names_are_escaped_in_emails_and_kept_in_json(api: Api) -> None:
    r = book(api, name=HOSTILE, notes="<img src=x onerror=alert(2)>")
    assert r.status == 201
    assert r.body["booking"]["client"]["name"] == HOSTILE  # JSON: the page sets textContent
    api.tick()
    mail = sent_mail()
    assert len(mail) == 2
    allowed = {"html", "head", "meta", "title", "style", "body", "div", "h1", "p", "br", "a"}
    for m in mail:
        html = m["html"]
        tags = {t.lower() for t in re.findall(r"<\s*/?\s*([A-Za-z][\w-]*)", html)}
        assert tags <= allowed, (m["to"], tags - allowed)  # nothing the client typed is markup
        assert "onerror" not in m["html"].replace("onerror=alert(2)&gt;", "")
    client = next(m for m in mail if "anna@" in m["to"])
    alert = next(m for m in mail if "giulia@" in m["to"])
    assert "Ciao Zoë," in client["html"] or "Hi Zoë," in client["html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in alert["html"]
    assert "&lt;anna@example.com&gt;" in alert["html"]  # the address shows, escaped
    assert "\u202e" in alert["html"] and "\u05e9" in alert["html"]  # kept, inside dir="auto"
    assert HOSTILE in alert["text"]  # the text part is plain text: nothing to escape
    assert "\r" not in alert["subject"] and "\n" not in alert["subject"]
    admin = client_admin_view(api)
    assert admin["booking"]["client"]["name"] == HOSTILE


def client_admin_view(api: Api) -> dict[str, Any]:
    token = next(
        m["text"].split("/admin/#", 1)[1].split()[0] for m in sent_mail() if "giulia@" in m["to"]
    )
    view = api.get("/api/admin", token=token)
    assert view.status == 200
    return view.body  # type: ignore[no-any-return]


def test_pages_never_write_html_from_strings() -> None:
    """The site's scripts build the DOM with textContent: names cannot become markup."""
    unsafe = re.compile(r"\.(innerHTML|outerHTML|insertAdjacentHTML)\b|document\.write|eval\(")
    scripts = sorted((ROOT / "site" / "assets" / "js").glob("*.js"))
    assert scripts
    found = [
        f"{p.name}:{n}: {line.strip()}"
        for p in scripts
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if unsafe.search(line)
    ]
    assert found == []
    assert any("textContent" in p.read_text() for p in scripts)


def test_expired_link_long_after_the_appointment_is_401(api: Api) -> None:
    token = token_of(book(api).body["manage_url"])
    expires = datetime.fromtimestamp(int(token.split(".")[2], 36), UTC)
    api.clock.at = expires - timedelta(seconds=1)
    assert api.get("/api/manage", token=token).status == 200
    api.clock.at = expires
    assert api.get("/api/manage", token=token).status == 401
