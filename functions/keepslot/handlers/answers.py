"""The shapes of the API's answers, for the OpenAPI document (`responses=` on each route).

Routes build their answers in handlers/shapes.py; these models only describe them, so
schemathesis can check every answer against the document. Fields a route leaves out
when they do not apply are `Sometimes` here.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel, Field

T = TypeVar("T")

Sometimes = Annotated[T | None, Field(default=None)]
"""A field a route leaves out when it does not apply: `hold_until: Sometimes[str]`."""


class Answer(BaseModel):
    model_config = {"defer_build": True}


class MoneyOut(Answer):
    amount: int
    currency: str


class ReturnedOut(Answer):
    as_: str = Field(alias="as")
    amount: int
    credit: Sometimes[int]


class DepositOut(MoneyOut):
    status: str
    paid: Sometimes[int]
    kept: Sometimes[int]
    returned: Sometimes[ReturnedOut]


class ClientOut(Answer):
    name: str
    email: str


class BookingOut(Answer):
    id: str
    status: str
    service: str
    start: str
    mode: str
    end: Sometimes[str]
    client: Sometimes[ClientOut]
    deposit: Sometimes[DepositOut]
    timezone: Sometimes[str]
    hold_until: Sometimes[str]
    rescheduled_to: Sometimes[str]
    confirmed_at: Sometimes[str]


class ErrorDetail(Answer):
    code: str
    message: str
    fields: Sometimes[dict[str, str]]


class ErrorAnswer(Answer):
    error: ErrorDetail


class PaymentOut(Answer):
    kind: str
    prepare: Sometimes[bool]
    client_secret: Sometimes[str]
    publishable_key: Sometimes[str]
    js_url: Sometimes[str]
    instructions: Sometimes[str]
    error: Sometimes[ErrorDetail]


class OutcomeOut(Answer):
    deposit: str
    amount: int
    currency: str
    reason: str
    forfeited: Sometimes[int]
    returned: Sometimes[ReturnedOut]
    credit_until: Sometimes[str]
    fee: Sometimes[int]
    explanation: Sometimes[str]
    refill: Sometimes[MoneyOut]  # a late cancel: what comes back if someone takes the time


class TierOut(Answer):
    rule: str
    message: str


class BookedAnswer(Answer):
    booking: BookingOut
    manage_url: str
    payment: PaymentOut
    tier: Sometimes[TierOut]


class PreviewOut(Answer):
    cancel: OutcomeOut | None
    reschedule: OutcomeOut | None


class PreviewAnswer(Answer):
    booking: BookingOut
    preview: PreviewOut
    actions: list[str]
    free_change_until: str
    access: str
    credit: Sometimes[MoneyOut]
    waiver: Sometimes[str]
    payment: Sometimes[PaymentOut]


class ChangedAnswer(Answer):
    booking: BookingOut
    outcome: OutcomeOut | None
    new_booking: Sometimes[BookingOut]
    manage_url: Sometimes[str]
    payment: Sometimes[PaymentOut]


class BookingAnswer(Answer):
    booking: BookingOut


class CardAnswer(BookingAnswer):
    payment: PaymentOut


class WaivedAnswer(BookingAnswer):
    outcome: OutcomeOut


class BlockedOut(Answer):
    blocked: bool


class BlockedAnswer(BookingAnswer):
    client: BlockedOut


class AdminClientOut(ClientOut):
    phone: str | None
    history: dict[str, int]
    credits: list[dict[str, Any]]
    blocked: bool
    strikes: int
    tier: str | None


class AdminAnswer(Answer):
    booking: BookingOut
    client: AdminClientOut
    answers: dict[str, str]
    notes: str | None
    actions: list[str]
    policy: dict[str, Any]


class SlotOut(Answer):
    start: str
    end: str


class SlotsAnswer(Answer):
    service: str
    timezone: str
    slots: list[SlotOut]


class ConfigAnswer(Answer):
    business: dict[str, Any]
    services: list[dict[str, Any]]
    policy: dict[str, Any]
    payments: dict[str, Any]
    intake: list[dict[str, Any]]
    policy_version: str


# What any route may refuse with, besides its own answer.
_REFUSALS = {
    401: "the link is missing, not valid or expired",
    403: "the link is not for this page, or the address may not book",
    404: "no such booking",
    409: "not allowed now (the booking changed, or the time is taken)",
    422: "invalid input: the field is named",
    429: "too many bookings waiting for payment",
    503: "a provider (the card processor) did not answer: the same request may retry",
}


def answers(model: type[Answer], status: int = 200) -> dict[int, OpenAPIResponse]:
    """The `responses=` of a route answering `model`, and the error body of a refusal."""
    out: dict[int, OpenAPIResponse] = {
        status: {"description": "done", "content": {"application/json": {"model": model}}}
    }
    for code, description in _REFUSALS.items():
        out[code] = {
            "description": description,
            "content": {"application/json": {"model": ErrorAnswer}},
        }
    return out
