"""Knowing clients, against moto: tiers at booking, blocking, waivers, screening."""

from __future__ import annotations

from datetime import timedelta

import boto3

from tests.support.api import Api, book, emailed_token, sent_mail, token_of
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


def test_a_first_booking_has_no_tier(api: Api) -> None:
    r = book(api, start=z(THU), email="nuova@example.com")
    assert r.status == 201
    assert "tier" not in r.body
    assert r.body["booking"]["deposit"]["amount"] == 6000


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


def test_the_waiver_credit_pays_the_next_deposit(api: Api) -> None:
    booking, _ = late_cancel(api, THU)
    assert api.post("/api/admin/waive", {}, token=admin_of(booking)).status == 200
    r = book(api, start=z(MON), email=EMAIL)
    assert r.body["booking"]["status"] == "held"  # the credit waits for the emailed Confirm
    assert len(snapshot().credits) == 1
    done = api.post("/api/manage/confirm", token=emailed_token(api, r.body["booking"]["id"]))
    assert done.body["booking"]["status"] == "confirmed"
    assert done.body["booking"]["deposit"]["status"] == "paid"
    assert snapshot().credits == []


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


def test_waiving_as_refund_offline_books_a_refund_due(api: Api) -> None:
    booking, _ = late_cancel(api, THU)
    r = api.post("/api/admin/waive", {"as": "refund"}, token=admin_of(booking))
    assert r.status == 200
    assert r.body["outcome"]["returned"] == {"as": "refund", "amount": 6000}
    rows = boto3.client("dynamodb").query(
        TableName="keepslot-test",
        KeyConditionExpression="PK = :pk AND begins_with(SK, :l)",
        ExpressionAttributeValues={
            ":pk": {"S": f"BOOKING#{booking['id']}"},
            ":l": {"S": "LEDGER#"},
        },
    )["Items"]
    due = [it for it in rows if it["kind"]["S"] == "refund_due"]
    assert [int(it["amount"]["N"]) for it in due] == [6000]
    assert snapshot().credits == []


def test_declining_a_waiver_keeps_the_strike_and_writes_kindly(api: Api) -> None:
    booking, manage = late_cancel(api, THU)
    api.post("/api/manage/waiver", {"reason": "traffico"}, token=manage)
    r = api.post("/api/admin/decline-waiver", {}, token=admin_of(booking))
    assert r.status == 200
    from keepslot.domain.reliability import strikes

    assert strikes(snapshot().events, api.clock.now(), 365) == 1
    api.tick()
    answer = [m for m in mail_to(EMAIL) if m["subject"].startswith("Sulla tua richiesta")]
    assert "non posso fare un'eccezione" in answer[0]["text"]


def test_intake_answers_and_availability_fit_reach_the_freelancer(api: Api) -> None:
    answers = {"business": "Panificio Sole", "goal": "Altro", "availability": "sabato mattina"}
    r = book(api, start=z(THU), email="nuovo@example.com", answers=answers)
    assert r.status == 201
    api.tick()
    alert = next(m for m in mail_to("giulia@") if "Panificio Sole" in m["text"])
    assert "sabato mattina" in alert["text"]
    assert "fuori dal tuo orario (sabato mattina)" in alert["text"]


def test_a_late_cancel_after_months_of_reliability_suggests_a_conversation(api: Api) -> None:
    history(
        *[("completed", api.clock.now() - timedelta(days=40 * n), f"old{n}") for n in (1, 2, 3)]
    )
    late_cancel(api, THU)
    api.tick()
    alert = next(m for m in mail_to("giulia@") if m["subject"].startswith("Cancellazione tardiva"))
    assert "cambio di abitudini" in alert["text"]


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
