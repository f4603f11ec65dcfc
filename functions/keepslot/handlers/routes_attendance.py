"""The freelancer's attendance buttons (from the no-show check email): each is a POST.

Included in the API by `api.include_router(routes_attendance.router)`; a GET of the
emailed link only opens the admin page, so mail scanners change nothing.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, ConfigDict, Field

from keepslot import bootstrap
from keepslot.adapters.tokens import Purpose
from keepslot.handlers import views

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


class WaitingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    until_minutes: int | None = Field(default=None, ge=1, le=120)


def _booking_id() -> str:
    from keepslot.handlers.api import _bearer  # the API module is loaded when routes run

    return _bearer(Purpose.ADMIN)


@router.post("/api/admin/arrived")
def post_arrived() -> dict[str, Any]:
    from keepslot.service import admin

    app = bootstrap.app()
    done = admin.arrived(app.ctx, _booking_id(), app.clock.now())
    return {"booking": views.booking_view(done)}


@router.post("/api/admin/waiting")
def post_waiting(body: WaitingBody) -> dict[str, Any]:
    from keepslot.service import admin

    app = bootstrap.app()
    done = admin.waiting(app.ctx, _booking_id(), app.clock.now(), body.until_minutes)
    return {"booking": views.booking_view(done)}


@router.post("/api/admin/no-show")
def post_no_show() -> dict[str, Any]:
    from keepslot.service import admin

    app = bootstrap.app()
    changed = admin.no_show(app.ctx, _booking_id(), app.clock.now())
    return views.changed(app, changed)


@router.post("/api/admin/offer")
def post_offer() -> dict[str, Any]:
    from keepslot.service import admin

    app = bootstrap.app()
    done = admin.offer(app.ctx, _booking_id(), app.clock.now())
    return {"booking": views.booking_view(done)}
