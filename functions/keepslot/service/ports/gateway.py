"""The payment provider's port: what the use cases ask of it, and the errors it raises.

Adapters (adapters/payments/stripe_gateway.py) implement `PaymentGateway` and turn the
provider's failures into these errors: a decline, a refusal for good, or an outage.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol

from keepslot.domain.booking import Booking
from keepslot.domain.errors import DomainError, Unavailable


class PaymentDeclined(DomainError):
    code = "payment_declined"

    def __init__(self, message: str, *, intent_id: str | None = None) -> None:
        super().__init__(message)
        self.intent_id = intent_id  # the declined PaymentIntent, when Stripe made one


class CardNotSaved(PaymentDeclined):
    """The page reported a card that the provider has not saved: nothing was tried."""


class PaymentUnavailable(Unavailable):
    code = "payment_unavailable"


class PaymentRefused(DomainError):
    """The provider refused the request for good (already refunded, disputed, invalid):
    asking again gets the same answer, so a job that meets it stops and says so."""

    code = "payment_refused"


class BadEvent(DomainError):
    """A webhook whose signature is wrong or stale, or whose body is not an event."""

    code = "bad_signature"


class WebhookNotReady(PaymentUnavailable):
    """The webhook secret is still a placeholder: no event can be told from a forgery."""

    code = "webhook_not_configured"


@dataclass(frozen=True, slots=True)
class CardSetup:
    customer: str
    setup_intent: str
    client_secret: str


@dataclass(frozen=True, slots=True)
class PaymentStep:
    """What the client does next to pay: the page's card form, transfer details, or nothing."""

    kind: str  # "stripe" | "offline" | "none"
    client_secret: str | None = None
    publishable_key: str | None = None
    js_url: str | None = None
    instructions: str | None = None
    unavailable: str | None = None  # why the card form is missing for now (see payment_step)
    prepare: bool = False  # by card, but no card form yet: the page asks for one (a POST)


NOTHING_DUE = PaymentStep("none")


@dataclass(frozen=True, slots=True)
class Intent:
    id: str
    status: str  # succeeded, processing, requires_action, requires_payment_method, canceled
    amount: int
    currency: str  # upper case, as in the config
    payment_method: str | None = None
    booking_id: str | None = None
    received: int = 0  # what the provider actually took
    kind: str = "deposit"  # or "no_show_fee": what keepslot charged it for


@dataclass(frozen=True, slots=True)
class Refund:
    id: str
    amount: int
    status: str = "succeeded"  # pending, succeeded, failed, canceled, requires_action
    key: str = ""  # keepslot's idempotency key; empty for a refund made in the Dashboard
    currency: str = ""


class PaymentGateway(Protocol):
    publishable_key: str
    js_url: str

    def setup_card(
        self, booking: Booking, customer: str | None = None, after: str = ""
    ) -> CardSetup: ...
    def client_secret(self, setup_intent: str) -> str: ...
    def charge_deposit(self, booking: Booking) -> Intent: ...
    def retrieve_intent(self, intent_id: str) -> Intent: ...
    def cancel_intent(self, intent_id: str) -> Intent: ...
    def refund(self, intent_id: str, amount: int, key: str, booking_id: str) -> Refund: ...
    def refunds_of(self, intent_id: str) -> list[Refund]: ...
    def charge_fee(self, booking: Booking) -> Intent: ...
    def parse_event(self, payload: bytes, signature: str) -> dict[str, Any]: ...
    def delete_customer(self, customer_id: str) -> None: ...


def with_ref(booking: Booking, **ids: str) -> Booking:
    return replace(booking, payment_ref={**booking.payment_ref, **ids})


def ref_ids(booking: Booking, key: str) -> list[str]:
    """A comma-separated list of the provider's ids kept in the booking's payment_ref."""
    return [i for i in booking.payment_ref.get(key, "").split(",") if i]


def known_refunds(booking: Booking) -> list[str]:
    """The provider's ids of the refunds already in the ledger."""
    return ref_ids(booking, "refunds")
