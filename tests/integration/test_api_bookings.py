"""The booking API against moto: shapes, statuses and errors of handlers/api.py."""

from __future__ import annotations

import uuid

from tests.support.api import (
    THU_10,
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


def test_config_publishes_services_policy_and_version(api: Api) -> None:
    r = api.get("/api/config")
    assert r.status == 200
    assert r.body["business"]["timezone"] == "Europe/Rome"
    strategia = r.body["services"][0]
    assert strategia["price"] == {"amount": 12000, "currency": "EUR"}
    assert strategia["deposit"] == {"amount": 6000, "currency": "EUR"}
    assert r.body["policy"]["free_change_hours"] == 48
    assert len(r.body["policy_version"]) == 12


def test_slots_lists_free_starts_and_drops_a_booked_one(api: Api) -> None:
    r = api.get("/api/slots?service=strategia&from=2026-12-03&to=2026-12-03")
    assert r.status == 200
    starts = [s["start"] for s in r.body["slots"]]
    assert THU_10 in starts
    assert book(api).status == 201
    after = [
        s["start"]
        for s in api.get("/api/slots?service=strategia&from=2026-12-03&to=2026-12-03").body["slots"]
    ]
    assert THU_10 not in after
    assert "2026-12-03T09:30:00Z" not in after  # overlaps the hour plus its 15 min buffer


def test_slots_range_over_62_days_is_422(api: Api) -> None:
    r = api.get("/api/slots?service=strategia&from=2026-12-01&to=2027-03-01")
    assert r.status == 422
    assert "to" in r.body["error"]["fields"]


def test_offline_booking_is_held_until_the_deposit_is_confirmed(api: Api) -> None:
    r = book(api)
    assert r.status == 201
    b = r.body["booking"]
    assert b["status"] == "held"
    assert b["deposit"] == {"amount": 6000, "currency": "EUR", "status": "pending"}
    assert b["hold_until"] == "2026-12-01T08:00:00Z"  # 24 h offline hold
    assert r.body["payment"]["kind"] == "offline"
    assert "IBAN" in r.body["payment"]["instructions"]
    assert r.body["manage_url"].startswith("http://127.0.0.1:8000/manage/#")


def test_a_free_booking_is_held_until_its_client_confirms_from_the_email(api: Api) -> None:
    r = book(api, service="conoscitiva", mode="video")
    assert r.status == 201
    held = r.body["booking"]
    assert held["status"] == "held" and held["deposit"]["status"] == "none"
    assert held["hold_until"] == "2026-12-01T08:00:00Z"
    assert r.body["payment"]["kind"] == "none"
    # The answer's link only looks: whoever typed the address cannot confirm with it.
    seen = token_of(r.body["manage_url"])
    refused = api.post("/api/manage/confirm", token=seen)
    assert refused.status == 403 and refused.body["error"]["code"] == "email_link_needed"
    token = emailed_token(api, held["id"])
    assert "confirm" in api.get("/api/manage", token=token).body["actions"]
    done = api.post("/api/manage/confirm", token=token)
    assert done.status == 200, done.body
    assert done.body["booking"]["status"] == "confirmed"
    at = done.body["booking"]["confirmed_at"]
    assert at == "2026-11-30T08:00:00Z"
    api.clock.advance(minutes=5)
    again = api.post("/api/manage/confirm", token=token)
    assert again.status == 200 and again.body["booking"]["confirmed_at"] == at
    assert api.get("/api/manage", token=seen).body["booking"]["status"] == "confirmed"


def test_an_unconfirmed_free_booking_is_released_and_the_freelancer_never_hears(
    api: Api,
) -> None:
    r = book(api, service="conoscitiva", mode="video")
    api.tick()
    assert not [m for m in sent_mail() if "giulia@" in m["to"]]
    api.clock.advance(hours=24, minutes=1)
    api.tick()
    seen = token_of(r.body["manage_url"])
    assert api.get("/api/manage", token=seen).body["booking"]["status"] == "expired"
    assert not [m for m in sent_mail() if "giulia@" in m["to"]]
    released = [m for m in sent_mail() if m["subject"].startswith("Prenotazione liberata")]
    assert "non è stata confermata" in released[0]["text"]


def test_taken_start_gets_409_slot_taken(api: Api) -> None:
    assert book(api).status == 201
    r = book(api, email="other@example.com")
    assert r.status == 409
    assert r.body["error"]["code"] == "slot_taken"


def test_shorter_booking_inside_a_longer_one_gets_409(api: Api) -> None:
    assert book(api).status == 201
    r = book(
        api,
        service="conoscitiva",
        mode="video",
        start="2026-12-03T09:30:00Z",
        email="other@example.com",
    )
    assert r.status in (409, 422)  # 09:30 is off the 20-minute service's grid or taken
    r = book(
        api,
        service="conoscitiva",
        mode="video",
        start="2026-12-03T10:00:00Z",
        email="other@example.com",
    )
    assert r.status == 409 and r.body["error"]["code"] == "slot_taken"  # inside the buffer


def test_same_idempotency_key_returns_the_same_booking(api: Api) -> None:
    key = str(uuid.uuid4())
    payload = body(api)
    first = api.post("/api/bookings", payload, headers={"Idempotency-Key": key})
    again = api.post("/api/bookings", payload, headers={"Idempotency-Key": key})
    assert first.status == again.status == 201
    assert first.body["booking"]["id"] == again.body["booking"]["id"]
    other = api.post(
        "/api/bookings", payload | {"name": "Someone Else"}, headers={"Idempotency-Key": key}
    )
    assert other.status == 422


def test_changed_policy_version_gets_409(api: Api) -> None:
    r = book(api, policy_version="000000000000")
    assert r.status == 409 and r.body["error"]["code"] == "policy_changed"


def test_bad_input_is_422_never_5xx(api: Api) -> None:
    cases = {
        "start": {"start": "2026-11-01T09:00:00Z"},  # past
        "start ": {"start": "2026-12-03T09:07:00Z"},  # unaligned
        "start  ": {"start": "2026-12-03T03:00:00Z"},  # off hours
        "service": {"service": "massage"},
        "mode": {"mode": "carrier-pigeon"},
        "name": {"name": "Anna\r\nBcc: all@example.com"},
        "email": {"email": "not-an-email"},
    }
    for field, over in cases.items():
        r = book(api, **over)
        assert r.status == 422, (field, r.body)
        assert field.strip() in r.body["error"].get("fields", {}), (field, r.body)
    wrong_type = api.post("/api/bookings", body(api) | {"start": 12})
    assert wrong_type.status == 422
    malformed = api.call("POST", "/api/bookings", "{not json")
    assert malformed.status == 422


def test_body_over_64kb_is_413(api: Api) -> None:
    r = api.post("/api/bookings", body(api, notes="x" * 70_000))
    assert r.status == 413


def test_client_gets_manage_link_and_freelancer_an_alert(api: Api) -> None:
    r = book(api)
    api.tick()
    mail = sent_mail()
    to_client = [m for m in mail if "anna@example.com" in m["to"]]
    to_freelancer = [m for m in mail if "giulia@giuliarossi.it" in m["to"]]
    assert len(to_client) == 1 and len(to_freelancer) == 1
    # The email carries the link that acts; the answer's link (which only looks) is another.
    emailed = emailed_token(api, r.body["booking"]["id"])
    assert emailed in to_client[0]["text"]
    assert emailed != token_of(r.body["manage_url"])
    alert = to_freelancer[0]["text"]
    assert "Anna Bianchi" in alert and "anna@example.com" in alert and "+39 333 000 1111" in alert
    assert "/admin/#" in alert


def test_confirm_deposit_from_admin_link(api: Api) -> None:
    r = book(api)
    admin = admin_token(api)
    view = api.get("/api/admin", token=admin)
    assert view.status == 200 and "confirm-deposit" in view.body["actions"]
    done = api.post("/api/admin/confirm-deposit", token=admin)
    assert done.status == 200
    assert done.body["booking"]["status"] == "confirmed"
    assert done.body["booking"]["deposit"]["status"] == "paid"
    again = api.post("/api/admin/confirm-deposit", token=admin)
    assert again.status == 409
    assert r.body["booking"]["id"] == done.body["booking"]["id"]


def test_tampered_or_expired_token_is_401_and_client_token_on_admin_is_403(api: Api) -> None:
    token = token_of(book(api).body["manage_url"])
    assert api.get("/api/manage", token=token).status == 200
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert api.get("/api/manage", token=tampered).status == 401
    assert api.get("/api/manage").status == 401
    assert api.get("/api/admin", token=token).status == 403
    api.clock.advance(days=60)
    assert api.get("/api/manage", token=token).status == 401


def test_manage_previews_then_early_cancel_gives_a_credit(api: Api) -> None:
    token = confirmed(api)
    view = api.get("/api/manage", token=token)
    assert view.status == 200
    assert view.body["preview"]["cancel"]["deposit"] == "credit"
    assert view.body["preview"]["reschedule"]["deposit"] == "carried"
    assert view.body["preview"]["cancel"]["explanation"]
    r = api.post("/api/manage/cancel", {"reason": "influenza"}, token=token)
    assert r.status == 200
    assert r.body["booking"]["status"] == "cancelled"
    assert r.body["booking"]["deposit"]["status"] == "credit"
    assert r.body["outcome"]["returned"] == {"as": "credit", "amount": 6000}
    assert r.body["outcome"]["credit_until"] == "2026-12-06T09:00:00Z"
    # The slot is free again and the credit pays the next booking once its client presses
    # Confirm on the emailed link: nothing to pay.
    again = book(api, start=THU_LATER)
    assert again.status == 201
    assert again.body["booking"]["status"] == "held"
    used = api.post("/api/manage/confirm", token=emailed_token(api, again.body["booking"]["id"]))
    assert used.body["booking"]["status"] == "confirmed"
    assert used.body["booking"]["deposit"]["status"] == "paid"
    assert book(api, start=THU_10, email="x@example.com").status == 201


def test_late_cancel_forfeits_the_deposit(api: Api) -> None:
    token = confirmed(api)
    api.clock.advance(hours=30)  # 43 h before the start
    r = api.post("/api/manage/cancel", {}, token=token)
    assert r.status == 200
    assert r.body["outcome"]["deposit"] == "forfeited"
    assert r.body["outcome"]["forfeited"] == 6000
    assert r.body["booking"]["deposit"]["status"] == "forfeited"


def test_switch_to_video_is_free(api: Api) -> None:
    token = confirmed(api)
    api.clock.advance(hours=60)
    r = api.post("/api/manage/mode", {"mode": "video"}, token=token)
    assert r.status == 200
    assert r.body["booking"]["mode"] == "video"
    assert r.body["outcome"]["deposit"] == "none"
    assert r.body["booking"]["deposit"]["status"] == "paid"


def test_early_reschedule_carries_the_deposit_and_supersedes_the_old_link(api: Api) -> None:
    token = confirmed(api)
    r = api.post("/api/manage/reschedule", {"start": THU_LATER}, token=token)
    assert r.status == 200, r.body
    assert r.body["outcome"]["deposit"] == "carried"
    assert r.body["booking"]["status"] == "rescheduled"
    new_token = token_of(r.body["manage_url"])
    new = api.get("/api/manage", token=new_token).body["booking"]
    assert new["start"] == THU_LATER and new["status"] == "confirmed"
    assert new["deposit"]["status"] == "paid"
    old = api.post("/api/manage/cancel", {}, token=token)
    assert old.status == 409 and old.body["error"]["code"] == "superseded"
    assert api.get("/api/manage", token=token).status == 200  # still readable


def test_reschedule_into_a_taken_slot_leaves_the_booking_as_it_was(api: Api) -> None:
    token = confirmed(api)
    assert book(api, start=THU_LATER, email="other@example.com").status == 201
    before = api.get("/api/manage", token=token).body["booking"]
    r = api.post("/api/manage/reschedule", {"start": THU_LATER}, token=token)
    assert r.status == 409 and r.body["error"]["code"] == "slot_taken"
    assert api.get("/api/manage", token=token).body["booking"] == before
    # its own slot is still held: nobody else can take it
    assert book(api, email="third@example.com").status == 409


def test_unpaid_hold_expires_on_the_clock_and_frees_the_slot(api: Api) -> None:
    token = token_of(book(api).body["manage_url"])
    api.clock.advance(hours=24, minutes=1)
    api.tick()
    assert api.get("/api/manage", token=token).body["booking"]["status"] == "expired"
    assert book(api, email="other@example.com").status == 201
