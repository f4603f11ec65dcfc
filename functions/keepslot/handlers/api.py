"""The HTTP API (API Gateway HTTP API v2): each route parses, calls one use case, answers.

Use cases other than booking are imported by the routes that run them: GET /api/slots,
the first request of most cold starts, needs none of them (a shorter cold start).
"""

from __future__ import annotations

from keepslot.handlers import coldstart  # first: no garbage collection while modules load

# isort: split
import functools
import hashlib
import json
import warnings
from dataclasses import replace
from datetime import date
from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from keepslot.domain.errors import DomainError
from keepslot.handlers import (
    answers,
    routes_attendance,
    routes_clients,
    routes_dashboard,
    routes_waitlist,
    shapes,
)
from keepslot.handlers.deps import (
    AppDep,
    ClientBooking,
    FreelancerBooking,
    Viewer,
    ViewerClaim,
    app_of,
)
from keepslot.handlers.errors import domain_error, error, proxy_error
from keepslot.handlers.models import BookingBody, CancelBody, ModeBody, RescheduleBody
from keepslot.handlers.network import client_network
from keepslot.service import new_booking, payments
from keepslot.service.ports.changes import NEW_VERSION
from keepslot.service.ports.claims import Purpose

MAX_BODY = 64 * 1024
# Most requests record no business metric; that is normal, not worth a warning per call.
warnings.filterwarnings("ignore", "No application metrics to publish")
logger = Logger(service="keepslot-api")
metrics = Metrics(namespace="keepslot", service="api")
api = APIGatewayHttpResolver(enable_validation=True)
api.include_router(routes_attendance.router)  # arrived, waiting, no-show, offer
api.include_router(routes_clients.router)  # waivers, approve/decline, block, calendar feed
api.include_router(routes_dashboard.router)  # the freelancer's dashboard and report
api.include_router(routes_waitlist.router)  # join, leave, the time an offer names


@api.exception_handler(DomainError)
def _domain(err: DomainError) -> Any:
    logger.info("refused", extra={"code": err.code, "reason": err.reason})
    return domain_error(err, app_of(api).config.business.locale)


@api.exception_handler(RequestValidationError)
def _invalid(err: RequestValidationError) -> Any:
    fields: dict[str, str] = {}
    for item in err.errors():
        loc = [str(p) for p in item.get("loc", ()) if p not in ("body", "query")]
        fields[".".join(loc) or "body"] = str(item.get("msg", "invalid")).removeprefix(
            "Value error, "
        )
    first = next(iter(fields.items()))
    return error(422, "invalid_input", f"{first[0]}: {first[1]}", fields)


@api.get("/api/config", responses=answers.answers(answers.ConfigAnswer))
def get_config(app: AppDep) -> dict[str, Any]:
    return shapes.public_config(app.config)


@api.get("/api/slots", responses=answers.answers(answers.SlotsAnswer))
def get_slots(
    service: Annotated[str, Query(max_length=40)],
    from_: Annotated[date, Query(alias="from")],
    to: Annotated[date, Query()],
    app: AppDep,
) -> dict[str, Any]:
    free = new_booking.slots(app.ctx, service, from_, to, app.clock.now())
    return shapes.slots(service, app.config.business.timezone, free)


@api.post("/api/bookings", responses=answers.answers(answers.BookedAnswer, 201))
def post_booking(body: BookingBody, app: AppDep) -> Any:
    key = api.current_event.headers.get("idempotency-key")
    raw = api.current_event.body or ""
    request = body.as_request(
        new_booking.BookingRequest,
        client=body.client(),
        idempotency_key=key[:128] if key else None,
        body_hash=hashlib.sha256(raw.encode()).hexdigest(),
    )
    if body.website or (body.elapsed_ms is not None and body.elapsed_ms < 3000):
        return shapes.created(shapes.decoy(request, app.config))  # a bot: say yes, keep nothing
    network = client_network(api.current_event.raw_event, app.env.edge_secret)
    if network:  # only its keyed hash is kept, never the address
        request = replace(request, ip_hash=app.signer.pseudonym(network))
    booked = new_booking.book(app.ctx, request, app.clock.now())
    metrics.add_metric(name="BookingCreated", unit=MetricUnit.Count, value=1)
    if booked.decoy:  # the card form a real booking would show; nothing is ever charged
        from keepslot.service import turned_away

        step = turned_away.payment_step(app.ctx, booked.booking)
    else:
        step = payments.payment_step(app.ctx, booked.booking, booked.version)
    return shapes.created(shapes.booked(app, booked, step))


@api.get("/api/manage", responses=answers.answers(answers.PreviewAnswer))
def get_manage(app: AppDep, claim: ViewerClaim) -> dict[str, Any]:
    from keepslot.service import manage

    can_act = claim.purpose is Purpose.MANAGE
    preview = manage.preview(app.ctx, claim.booking_id, app.clock.now(), can_act=can_act)
    # Looking writes nothing: a card form the booking does not hold yet is made by a POST.
    return shapes.preview(app, preview, payments.shown_step(app.ctx, preview.booking))


@api.post("/api/manage/cancel", responses=answers.answers(answers.ChangedAnswer))
def post_cancel(body: CancelBody, app: AppDep, booking_id: ClientBooking) -> dict[str, Any]:
    from keepslot.service import manage

    changed = manage.cancel(app.ctx, booking_id, app.clock.now(), body.reason)
    return shapes.changed(app, changed)


@api.post("/api/manage/reschedule", responses=answers.answers(answers.ChangedAnswer))
def post_reschedule(body: RescheduleBody, app: AppDep, booking_id: ClientBooking) -> dict[str, Any]:
    from keepslot.service import manage

    changed = manage.reschedule(app.ctx, booking_id, app.clock.now(), body.start)
    step = None
    if changed.new_booking is not None:
        # The move is done and a retry could not redo it: a Stripe failure is reported
        # inside `payment`, and the new booking's page offers the card form again.
        step = payments.payment_step(app.ctx, changed.new_booking, NEW_VERSION)
    return shapes.changed(app, changed, step)


@api.post("/api/manage/mode", responses=answers.answers(answers.ChangedAnswer))
def post_mode(body: ModeBody, app: AppDep, booking_id: ClientBooking) -> dict[str, Any]:
    from keepslot.service import manage

    changed = manage.switch_mode(app.ctx, booking_id, app.clock.now(), body.mode)
    return shapes.changed(app, changed)


@api.post("/api/manage/card", responses=answers.answers(answers.CardAnswer))
def post_card(app: AppDep, booking_id: Viewer) -> dict[str, Any]:
    """The card form of a held booking, made now when the booking holds none."""
    held, step = payments.card_form(app.ctx, booking_id)
    return {"booking": shapes.booking_view(held), "payment": shapes.payment(step)}


@api.post("/api/manage/payment", responses=answers.answers(answers.BookingAnswer))
def post_payment(app: AppDep, booking_id: Viewer) -> dict[str, Any]:
    # The body (the page's SetupIntent id) is not trusted: the booking names its own.
    return shapes.booking_after(app, payments.confirm, booking_id)


@api.post("/api/manage/confirm", responses=answers.answers(answers.BookingAnswer))
def post_confirm(app: AppDep, booking_id: ClientBooking) -> dict[str, Any]:
    # Only the emailed link: pressing Confirm proves the address, and may spend its credit.
    from keepslot.service import confirm

    return shapes.booking_after(app, confirm.confirm, booking_id)


@api.get("/api/admin", responses=answers.answers(answers.AdminAnswer))
def get_admin(app: AppDep, booking_id: FreelancerBooking) -> dict[str, Any]:
    from keepslot.service import admin

    return shapes.admin(app, admin.admin_view(app.ctx, booking_id, app.clock.now()))


@api.post("/api/admin/confirm-deposit", responses=answers.answers(answers.BookingAnswer))
def post_confirm_deposit(app: AppDep, booking_id: FreelancerBooking) -> dict[str, Any]:
    from keepslot.service import admin

    return shapes.booking_after(app, admin.confirm_deposit, booking_id)


@api.post("/api/admin/cancel", responses=answers.answers(answers.ChangedAnswer))
def post_admin_cancel(app: AppDep, booking_id: FreelancerBooking) -> dict[str, Any]:
    from keepslot.service import admin

    changed = admin.freelancer_cancel(app.ctx, booking_id, app.clock.now())
    return shapes.changed(app, changed)


@api.get("/api/openapi.json", include_in_schema=False)
def get_openapi() -> Response[str]:
    return Response(200, content_types.APPLICATION_JSON, _openapi_document())


@functools.cache
def _openapi_document() -> str:
    # Built from the routes on first request only: cold starts do not pay for it.
    return api.get_openapi_json_schema(title="keepslot", version="1")


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    body = event.get("body") or ""
    if len(body) > MAX_BODY * (4 / 3 if event.get("isBase64Encoded") else 1):
        return proxy_error(413, "too_large", "the request body is over 64 KB")
    if _malformed_json(event):
        return proxy_error(422, "invalid_input", "the body is not valid JSON")
    return api.resolve(event, context)


def _malformed_json(event: dict[str, Any]) -> bool:
    body = event.get("body")
    if not body or event.get("isBase64Encoded"):
        return False
    try:
        json.loads(body)
    except ValueError:
        return True
    return False


coldstart.loaded()  # last: what loaded above lives as long as the process
