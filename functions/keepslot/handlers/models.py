"""Request bodies at the HTTP edge (pydantic): bad input is a 422 that names the field."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from keepslot.config.email_address import EmailAddress
from keepslot.config.fields import OneLine, Text, TimeZoneName
from keepslot.domain.booking import Mode


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must include a time zone offset, e.g. 2026-12-01T09:00:00Z")
    return value


Instant = Annotated[datetime, AfterValidator(_aware)]


class Body(BaseModel):
    # Validators are built at a route's first use: a cold start for GET /api/slots needs none.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class BookingBody(Body):
    service: OneLine = Field(max_length=40)
    start: Instant
    mode: Mode
    name: OneLine = Field(min_length=1, max_length=120)
    email: EmailAddress
    phone: OneLine | None = Field(default=None, max_length=40)
    timezone: TimeZoneName | None = Field(default=None, max_length=64)
    notes: Text | None = Field(default=None, max_length=2000)
    # Left out until the server asks (422 intake_needed): only new clients answer.
    answers: dict[OneLine, Annotated[Text, Field(max_length=2000)]] | None = None
    policy_version: OneLine = Field(max_length=64)
    website: str = ""  # honeypot: people leave it empty
    elapsed_ms: int | None = None


class CancelBody(Body):
    reason: Text | None = Field(default=None, max_length=1000)


class RescheduleBody(Body):
    start: Instant


class ModeBody(Body):
    mode: Mode


class WaiveBody(Body):
    as_: Literal["credit", "refund"] | None = Field(default=None, alias="as")


class EmptyBody(Body):
    pass
