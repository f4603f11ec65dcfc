"""Request bodies at the HTTP edge (pydantic): bad input is a 422 that names the field."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from keepslot.config.email_address import EmailAddress
from keepslot.config.fields import OneLine, Text, TimeZoneName
from keepslot.domain.booking import Client, Mode

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must include a time zone offset, e.g. 2026-12-01T09:00:00Z")
    return value


Instant = Annotated[datetime, AfterValidator(_aware)]


class Body(BaseModel):
    # Validators are built at a route's first use: a cold start for GET /api/slots needs none.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    def as_request(self, request: type[R], **given: Any) -> R:
        """The use case's `request` (a dataclass): `given`, and the rest of its fields from
        this body's fields of the same names."""
        names = {f.name for f in fields(request)} - given.keys()
        mine = {n: getattr(self, n) for n in type(self).model_fields if n in names}
        return request(**given, **mine)


class ContactBody(Body):
    """Who asks, as a booking or a waitlist entry keeps them."""

    name: OneLine = Field(min_length=1, max_length=120)
    email: EmailAddress
    phone: OneLine | None = Field(default=None, max_length=40)

    def client(self) -> Client:
        return Client(self.name, self.email, self.phone)


class BookingBody(ContactBody):
    service: OneLine = Field(max_length=40)
    start: Instant
    mode: Mode
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
