"""The waitlist: join, leave with the emailed link, and read the freed time an offer names."""

from __future__ import annotations

import json
import re
from datetime import date, time, timedelta
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.request import Request
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import AfterValidator, Field

from keepslot.config.fields import OneLine, TimeZoneName
from keepslot.domain.booking import Mode
from keepslot.domain.errors import BadToken
from keepslot.domain.instants import iso
from keepslot.domain.waitlist import Times, WaitEntry
from keepslot.handlers import answers
from keepslot.handlers.auth import claim_of
from keepslot.handlers.deps import AppDep
from keepslot.handlers.models import ContactBody
from keepslot.service.ports.claims import Purpose

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
_WINDOW = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


def _window(value: str) -> str:
    m = _WINDOW.match(value)
    if not m:
        raise ValueError("must look like 09:00-13:00")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    try:
        start, end = time(h1, m1), time(23, 59) if (h2, m2) == (24, 0) else time(h2, m2)
    except ValueError as e:
        raise ValueError("is not a time range") from e
    if start >= end:
        raise ValueError("must end after it starts")
    return value


class WaitlistBody(ContactBody):
    service: OneLine = Field(max_length=40)
    mode: Mode | None = None
    from_: date = Field(alias="from")
    to: date
    times: list[Annotated[str, AfterValidator(_window)]] | None = Field(default=None, max_length=6)
    timezone: TimeZoneName | None = Field(default=None, max_length=64)
    policy_version: OneLine = Field(max_length=64)


def _times(raw: list[str] | None) -> tuple[Times, ...]:
    out = []
    for w in raw or []:
        a, b = w.split("-")
        end = time(23, 59) if b == "24:00" else time.fromisoformat(b)
        out.append(Times(time.fromisoformat(a), end))
    return tuple(out)


def _entry_view(e: WaitEntry) -> dict[str, Any]:
    return {
        "id": e.id,
        "service": e.service,
        "mode": e.mode.value if e.mode else None,
        "from": e.first.isoformat(),
        "to": e.last.isoformat(),
        "times": [str(w) for w in e.times],
    }


class EntryOut(answers.Answer):
    id: str
    service: str
    mode: str | None
    to: str
    times: list[str]
    from_: str = Field(alias="from")


class JoinedAnswer(answers.Answer):
    waitlist: EntryOut
    leave_url: str


class LeftAnswer(answers.Answer):
    left: bool


class OfferOut(answers.Answer):
    service: str
    start: str
    end: str
    free: bool


class OfferAnswer(answers.Answer):
    offer: OfferOut


@router.post("/api/waitlist", responses=answers.answers(JoinedAnswer, 201))
def post_waitlist(body: WaitlistBody, app: AppDep) -> Response[str]:
    from keepslot.service import waitlist

    req = body.as_request(
        waitlist.WaitRequest,
        client=body.client(),
        first=body.from_,
        last=body.to,
        times=_times(body.times),
    )
    entry = waitlist.join(app.ctx, req, app.clock.now())
    out = {"waitlist": _entry_view(entry), "leave_url": app.links.waitlist(entry.id, entry.last)}
    return Response(201, content_types.APPLICATION_JSON, json.dumps(out))


@router.post("/api/waitlist/leave", responses=answers.answers(LeftAnswer))
def post_waitlist_leave(request: Request, app: AppDep) -> dict[str, Any]:
    from keepslot.service import waitlist

    claim = claim_of(app, request.headers, Purpose.WAITLIST)
    waitlist.leave(app.ctx, claim.booking_id)
    return {"left": True}


@router.get("/api/offer", responses=answers.answers(OfferAnswer))
def get_offer(request: Request, app: AppDep) -> dict[str, Any]:
    """The freed time an offer link names, and whether it is still free now."""
    from keepslot.domain.waitlist import FreedTime
    from keepslot.service.offers import still_free
    from keepslot.service.ports.claims import offer_of

    claim = claim_of(app, request.headers, Purpose.OFFER)
    try:
        service_id, start = offer_of(claim.booking_id)
    except ValueError as e:
        raise BadToken("this link is not valid") from e
    service = app.config.service(service_id)
    if service is None:
        raise BadToken("this link is not valid")
    end = start + timedelta(minutes=service.minutes)
    now = app.clock.now()
    free = still_free(app.ctx, FreedTime(service.id, service.modes[0], start, end), now)
    return {"offer": {"service": service.id, "start": iso(start), "end": iso(end), "free": free}}
