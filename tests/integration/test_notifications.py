"""Email through moto's SES: the .ics invitations, escaping, the digest, and fifty
bookings through three clocks a minute. The clock is the real clock handler
(`api.tick()`); the dispatcher runs inside it.

Which email goes when (reminders, attendance, credits, retries) runs on the fakes in
tests/unit/test_notification_rules.py.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar

from tests.support.api import Api, body, book, confirmed_by_link, emailed_tokens
from tests.support.mails import FREELANCER, mails, to

CLIENT = "anna@example.com"
THU_10_UTC = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def event_of(cal: Calendar) -> Any:
    return next(c for c in cal.walk() if c.name == "VEVENT")


def test_confirmation_carries_an_ics_with_the_utc_start_and_the_meeting(api: Api) -> None:
    b, _, _ = confirmed_by_link(api, mode="video")
    mail = next(m for m in to(CLIENT) if m["subject"].startswith("Acconto ricevuto"))
    assert mail["to"] == [CLIENT]
    [cal] = mail["ics"]
    assert str(cal["METHOD"]) == "REQUEST"
    ev = event_of(cal)
    assert ev.decoded("DTSTART") == THU_10_UTC
    assert ev.decoded("DTEND") == THU_10_UTC + timedelta(hours=1)
    assert str(ev["UID"]) == f"{b['id']}@127.0.0.1"
    assert str(ev["URL"]) == "https://meet.jit.si/studio-giulia-rossi"
    assert "https://meet.jit.si/test" in mail["text"]  # how to test the link beforehand
    assert "martedì 1 dicembre 2026 alle 10:00" in mail["text"]  # free until, Rome time
    assert "/manage/#" in mail["text"]
    alert = next(m for m in to(FREELANCER) if m["subject"].startswith("Acconto ricevuto"))
    assert "Storico: prima prenotazione." in alert["text"]
    assert "/admin/#" in alert["text"]


def test_a_cancellation_withdraws_the_event_and_invites_to_rebook(api: Api) -> None:
    b, manage, _ = confirmed_by_link(api)
    assert api.post("/api/manage/cancel", {}, token=manage).status == 200
    api.tick()
    mail = next(m for m in to(CLIENT) if m["subject"].startswith("Prenotazione cancellata"))
    [cal] = mail["ics"]
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(event_of(cal)["UID"]) == f"{b['id']}@127.0.0.1"
    assert "http://127.0.0.1:8000/book/" in mail["text"]
    assert "credito" in mail["text"]  # the outcome in words, with the amount
    assert "60,00" in mail["text"]


def test_reschedule_sends_a_new_invite_and_cancels_the_old_uid(api: Api) -> None:
    b, manage, _ = confirmed_by_link(api)
    r = api.post("/api/manage/reschedule", {"start": "2026-12-04T09:00:00Z"}, token=manage)
    assert r.status == 200, r.body
    api.tick()
    mail = next(m for m in to(CLIENT) if m["subject"].startswith("Appuntamento spostato"))
    methods = {str(c["METHOD"]): event_of(c) for c in mail["ics"]}
    assert methods["REQUEST"].decoded("DTSTART") == datetime(2026, 12, 4, 9, tzinfo=UTC)
    assert str(methods["CANCEL"]["UID"]) == f"{b['id']}@127.0.0.1"


def test_the_clock_twice_sends_nothing_twice(api: Api) -> None:
    confirmed_by_link(api)
    api.clock.advance(hours=1)
    first = api.tick()
    again = api.tick()
    assert first["sent"] >= 1
    assert again == {"jobs": 0, "sent": 0, "calendars": 0}
    subjects = Counter(m["subject"] for m in mails())
    assert max(subjects.values()) == 1


def test_mail_given_up_on_shows_in_the_weekly_digest(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from keepslot import bootstrap
    from keepslot.service.ports.postman import DeliveryFailed

    postman = bootstrap.app().postman
    real = postman.deliver

    def client_down(template: str, *a: Any, **kw: Any) -> None:
        if template.startswith("client/"):
            raise DeliveryFailed("bounced")
        real(template, *a, **kw)

    monkeypatch.setattr(postman, "deliver", client_down)
    book(api)
    for _ in range(6):
        api.tick()
        api.clock.advance(minutes=40)
    api.clock.at = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)  # Monday 07:00 in Rome
    api.tick()
    api.tick()
    [digest] = [m for m in to(FREELANCER) if m["subject"].startswith("La tua settimana")]
    assert "client/booking_held a client" in digest["text"]
    assert "5 tentativi" in digest["text"]


def test_templates_escape_what_clients_type(api: Api) -> None:
    book(api, name="<script>alert(1)</script> Anna")
    api.tick()
    for m in mails():
        assert "<script>" not in m["html"]
    alert = next(iter(to(FREELANCER)))
    assert "&lt;script&gt;" in alert["html"]


__all__ = ["body"]


def test_fifty_bookings_three_clocks_at_two_hundred_minutes_send_each_email_once(
    api: Api,
) -> None:
    # Fits in a minute because the tests' moto rolls back per item (infra/local/moto_rollback.py).
    from keepslot import bootstrap
    from keepslot.domain.instants import parse_iso

    start = api.clock.now()
    slots = api.get("/api/slots?service=conoscitiva&from=2026-12-01&to=2026-12-15").body["slots"]
    per_day: dict[str, list[str]] = {}
    for s in slots:
        if s["start"][14:16] == "00" and len(per_day.setdefault(s["start"][:10], [])) < 5:
            per_day[s["start"][:10]].append(s["start"])
    starts = [s for day in sorted(per_day) for s in per_day[day]][:50]
    assert len(starts) == 50
    modes = ["video", "phone"]
    from keepslot.handlers import api as handler
    from tests.support.apigw import LambdaContext, http_event

    booked = []
    for i, at in enumerate(starts):
        payload = body(
            api,
            service="conoscitiva",
            start=at,
            mode=modes[i % 2],
            name=f"Cliente{i:02d} Prova",
            email=f"c{i:02d}@example.com",
        )
        # Fifty clients, each from their own network: one network's caps stay out of it.
        event = http_event("POST", "/api/bookings", payload, {}, source_ip=f"198.51.100.{i + 1}")
        res = handler.handler(event, LambdaContext())  # type: ignore[arg-type]
        assert res["statusCode"] == 201, res["body"]
        booked.append(json.loads(res["body"])["booking"]["id"])
    for token in emailed_tokens(api, booked).values():  # each presses Confirm in the email
        done = api.post("/api/manage/confirm", token=token)
        assert done.body["booking"]["status"] == "confirmed", done.body
    dues: set[datetime] = set()
    reminders: dict[int, int] = {}
    for i, at in enumerate(starts):
        t = parse_iso(at)
        early = [t - timedelta(hours=h) for h in (72, 24) if t - timedelta(hours=h) > start]
        reminders[i] = len(early)
        dues |= {*early, t + timedelta(minutes=15), t + timedelta(minutes=20, hours=2)}
    minutes = sorted(dues)
    extra = 0
    while len(set(minutes)) < 200:  # pad with the minute after each due time
        minutes.append(sorted(dues)[extra] + timedelta(minutes=1))
        extra += 1
    visited = sorted(set(minutes))
    assert len(visited) >= 200 and visited[-1] - visited[0] >= timedelta(days=7)
    for minute in visited:
        api.clock.at = minute
        for _ in range(3):
            api.tick()

    sent = mails()
    # The two reminders share a subject; their text differs (the first names the deadline).
    pairs = Counter((m["to"][0], m["subject"], m["text"]) for m in sent)
    assert max(pairs.values()) == 1
    for i in range(50):
        mine = Counter(m["subject"].split(":")[0] for m in to(f"c{i:02d}@example.com", sent))
        once = {"Conferma la tua prenotazione": 1, "Prenotazione confermata": 1}
        assert mine == Counter({**once, "Promemoria": reminders[i]}) or (
            reminders[i] == 0 and mine == Counter(once)
        )
    alerts = Counter(m["subject"] for m in to(FREELANCER, sent))
    for i in range(50):
        assert alerts[f"Hai visto Cliente{i:02d}? L'appuntamento è iniziato"] == 1
        assert sum(1 for s in alerts if s.startswith(f"Nuova prenotazione: Cliente{i:02d} ")) == 1
    digests = [s for s in alerts if s.startswith("La tua settimana")]
    assert len(digests) == 2  # Mondays 7 and 14 December
    expected = 50 * 3 + 50 + sum(reminders.values()) + len(digests)
    assert len(sent) == expected
    store = bootstrap.app().store
    ids = [store.calendar(visited[0], visited[-1])]
    assert ids == [[]]  # every appointment was completed by the clock: none open
