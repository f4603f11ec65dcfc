"""The freelancer's dashboard: sign-in by email link, the overview, its buttons, the report.

Tokens come and go only in headers and bodies, never in a log line.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import Field

from keepslot.domain.instants import iso
from keepslot.handlers import answers, dashboard_answers, dashboard_views
from keepslot.handlers.auth import claim_of
from keepslot.handlers.deps import AppDep
from keepslot.handlers.models import Body
from keepslot.handlers.network import client_network
from keepslot.service.ports.claims import Purpose

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


class LoginBody(Body):
    email: str = Field(max_length=320)


class ActBody(Body):
    booking: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    action: Literal[
        "approve", "decline", "arrived", "no-show", "waive", "decline-waiver", "confirm-deposit"
    ]
    as_: Literal["credit", "refund"] | None = Field(default=None, alias="as")
    confirm: bool = False  # the second press of a button that moves money


def _session(app: AppDep) -> None:
    claim_of(app, router.current_event.headers, Purpose.DASHBOARD)


@router.post("/api/dashboard/login", responses=answers.answers(dashboard_answers.LoginAnswer, 202))
def post_login(body: LoginBody, app: AppDep) -> Response[Any]:
    from keepslot.service.dashboard_login import request_link

    network = client_network(router.current_event.raw_event, app.env.edge_secret)
    hashed = app.signer.pseudonym(network) if network else None
    request_link(app.ctx, app.tables.logins, body.email, hashed, app.clock.now())
    return Response(202, "application/json", '{"status": "sent if known"}')


@router.post("/api/dashboard/session", responses=answers.answers(dashboard_answers.SessionAnswer))
def post_session(app: AppDep) -> dict[str, Any]:
    from keepslot.service.dashboard_login import SESSION_LIFETIME, open_session

    claim = claim_of(app, router.current_event.headers, Purpose.LOGIN)
    open_session(app.tables.logins, claim.booking_id, claim.expires)
    until = app.clock.now() + SESSION_LIFETIME
    token = app.signer.sign(secrets.token_urlsafe(12), Purpose.DASHBOARD, until)
    return {"token": token, "expires": iso(until)}


@router.get("/api/dashboard", responses=answers.answers(dashboard_answers.OverviewAnswer))
def get_dashboard(app: AppDep) -> dict[str, Any]:
    from keepslot.service.dashboard import overview

    _session(app)
    now = app.clock.now()
    seen = overview(
        app.ctx, app.store, app.tables.needs.waiver_requests, app.tables.busy.states, now
    )
    return dashboard_views.overview(app, seen, now)


@router.post("/api/dashboard/act", responses=answers.answers(answers.BookingAnswer))
def post_act(body: ActBody, app: AppDep) -> dict[str, Any]:
    from keepslot.service.dashboard import act
    from keepslot.service.json_shapes import booking_view

    _session(app)
    now = app.clock.now()
    done = act(app.ctx, body.booking, body.action, now, sure=body.confirm, as_=body.as_)
    return {"booking": booking_view(done)}


Months = Annotated[int, Query(ge=1, le=36)]


@router.get("/api/dashboard/report", responses=answers.answers(dashboard_answers.ReportAnswer))
def get_report(app: AppDep, months: Months = 12) -> dict[str, Any]:
    _session(app)
    return dashboard_views.report_json(_report(app, months))


@router.get("/api/dashboard/report.csv")
def get_report_csv(app: AppDep, months: Months = 12) -> Response[str]:
    _session(app)
    headers = {"Content-Disposition": 'attachment; filename="keepslot-report.csv"'}
    body = dashboard_views.report_csv(_report(app, months))
    return Response(200, "text/csv; charset=utf-8", body, headers=headers)


def _report(app: AppDep, months: int) -> Any:
    from keepslot.service.report import report

    b = app.config.business
    return report(app.tables.report, app.clock.now(), months, b.timezone, b.currency)
