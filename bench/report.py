"""The dashboard's report: 12 months with a year of counters in the table, read with one
Query (never a Scan), however many bookings the year had."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

YEAR_OF_CHANGES = 120  # a booking, cancel or attendance every third day


def report_calls(api: Any) -> dict[str, Any]:
    from keepslot import bootstrap
    from keepslot.service.ports.changes import Change, ClientEvent
    from tests.support.counting import counting

    app = bootstrap.app()
    now = app.clock.now()
    kinds = ("booked", "completed", "late_cancel", "no_show", "confirmed", "reschedule")
    for n in range(YEAR_OF_CHANGES):  # each counted in its own transaction, as changes are
        at = now - timedelta(days=n)
        event = ClientEvent(f"c{n % 40}@example.com", kinds[n % len(kinds)], at, f"bench{n}")
        app.store.commit(Change(events=[event]))
    session = _session(api)
    with counting() as calls:
        r = api.get("/api/dashboard/report?months=12", token=session)
    assert r.status == 200, r.body
    return {"report": {"calls": dict(calls), "months": len(r.body["months"])}}


def _session(api: Any) -> str:
    from tests.support.api import sent_mail

    assert api.post("/api/dashboard/login", {"email": "giulia@giuliarossi.it"}).status == 202
    api.tick()
    token = re.findall(r"/dashboard/#([\w.-]+)", sent_mail()[-1]["text"])[-1]
    return str(api.post("/api/dashboard/session", token=token).body["token"])


def report_row(r: dict[str, Any]) -> tuple[str, str, str, str]:
    calls = r["report"]["calls"]
    met = calls == {"Query": 1}
    return (
        "DynamoDB calls: report 12 months",
        f"{r['report']['months']} months, {YEAR_OF_CHANGES} changes",
        "1 Query" if met else str(calls),
        f"report: 1 Query: {'met' if met else 'MISSED'}",
    )
