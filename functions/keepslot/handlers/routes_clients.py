"""Routes about clients: waivers, screening, blocking, and the freelancer's calendar feed."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import Field

from keepslot import bootstrap
from keepslot.adapters.fields import Text
from keepslot.adapters.settings import KeepslotConfig
from keepslot.adapters.tokens import Purpose
from keepslot.domain.booking import Booking, BookingStatus
from keepslot.handlers.auth import booking_of
from keepslot.handlers.errors import error
from keepslot.handlers.models import Body, WaiveBody
from keepslot.service.views import booking_view, outcome_view

if TYPE_CHECKING:  # the use cases are imported by the routes that run them (api.py)
    from keepslot.adapters.dynamo.admin_queries import ClientAdmin

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


class WaiverBody(Body):
    reason: Text = Field(default="", max_length=1000)


class BlockBody(Body):
    farewell: bool = False


def _booking_id(purpose: Purpose) -> str:
    return booking_of(router.current_event.headers, purpose)


def _profiles() -> ClientAdmin:
    from keepslot.adapters.dynamo.admin_queries import ClientAdmin

    app = bootstrap.app()
    return ClientAdmin(app.dynamodb, app.env.table_name)


@router.post("/api/manage/waiver")
def post_waiver(body: WaiverBody) -> Response[Any]:
    from keepslot.service import clients

    app = bootstrap.app()
    clients.request_waiver(app.ctx, _booking_id(Purpose.MANAGE), app.clock.now(), body.reason)
    return Response(202, "application/json", '{"status": "requested"}')


@router.post("/api/admin/waive")
def post_waive(body: WaiveBody) -> dict[str, Any]:
    from keepslot.service import clients

    app = bootstrap.app()
    done = clients.waive(app.ctx, _booking_id(Purpose.ADMIN), app.clock.now(), body.as_)
    return {"booking": booking_view(done.booking), "outcome": outcome_view(done.outcome)}


@router.post("/api/admin/decline-waiver")
def post_decline_waiver() -> dict[str, Any]:
    from keepslot.service import clients

    app = bootstrap.app()
    done = clients.decline_waiver(app.ctx, _booking_id(Purpose.ADMIN), app.clock.now())
    return {"booking": booking_view(done)}


@router.post("/api/admin/approve")
def post_approve() -> dict[str, Any]:
    from keepslot.service import clients

    app = bootstrap.app()
    return {
        "booking": booking_view(
            clients.approve(app.ctx, _booking_id(Purpose.ADMIN), app.clock.now())
        )
    }


@router.post("/api/admin/decline")
def post_decline() -> dict[str, Any]:
    from keepslot.service import clients

    app = bootstrap.app()
    return {
        "booking": booking_view(
            clients.decline(app.ctx, _booking_id(Purpose.ADMIN), app.clock.now())
        )
    }


@router.post("/api/admin/block-client")
def post_block(body: BlockBody) -> dict[str, Any]:
    from keepslot.service import clients

    app = bootstrap.app()
    booking = clients.block_client(
        app.ctx, _profiles(), _booking_id(Purpose.ADMIN), app.clock.now(), farewell=body.farewell
    )
    return {"booking": booking_view(booking), "client": {"blocked": True}}


@router.get("/api/feed.ics")
def get_feed() -> Response[Any]:
    from aws_lambda_powertools.utilities import parameters

    app = bootstrap.app()
    given = router.current_event.get_query_string_value("token") or ""
    secret = str(parameters.get_parameter(app.env.feed_token_param, decrypt=True, max_age=300))
    if not given or not hmac.compare_digest(given.encode(), secret.encode()):
        return error(401, "bad_token", "this calendar link is not valid")
    body = calendar(_profiles().bookings(), app.config)
    return Response(200, "text/calendar; charset=utf-8", body)


_ICS_STATUS = {
    BookingStatus.HELD: "TENTATIVE",
    BookingStatus.PENDING_APPROVAL: "TENTATIVE",
    BookingStatus.CONFIRMED: "CONFIRMED",
    BookingStatus.COMPLETED: "CONFIRMED",
}


def calendar(bookings: list[Booking], config: KeepslotConfig) -> str:
    """Every booking as a VEVENT: status, mode and client name, for a calendar app."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//keepslot//feed//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", config.business.name)
    for b in bookings:
        ev = Event()
        ev.add("uid", f"{b.id}@keepslot")
        ev.add("dtstamp", b.created_at)
        ev.add("dtstart", b.start)
        ev.add("dtend", b.end)
        ev.add("summary", f"{b.client.name} ({b.mode.value}, {b.status.value})")
        ev.add("description", f"{b.service} - {b.status.value} - {b.mode.value}")
        ev.add("status", _ICS_STATUS.get(b.status, "CANCELLED"))
        cal.add_component(ev)
    return str(cal.to_ical().decode())
