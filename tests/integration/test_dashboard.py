"""The freelancer's dashboard on moto: sign-in by email link, the report, the buttons."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import boto3
import pytest

from tests.support.api import THU_10, Api, book, emailed_token, sent_mail
from tests.support.apigw import LambdaContext, http_event
from tests.support.configs import with_payments
from tests.support.counting import counting

ALERTS = "giulia@giuliarossi.it"  # business.alerts of the sample config


def login_links(api: Api) -> list[str]:
    api.tick()  # the clock sweeps the outbox, as the dispatcher does in AWS
    found = []
    for mail in sent_mail():
        found += re.findall(r"/dashboard/#([\w.-]+)", mail["text"])
    return found


def confirmed(api: Api, **over: str) -> str:
    """A booking with its deposit confirmed; the client's emailed manage token."""
    booking_id = book(api, **over).body["booking"]["id"]
    api.tick()
    alert = next(m for m in sent_mail() if "/admin/#" in m["text"])
    admin = alert["text"].split("/admin/#", 1)[1].split()[0]
    assert api.post("/api/admin/confirm-deposit", token=admin).status == 200
    return emailed_token(api, booking_id)


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def session(api: Api) -> str:
    assert api.post("/api/dashboard/login", {"email": ALERTS}).status == 202
    token = login_links(api)[-1]
    r = api.post("/api/dashboard/session", token=token)
    assert r.status == 200, r.body
    return str(r.body["token"])


def test_a_stranger_gets_202_and_no_mail(api: Api) -> None:
    r = api.post("/api/dashboard/login", {"email": "someone@example.com"})
    assert r.status == 202
    assert login_links(api) == []


def test_the_freelancer_gets_a_link_that_works_once(api: Api) -> None:
    r = api.post("/api/dashboard/login", {"email": "  GIULIA@GiuliaRossi.it "})
    assert r.status == 202
    [token] = login_links(api)
    first = api.post("/api/dashboard/session", token=token)
    assert first.status == 200
    assert first.body["token"].split(".")[1] == "dashboard"
    again = api.post("/api/dashboard/session", token=token)
    assert again.status == 401
    assert api.get("/api/dashboard", token=first.body["token"]).status == 200


def test_the_login_link_expires_after_15_minutes(api: Api) -> None:
    api.post("/api/dashboard/login", {"email": ALERTS})
    [token] = login_links(api)
    api.clock.advance(minutes=16)
    assert api.post("/api/dashboard/session", token=token).status == 401


def test_neither_a_login_link_nor_an_admin_link_opens_the_dashboard(api: Api) -> None:
    api.post("/api/dashboard/login", {"email": ALERTS})
    [token] = login_links(api)
    assert api.get("/api/dashboard", token=token).status == 403
    assert api.get("/api/dashboard").status == 401


def test_login_requests_are_rate_limited_per_network(api: Api) -> None:
    codes = [
        api.post("/api/dashboard/login", {"email": f"x{n}@example.com"}).status for n in range(11)
    ]
    assert codes == [202] * 10 + [429]


def test_a_late_cancel_adds_one_to_its_months_late_cancels(api: Api) -> None:
    manage = confirmed(api)
    api.clock.advance(hours=40)  # inside the 48 hours: the deposit is kept
    assert api.post("/api/manage/cancel", {}, token=manage).status == 200
    after = api.get("/api/dashboard/report?months=12", token=session(api)).body
    month = {m["month"]: m for m in after["months"]}["2026-12"]
    assert month["late_cancels"] == 1 and month["no_shows"] == 0
    assert month["bookings"] == 1 and month["kept"] == 6000
    assert after["currency"] == "EUR" and len(after["months"]) == 12
    [version] = after["by_policy_version"]
    assert version["late_cancels"] == 1


def test_an_event_counts_in_the_month_of_its_appointment(api: Api) -> None:
    # Booked on 30 November for 3 December: a December booking.
    confirmed(api, start=THU_10)
    api.clock.advance(days=3)
    token = session(api)
    months = api.get("/api/dashboard/report?months=2", token=token).body["months"]
    assert [(m["month"], m["bookings"]) for m in months] == [("2026-11", 0), ("2026-12", 1)]


def test_twelve_months_of_report_are_one_query(api: Api) -> None:
    token = session(api)
    confirmed(api)
    with counting() as calls:
        r = api.get("/api/dashboard/report?months=12", token=token)
    assert r.status == 200
    assert calls == Counter({"Query": 1})


def test_the_csv_has_a_row_per_month_and_the_totals(api: Api) -> None:
    confirmed(api)
    api.clock.advance(days=3)
    token = session(api)
    from keepslot.handlers import api as handler

    event = http_event("GET", "/api/dashboard/report.csv?months=3", None, bearer(token))
    res = handler.handler(event, LambdaContext())  # type: ignore[arg-type]
    assert res["statusCode"] == 200
    assert res["headers"]["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(res["body"])))
    assert rows[0][:4] == ["month", "bookings", "completed", "late_cancels"]
    assert [r[0] for r in rows[1:5]] == ["2026-10", "2026-11", "2026-12", "total"]
    assert rows[3][1] == "1" and rows[4][1] == "1"


def test_a_no_show_check_is_settled_from_the_dashboard_after_a_confirm_press(api: Api) -> None:
    confirmed(api)
    api.clock.advance(hours=73, minutes=20)  # 20 minutes after the start: past the grace
    token = session(api)
    needs = api.get("/api/dashboard", token=token).body["needs_you"]
    check = next(n for n in needs if n["kind"] == "no_show_check")
    assert check["actions"] == ["arrived", "no-show"]
    act = {"booking": check["booking"]["id"], "action": "no-show"}
    assert api.post("/api/dashboard/act", act, token=token).status == 409
    done = api.post("/api/dashboard/act", act | {"confirm": True}, token=token)
    assert done.status == 200 and done.body["booking"]["status"] == "no_show"
    needs = api.get("/api/dashboard", token=token).body["needs_you"]
    assert not [n for n in needs if n["kind"] == "no_show_check"]


def test_the_used_link_item_has_a_condition_that_refuses_a_second_use(api: Api) -> None:
    session(api)
    used = boto3.client("dynamodb").scan(TableName="keepslot-test")["Items"]
    assert [it for it in used if it["SK"]["S"] == "USED"]


def test_a_waiver_request_waits_in_needs_you_until_the_freelancer_decides(api: Api) -> None:
    manage = confirmed(api)
    api.clock.advance(hours=40)  # a late cancel: the deposit is kept
    assert api.post("/api/manage/cancel", {}, token=manage).status == 200
    r = api.post("/api/manage/waiver", {"reason": "febbre alta"}, token=manage)
    assert r.status == 202
    token = session(api)
    [need] = [n for n in api.get("/api/dashboard", token=token).body["needs_you"]]
    assert need["kind"] == "waiver" and need["actions"] == ["waive", "decline-waiver"]
    act = {"booking": need["booking"]["id"], "action": "waive", "as": "credit"}
    assert api.post("/api/dashboard/act", act, token=token).status == 409  # money: confirm first
    done = api.post("/api/dashboard/act", act | {"confirm": True}, token=token)
    assert done.status == 200 and done.body["booking"]["deposit"]["status"] == "waived"
    assert api.get("/api/dashboard", token=token).body["needs_you"] == []
    month = api.get("/api/dashboard/report?months=1", token=token).body["months"][0]
    assert (month["late_cancels"], month["kept"], month["credited"]) == (1, 0, 6000)


def test_a_request_waiting_for_approval_is_approved_with_one_press(
    api: Api, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from keepslot import bootstrap

    screened = {"reliability": {"new_clients_require_approval": True}}
    monkeypatch.setenv("KEEPSLOT_CONFIG", str(with_payments("offline", tmp_path, **screened)))
    bootstrap.reset()
    bootstrap.use_clock(api.clock)
    booking = book(api).body["booking"]
    assert booking["status"] == "pending_approval"
    token = session(api)
    [need] = api.get("/api/dashboard", token=token).body["needs_you"]
    assert need["kind"] == "approval" and need["actions"] == ["approve", "decline"]
    act = {"booking": booking["id"], "action": "approve"}
    done = api.post("/api/dashboard/act", act, token=token)
    assert done.status == 200 and done.body["booking"]["status"] == "held"
    agenda = api.get("/api/dashboard", token=token).body["agenda"]
    assert [(b["id"], b["status"], b["strikes"]) for b in agenda] == [(booking["id"], "held", 0)]


def test_an_unknown_action_is_a_422_naming_the_field(api: Api) -> None:
    token = session(api)
    r = api.post("/api/dashboard/act", {"booking": "abc", "action": "refund-all"}, token=token)
    assert r.status == 422 and "action" in r.body["error"]["fields"]


def test_a_transfer_to_check_is_confirmed_from_needs_you_after_a_confirm_press(api: Api) -> None:
    booking = book(api).body["booking"]
    token = session(api)
    [need] = api.get("/api/dashboard", token=token).body["needs_you"]
    assert need["kind"] == "deposit" and need["actions"] == ["confirm-deposit"]
    act = {"booking": booking["id"], "action": "confirm-deposit"}
    assert api.post("/api/dashboard/act", act, token=token).status == 409
    done = api.post("/api/dashboard/act", act | {"confirm": True}, token=token)
    assert done.status == 200 and done.body["booking"]["status"] == "confirmed"
    assert api.get("/api/dashboard", token=token).body["needs_you"] == []


def test_no_token_or_address_reaches_the_logs(
    api: Api, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    api.post("/api/dashboard/login", {"email": ALERTS})
    [link] = login_links(api)
    session_token = api.post("/api/dashboard/session", token=link).body["token"]
    api.post("/api/dashboard/session", token=link)  # refused: logged as a refusal only
    api.get("/api/dashboard", token=session_token)
    logged = capsys.readouterr().out + capsys.readouterr().err + caplog.text
    assert logged  # the handlers did log
    for secret in (link, session_token, link.rsplit(".", 1)[1], ALERTS):
        assert secret not in logged


def test_a_job_given_up_on_and_a_calendar_that_fails_show_in_needs_you(api: Api) -> None:

    from keepslot import bootstrap
    from keepslot.adapters.dynamo.busy import DynamoBusyTable
    from keepslot.service.ports import CalendarState
    from keepslot.service.ports.changes import Change, Job, JobKind

    booking = book(api).body["booking"]
    app = bootstrap.app()
    now = api.clock.now()
    job = Job(booking["id"], JobKind.REFUND, now, {"reason": "waiver"})
    app.store.commit(Change(jobs=[job]))
    pk = f"BOOKING#{booking['id']}"
    app.store.job_attempt_failed(pk, job.key, 5, now, failed=True, error="card_declined")
    broken = CalendarState("studio", failures=3, last_error="HTTP 404", last_attempt=now)
    DynamoBusyTable(app.dynamodb, app.env.table_name).save_state(broken, [])
    api.clock.advance(minutes=1)
    needs = api.get("/api/dashboard", token=session(api)).body["needs_you"]
    failed = next(n for n in needs if n["kind"] == "failed")
    assert (failed["what"], failed["attempts"], failed["error"]) == ("refund", 5, "card_declined")
    assert "/admin/#" in failed["admin_url"]  # no button settles it: the booking opens
    calendar = next(n for n in needs if n["kind"] == "calendar")
    assert (calendar["calendar"], calendar["error"]) == ("studio", "HTTP 404")
