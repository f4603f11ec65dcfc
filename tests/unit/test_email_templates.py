"""Every email template renders, in both locales and every mode, text and escaped HTML."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from icalendar import Calendar

from keepslot.adapters.email.links import Links
from keepslot.adapters.email.postman import CANCELS, INVITES, SesPostman
from keepslot.adapters.email.render import TEMPLATES
from keepslot.adapters.settings import KeepslotConfig, load_config
from keepslot.adapters.tokens import TokenSigner
from tests.support.configs import FIXTURE

MODES = ("video", "phone", "in_person")
NAMES = [
    p.relative_to(TEMPLATES / "it").with_suffix("").as_posix()
    for p in sorted((TEMPLATES / "it").glob("*/*.j2"))
]


def config(locale: str) -> KeepslotConfig:
    c = load_config(FIXTURE)
    return c.model_copy(update={"business": c.business.model_copy(update={"locale": locale})})


def postman(locale: str) -> SesPostman:
    links = Links("https://giuliarossi.it", lambda: TokenSigner([b"k" * 32]))
    now = lambda: datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # noqa: E731
    return SesPostman(lambda: None, config(locale), links, now)  # type: ignore[arg-type,return-value]


def context(event: str, mode: str, name: str = "Anna Bianchi") -> dict[str, Any]:
    booking = {
        "id": "b1",
        "status": "confirmed",
        "service": "strategia",
        "start": "2026-12-03T09:00:00Z",
        "end": "2026-12-03T10:00:00Z",
        "mode": mode,
        "client": {"name": name, "email": "anna@example.com"},
        "deposit": {"amount": 6000, "currency": "EUR", "status": "paid"},
        "timezone": "America/New_York",
        "hold_until": "2026-12-01T08:00:00Z",
    }
    return {
        "event": event,
        "booking": booking,
        "client_phone": "+39 333 000 1111",
        "answers": {"goal": "Altro"},
        "free_change_hours": 48,
        "hours": 72,
        "free_open": True,
        "until": "2026-12-03T09:25:00Z",
        "credit_until": "2026-12-06T09:00:00Z",
        "credit_amount": 6000,
        "refund": {"amount": 2000, "currency": "EUR", "fee": False},
        "dispute": {
            "amount": 6000,
            "currency": "EUR",
            "reason": "product_not_received",
            "respond_by": "2026-12-20T23:59:59Z",
            "fee": False,
        },
        "old_start": "2026-12-02T09:00:00Z",
        "old_id": "b0",
        "reason": "",
        "calendar": {"id": "studio", "name": "Studio"},
        "failures": 3,
        "error": "the calendar server answered HTTP 404",
        "busy_start": "2026-12-03T08:30:00Z",
        "busy_end": "2026-12-03T09:30:00Z",
        "outcome": {
            "deposit": "forfeited",
            "amount": 6000,
            "currency": "EUR",
            "reason": "late_cancel",
            "forfeited": 6000,
        },
        "history": {
            "months": 6,
            "late_cancel": 2,
            "no_show": 1,
            "completed": 3,
            "early_cancel": 0,
            "reschedule": 0,
            "bookings": 6,
        },
        "digest": {
            "week": "2026-W50",
            "coming": [
                {
                    "start": "2026-12-07T09:00:00Z",
                    "name": name,
                    "email": "anna@example.com",
                    "service": "Sessione",
                    "mode": mode,
                    "status": "held",
                    "deposit": 6000,
                }
            ],
            "holds": [
                {
                    "start": "2026-12-07T09:00:00Z",
                    "name": name,
                    "deposit": 6000,
                    "hold_until": "2026-12-02T09:00:00Z",
                }
            ],
            "credits": [{"name": name, "amount": 6000, "until": "2026-12-09T09:00:00Z"}],
            "failed": [
                {"template": "client/reminder", "to": "client", "booking_id": "b1", "attempts": 5}
            ],
            "failed_jobs": [
                {
                    "kind": "refund",
                    "booking_id": "b1",
                    "attempts": 1,
                    "error": "payment_refused",
                    "name": name,
                    "start": "2026-12-03T09:00:00Z",
                }
            ],
            "tiers": [{"name": name, "email": "a@x.it", "strikes": 2, "rule": "prepay"}],
            "reviews": [{"name": name, "email": "a@x.it", "since": "2026-06-01T09:00:00Z"}],
        },
    }


def test_both_locales_have_the_same_templates() -> None:
    english = sorted(
        p.relative_to(TEMPLATES / "en").as_posix() for p in (TEMPLATES / "en").rglob("*.j2")
    )
    italian = sorted(
        p.relative_to(TEMPLATES / "it").as_posix() for p in (TEMPLATES / "it").rglob("*.j2")
    )
    assert english == italian
    assert len(NAMES) >= 25


@pytest.mark.parametrize("locale", ["it", "en"])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", NAMES)
def test_every_template_renders_in_every_locale_and_mode(locale: str, mode: str, name: str) -> None:
    to = name.split("/")[0]
    r = postman(locale).render(name, to, "b1", context(name.split("/")[1], mode))
    assert r.subject and "\n" not in r.subject
    assert r.text.strip() and r.html.startswith("<!doctype html>")
    for rendered in (r.subject, r.text, r.html):
        assert "None" not in rendered and "{{" not in rendered and "Undefined" not in rendered
    assert f'<html lang="{locale}">' in r.html


@pytest.mark.parametrize("locale", ["it", "en"])
def test_a_hostile_or_rtl_name_is_escaped_in_html_and_kept_in_text(locale: str) -> None:
    hostile = '<script>alert("x")</script> Anna'
    rtl = "\u0622\u0646\u0627 \u05e2\u05d1\u05e8\u05d9\u05ea"
    p = postman(locale)
    for name in ("freelancer/booking_confirmed", "freelancer/no_show_check"):
        r = p.render(name, "freelancer", "b1", context("booking_confirmed", "video", hostile))
        assert "<script>" not in r.html
        assert "&lt;script&gt;" in r.html
        assert hostile in r.text
        r = p.render(name, "freelancer", "b1", context("booking_confirmed", "video", rtl))
        assert rtl in r.html and rtl in r.text
        assert 'dir="auto"' in r.html


def test_client_times_are_in_the_client_time_zone() -> None:
    r = postman("en").render("client/booking_confirmed", "client", "b1", context("x", "video"))
    assert "Thursday 3 December 2026 at 04:00" in r.text  # 09:00 UTC in New York
    assert "free of charge until Tuesday 1 December 2026 at 04:00" in r.text


def test_first_reminder_names_the_deadline_and_the_video_test_link() -> None:
    ctx = context("reminder", "video")
    r = postman("it").render("client/reminder", "client", "b1", ctx)
    assert "gratuitamente fino a martedì 1 dicembre 2026 alle 04:00" in r.text
    assert "https://meet.jit.si/test" in r.text
    late = postman("it").render("client/reminder", "client", "b1", ctx | {"free_open": False})
    assert "gratuitamente" not in late.text


def test_late_cancel_alert_carries_the_history_line() -> None:
    ctx = context("cancelled", "phone")
    assert (
        "2ª cancellazione tardiva in 6 mesi"
        in postman("it").render("freelancer/cancelled", "freelancer", "b1", ctx).text
    )
    assert (
        "2nd late cancellation in 6 months"
        in postman("en").render("freelancer/cancelled", "freelancer", "b1", ctx).text
    )


@pytest.mark.parametrize("template", sorted(INVITES | CANCELS))
def test_calendar_files_carry_the_uid_utc_times_and_method(template: str) -> None:
    files = postman("en")._attachments(template, "b1", context("x", "in_person"))
    by_name = {name: (Calendar.from_ical(data), method) for name, data, method in files}
    cal, method = by_name["cancel.ics" if template in CANCELS else "invite.ics"]
    assert str(cal["METHOD"]) == method
    ev = next(c for c in cal.walk() if c.name == "VEVENT")
    assert str(ev["UID"]) == "b1@giuliarossi.it"
    assert ev.decoded("DTSTART").isoformat() == "2026-12-03T09:00:00+00:00"
    assert str(ev["LOCATION"]).startswith("Via dell'Indipendenza")
    if template == "client/rescheduled":
        old, _ = by_name["cancel.ics"]
        assert str(next(c for c in old.walk() if c.name == "VEVENT")["UID"]) == "b0@giuliarossi.it"
