"""Every email template renders, in both locales, both payment modes and every meeting
mode, text and escaped HTML; card clients are never told to make a bank transfer."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar

from keepslot.service.letters import CANCELS, INVITES
from keepslot.words.email.render import TEMPLATES
from tests.unit.emails import LOCALES, MODES, NAMES, PAYMENTS, config, context, postman


def test_both_locales_have_the_same_templates() -> None:
    english = sorted(
        p.relative_to(TEMPLATES / "en").as_posix() for p in (TEMPLATES / "en").rglob("*.j2")
    )
    italian = sorted(
        p.relative_to(TEMPLATES / "it").as_posix() for p in (TEMPLATES / "it").rglob("*.j2")
    )
    assert english == italian
    assert len(NAMES) >= 25


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("payments", PAYMENTS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", NAMES)
def test_every_template_renders_in_every_locale_payment_and_meeting_mode(
    locale: str, payments: str, mode: str, name: str
) -> None:
    to = name.split("/")[0]
    r = postman(locale, payments).render(name, to, "b1", context(name.split("/")[1], mode))
    assert r.subject and "\n" not in r.subject
    assert r.text.strip() and r.html.startswith("<!doctype html>")
    for rendered in (r.subject, r.text, r.html):
        assert "None" not in rendered and "{{" not in rendered and "Undefined" not in rendered
    assert f'<html lang="{locale}">' in r.html
    if payments == "stripe":  # a card client is never sent bank transfer details
        transfer = config(locale, "offline").payments.offline_instructions
        assert transfer and transfer not in r.text and transfer not in r.html


# How the "waiting for your deposit" email tells each client to pay: (card, transfer) words.
PAY_WORDS = {"it": ("carta", "bonifico"), "en": ("card", "transfer")}


def _held(locale: str, payments: str) -> tuple[str, str, str]:
    """The client's "booking held" email: (text, html, manage link)."""
    ctx = context("booking_held", "video")
    ctx["booking"] |= {
        "status": "held",
        "deposit": {"amount": 6000, "currency": "EUR", "status": "pending"},
    }
    p = postman(locale, payments)
    r = p.render("client/booking_held", "client", "b1", ctx)
    return r.text, r.html, p.view("client", "b1", ctx)["manage_url"]


@pytest.mark.parametrize("locale", LOCALES)
def test_a_card_client_is_told_to_pay_by_card_on_the_booking_page(locale: str) -> None:
    text, html, manage = _held(locale, "stripe")
    card, transfer = PAY_WORDS[locale]
    deposit_line = next(line for line in text.splitlines() if "60" in line)
    assert card in deposit_line
    assert transfer not in text.lower()
    assert f'class="button" href="{manage}"' in html  # the page with the card form


@pytest.mark.parametrize("locale", LOCALES)
def test_a_transfer_client_gets_the_details_introduced_in_their_language(locale: str) -> None:
    text, _, _ = _held(locale, "offline")
    instructions = config(locale, "offline").payments.offline_instructions
    card, transfer = PAY_WORDS[locale]
    assert instructions in text
    ours = text.replace(instructions, "")  # the freelancer's own words stay as written
    assert transfer in ours.lower() and card not in ours.lower()
    if locale == "en":
        assert "bonifico" not in ours.lower()


@pytest.mark.parametrize("locale", LOCALES)
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


GENDER_SLASH = re.compile(r"\b\w+[oi]/[ae]\b")  # "arrivato/a", "avvisati/e"


@pytest.mark.parametrize("name", [n for n in NAMES if n.startswith("freelancer/")])
def test_the_freelancer_is_asked_about_a_client_without_guessing_their_gender(name: str) -> None:
    ctx = context(name.split("/")[1], "video", "Carla Neri") | {"pattern_change": True}
    r = postman("it").render(name, "freelancer", "b1", ctx)
    assert not GENDER_SLASH.search(r.subject + r.text), r.subject + r.text
    # No participle agreeing with the client: "Carla è arrivata", "Carla è stato".
    assert not re.search(r"Carla (è|si è) \w+(to|ta)\b", r.subject + r.text)
