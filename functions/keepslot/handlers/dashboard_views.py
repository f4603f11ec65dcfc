"""The dashboard's answers: the overview and the report, as JSON and as CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from keepslot.domain.report import COUNTERS, Tally, rates, total
from keepslot.service.dashboard import Need, Overview
from keepslot.service.dashboard_login import DASHBOARD_MAIL_ID
from keepslot.service.json_shapes import booking_view
from keepslot.service.ports.postman import ADMIN_LINK_LIFETIME

if TYPE_CHECKING:
    from keepslot.bootstrap import App
    from keepslot.service.report import Report

# An admin link handed to the page for a booking that needs a look rather than a button.
LOOK_LINK = timedelta(hours=8)


def overview(app: App, o: Overview, now: datetime) -> dict[str, Any]:
    return {
        "agenda": [
            booking_view(e.booking) | {"strikes": e.strikes, "price": _price(e.booking)}
            for e in o.agenda
        ],
        "needs_you": [_need(app, n, now) for n in o.needs],
        "at_risk": [
            {
                "name": r.name,
                "email": r.email,
                "strikes": r.strikes,
                "tier": r.tier,
                "next": booking_view(r.next_booking)["start"] if r.next_booking else None,
            }
            for r in o.at_risk
        ],
    }


def _price(b: Any) -> dict[str, Any]:
    return {"amount": b.price.amount, "currency": b.price.currency}


def _need(app: App, n: Need, now: datetime) -> dict[str, Any]:
    view: dict[str, Any] = {"kind": n.kind, "actions": list(n.actions), **n.detail}
    if n.booking:
        view["booking"] = booking_view(n.booking)
    booking_id = n.booking.id if n.booking else str(n.detail.get("booking_id") or "")
    if n.kind == "failed" and booking_id and booking_id != DASHBOARD_MAIL_ID:
        # No button settles it: the page opens the booking's admin page instead.
        view["admin_url"] = app.links.admin(booking_id, now - (ADMIN_LINK_LIFETIME - LOOK_LINK))
    return view


def report_json(r: Report) -> dict[str, Any]:
    return {
        "months": [{"month": m} | t.as_dict() | rates(t) for m, t in r.months],
        "currency": r.currency,
        "totals": total(t for _, t in r.months).as_dict(),
        "by_policy_version": [
            {"policy_version": v} | t.as_dict() | rates(t) for v, t in r.versions
        ],
    }


def report_csv(r: Report) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    head = ["month", *COUNTERS, "late_cancel_rate", "no_show_rate", "currency"]
    w.writerow(head)
    rows: list[tuple[str, Tally]] = [*r.months, ("total", total(t for _, t in r.months))]
    rows += [(f"policy {v}", t) for v, t in r.versions]
    for label, t in rows:
        rate = rates(t)
        w.writerow(
            [
                label,
                *t.as_dict().values(),
                _rate(rate["late_cancel_rate"]),
                _rate(rate["no_show_rate"]),
                r.currency,
            ]
        )
    return out.getvalue()


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"
