"""What the API's routes are given (Powertools' `Depends`): the app, and the booking the
bearer token names. Tests swap the app through `api.dependency_overrides`."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import ApiGatewayResolver, Depends
from aws_lambda_powertools.event_handler.request import Request

from keepslot import bootstrap
from keepslot.handlers.auth import claim_of
from keepslot.service.ports.claims import Claim, Purpose

# The booking answer's link may look and pay; only the emailed link may change anything.
LOOK_AND_PAY = (Purpose.VIEW, Purpose.MANAGE)


def current_app() -> bootstrap.App:
    return bootstrap.app()


AppDep = Annotated[bootstrap.App, Depends(current_app)]


def app_of(resolver: ApiGatewayResolver) -> bootstrap.App:
    """The app a route of `resolver` is given (for code that runs outside a route, such
    as an exception handler)."""
    return resolver.dependency_overrides.get(current_app, current_app)()  # type: ignore[no-any-return]


def viewer_claim(request: Request, app: AppDep) -> Claim:
    """The booking answer's link or the emailed one: to look and to pay."""
    return claim_of(app, request.headers, LOOK_AND_PAY)


def viewer(claim: Annotated[Claim, Depends(viewer_claim)]) -> str:
    return claim.booking_id


def client(request: Request, app: AppDep) -> str:
    """The emailed manage link: the client acts on their booking."""
    return claim_of(app, request.headers, Purpose.MANAGE).booking_id


def freelancer(request: Request, app: AppDep) -> str:
    """The freelancer's admin link."""
    return claim_of(app, request.headers, Purpose.ADMIN).booking_id


ViewerClaim = Annotated[Claim, Depends(viewer_claim)]
Viewer = Annotated[str, Depends(viewer)]
ClientBooking = Annotated[str, Depends(client)]
FreelancerBooking = Annotated[str, Depends(freelancer)]
