"""The freelancer's attendance buttons (from the no-show check email): each is a POST.

Included in the API by `api.include_router(routes_attendance.router)`; a GET of the
emailed link only opens the admin page, so mail scanners change nothing.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, ConfigDict, Field

from keepslot.handlers import answers, shapes
from keepslot.handlers.deps import AppDep, FreelancerBooking

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


class WaitingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    until_minutes: int | None = Field(default=None, ge=1, le=120)


@router.post("/api/admin/arrived", responses=answers.answers(answers.BookingAnswer))
def post_arrived(app: AppDep, booking_id: FreelancerBooking) -> dict[str, Any]:
    from keepslot.service import admin

    return shapes.booking_after(app, admin.arrived, booking_id)


@router.post("/api/admin/waiting", responses=answers.answers(answers.BookingAnswer))
def post_waiting(body: WaitingBody, app: AppDep, booking_id: FreelancerBooking) -> dict[str, Any]:
    from keepslot.service import admin

    done = admin.waiting(app.ctx, booking_id, app.clock.now(), body.until_minutes)
    return {"booking": shapes.booking_view(done)}


@router.post("/api/admin/no-show", responses=answers.answers(answers.ChangedAnswer))
def post_no_show(app: AppDep, booking_id: FreelancerBooking) -> dict[str, Any]:
    from keepslot.service import admin

    changed = admin.no_show(app.ctx, booking_id, app.clock.now())
    return shapes.changed(app, changed)


@router.post("/api/admin/offer", responses=answers.answers(answers.BookingAnswer))
def post_offer(app: AppDep, booking_id: FreelancerBooking) -> dict[str, Any]:
    from keepslot.service import admin

    return shapes.booking_after(app, admin.offer, booking_id)
