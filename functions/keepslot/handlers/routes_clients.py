"""Routes about clients: waivers, screening, blocking, and the freelancer's calendar feed."""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import Field

from keepslot.config.fields import Text
from keepslot.handlers import answers
from keepslot.handlers.deps import AppDep, ClientBooking, FreelancerBooking
from keepslot.handlers.errors import error
from keepslot.handlers.models import Body, WaiveBody
from keepslot.service.json_shapes import booking_view, outcome_view

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
logger = Logger(service="keepslot-api", child=True)
# How far back the feed reaches: recent appointments stay in the calendar, older ones
# keep whatever the calendar app last saw.
FEED_PAST = timedelta(days=90)


class WaiverBody(Body):
    reason: Text = Field(default="", max_length=1000)


class BlockBody(Body):
    farewell: bool = False


@router.post("/api/manage/waiver")
def post_waiver(body: WaiverBody, app: AppDep, booking_id: ClientBooking) -> Response[Any]:
    from keepslot.service import clients

    clients.request_waiver(app.ctx, booking_id, app.clock.now(), body.reason)
    return Response(202, "application/json", '{"status": "requested"}')


@router.post("/api/admin/waive", responses=answers.answers(answers.WaivedAnswer))
def post_waive(body: WaiveBody, app: AppDep, booking_id: FreelancerBooking) -> dict[str, Any]:
    from keepslot.service import clients

    done = clients.waive(app.ctx, booking_id, app.clock.now(), body.as_)
    return {"booking": booking_view(done.booking), "outcome": outcome_view(done.outcome)}


@router.post("/api/admin/decline-waiver", responses=answers.answers(answers.BookingAnswer))
def post_decline_waiver(app: AppDep, booking_id: FreelancerBooking) -> dict[str, Any]:
    from keepslot.service import clients

    done = clients.decline_waiver(app.ctx, booking_id, app.clock.now())
    return {"booking": booking_view(done)}


@router.post("/api/admin/approve", responses=answers.answers(answers.BookingAnswer))
def post_approve(app: AppDep, booking_id: FreelancerBooking) -> dict[str, Any]:
    from keepslot.service import clients

    return {"booking": booking_view(clients.approve(app.ctx, booking_id, app.clock.now()))}


@router.post("/api/admin/decline", responses=answers.answers(answers.BookingAnswer))
def post_decline(app: AppDep, booking_id: FreelancerBooking) -> dict[str, Any]:
    from keepslot.service import clients

    return {"booking": booking_view(clients.decline(app.ctx, booking_id, app.clock.now()))}


@router.post("/api/admin/block-client", responses=answers.answers(answers.BlockedAnswer))
def post_block(body: BlockBody, app: AppDep, booking_id: FreelancerBooking) -> dict[str, Any]:
    from keepslot.service import clients

    booking = clients.block_client(
        app.ctx, app.store, booking_id, app.clock.now(), farewell=body.farewell
    )
    return {"booking": booking_view(booking), "client": {"blocked": True}}


@router.get("/api/feed.ics")
def get_feed(app: AppDep) -> Response[Any]:
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

    from keepslot.words.bookings_feed import calendar

    try:
        secret = app.secret(app.env.feed_token_param)
    except GetParameterError as e:
        # A stack without the parameter (a deploy that never made it, a local stack
        # without it): say what is missing, loudly, instead of a bare 500.
        name = app.env.feed_token_param
        logger.error("calendar feed unavailable", extra={"parameter": name, "error": str(e)})
        return error(503, "feed_not_set_up", f"the calendar feed is not set up: {name} is missing")
    given = router.current_event.get_query_string_value("token") or ""
    if not given or not hmac.compare_digest(given.encode(), secret.encode()):
        return error(401, "bad_token", "this calendar link is not valid")
    now = app.clock.now()
    bookings = app.tables.feed.since(now - FEED_PAST)
    return Response(200, "text/calendar; charset=utf-8", calendar(bookings, app.config, now))
