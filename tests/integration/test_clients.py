"""Knowing clients over HTTP: the tier's words in the booking answer, a blocked address
answered like anyone, the waiver and approval buttons on the manage and admin pages.

The rules themselves run on the fakes in tests/unit/test_client_rules.py."""

from __future__ import annotations

from datetime import timedelta

from tests.support.api import Api, book, sent_mail, token_of
from tests.support.clients import (
    EMAIL,
    FRI,
    MON,
    THU,
    TUE,
    admin_of,
    history,
    late_cancel,
    mail_to,
    snapshot,
    z,
)


def test_two_late_cancels_mean_full_prepayment_on_the_third_booking(api: Api) -> None:
    late_cancel(api, THU)
    late_cancel(api, FRI)
    r = book(api, start=z(MON), email=EMAIL)
    assert r.status == 201
    assert r.body["tier"]["rule"] == "prepay"
    assert "prezzo intero" in r.body["tier"]["message"]  # the site speaks Italian
    assert r.body["booking"]["deposit"]["amount"] == 12000  # the full price
    assert r.body["booking"]["status"] == "held"


def test_a_blocked_address_gets_the_answer_anyone_gets_and_a_farewell_by_email(
    api: Api,
) -> None:
    r = book(api, start=z(THU), email=EMAIL)
    blocked = api.post(
        "/api/admin/block-client", {"farewell": True}, token=admin_of(r.body["booking"])
    )
    assert blocked.status == 200
    assert snapshot().blocked
    again = book(api, start=z(FRI), email=EMAIL.upper())
    anyone = book(api, start=z(MON), email="someone.else@example.com")
    assert again.status == anyone.status == 201
    assert again.body.keys() == anyone.body.keys()
    mine, theirs = again.body["booking"], anyone.body["booking"]
    assert mine.keys() == theirs.keys()
    assert (mine["status"], mine["deposit"]) == (theirs["status"], theirs["deposit"])
    assert again.body["payment"] == anyone.body["payment"]
    assert again.body["manage_url"].split("#")[0] == anyone.body["manage_url"].split("#")[0]
    # Nothing was booked: the time is still free, and the client's partition is unchanged.
    slots = api.get("/api/slots?service=strategia&from=2026-12-04&to=2026-12-04").body["slots"]
    assert z(FRI) in [s["start"] for s in slots]
    assert snapshot().holds == [r.body["booking"]["id"]]
    # A taken time answers 409 to a blocked address too.
    taken = book(api, start=z(MON), email=EMAIL)
    assert taken.status == 409 and taken.body["error"]["code"] == "slot_taken"
    manage = api.get("/api/manage", token=token_of(r.body["manage_url"]))
    assert manage.body["booking"]["status"] == "held"  # untouched
    book(api, start=z(TUE), email=EMAIL)  # a second try the same day: no second email
    api.tick()
    to_marco = [m for m in sent_mail() if EMAIL in m["to"].lower()]  # as typed: MARCO@...
    farewell = [m for m in to_marco if m["subject"].startswith("Grazie")]
    assert len(farewell) == 2  # the freelancer's, and the one answering the attempt
    assert all("auguro il meglio" in m["text"] for m in farewell)
    assert any("non è stato prenotato nulla" in m["text"] for m in farewell)


def test_a_waiver_request_reaches_the_freelancer_and_waiving_removes_the_strike(
    api: Api,
) -> None:
    booking, manage = late_cancel(api, THU)
    assert len(snapshot().credits) == 0
    view = api.get("/api/manage", token=manage)
    assert view.body["actions"] == ["waiver"]
    asked = api.post("/api/manage/waiver", {"reason": "Mio figlio all'ospedale"}, token=manage)
    assert asked.status == 202
    api.tick()
    alert = next(m for m in mail_to("giulia@") if m["subject"].startswith("Richiesta di eccezione"))
    assert "Mio figlio all'ospedale" in alert["text"]
    assert "/admin/?do=waive#" in alert["text"]
    assert "/admin/?do=decline-waiver#" in alert["text"]
    admin = admin_of(booking)
    assert {"waive", "decline-waiver"} <= set(api.get("/api/admin", token=admin).body["actions"])
    # Asking twice is refused with a reason.
    twice = api.post("/api/manage/waiver", {"reason": "again"}, token=manage)
    assert twice.status == 409
    waived = api.post("/api/admin/waive", {}, token=admin)  # the config's default: credit
    assert waived.status == 200, waived.body
    assert waived.body["outcome"]["returned"] == {"as": "credit", "amount": 6000}
    assert waived.body["booking"]["deposit"]["status"] == "waived"
    snap = snapshot()
    from keepslot.domain.reliability import strikes

    assert strikes(snap.events, api.clock.now(), 365) == 0
    assert [(c.source_booking_id, c.amount) for c in snap.credits] == [
        (booking["id"] + "#waiver", 6000)
    ]
    api.tick()
    decided = [m for m in mail_to(EMAIL) if m["subject"].startswith("Sulla tua richiesta")]
    assert len(decided) == 1 and "le emergenze capitano" in decided[0]["text"]
    after = api.get("/api/manage", token=manage).body
    assert after["actions"] == []
    assert "già stato concesso" in after["waiver"]


def test_a_second_waiver_in_a_year_is_refused_with_the_reason(api: Api) -> None:
    first, _ = late_cancel(api, THU)
    refund = {"as": "refund"}  # a credit would pay the next deposit, and nothing be forfeited
    assert api.post("/api/admin/waive", refund, token=admin_of(first)).status == 200
    _, manage = late_cancel(api, MON)
    view = api.get("/api/manage", token=manage).body
    assert "waiver" not in view["actions"]
    assert "già stato usato" in view["waiver"]
    r = api.post("/api/manage/waiver", {"reason": "ancora"}, token=manage)
    assert r.status == 409
    assert "già stato usato" in r.body["error"]["message"]


def test_three_strikes_wait_for_approval_then_approve_or_decline(api: Api) -> None:
    past = api.clock.now() - timedelta(days=30)
    history(*[("late_cancel", past + timedelta(days=n), f"old{n}") for n in (1, 2, 3)])
    r = book(api, start=z(THU), email=EMAIL)
    assert r.body["booking"]["status"] == "pending_approval"
    assert r.body["tier"]["rule"] == "approval"
    admin = admin_of(r.body["booking"])
    view = api.get("/api/admin", token=admin).body
    assert {"approve", "decline"} <= set(view["actions"])
    assert (view["client"]["strikes"], view["client"]["tier"]) == (3, "approval")
    ok = api.post("/api/admin/approve", {}, token=admin)
    assert ok.status == 200
    assert ok.body["booking"]["status"] == "held"  # the full price is still due
    other = book(api, start=z(FRI), email=EMAIL)
    no = api.post("/api/admin/decline", {}, token=admin_of(other.body["booking"]))
    assert no.body["booking"]["status"] == "declined"
    slots = api.get("/api/slots?service=strategia&from=2026-12-04&to=2026-12-04").body["slots"]
    assert z(FRI) in [s["start"] for s in slots]  # the slot is free again
