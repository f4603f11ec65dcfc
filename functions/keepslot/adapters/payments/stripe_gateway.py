"""The payment gateway on Stripe (official SDK; localstripe locally, via STRIPE_API_BASE).

The SDK is imported on first use: the API's cold start pays for it only when a
route takes a card. Every call that creates something carries an idempotency
key naming one attempt (booking, and the card or SetupIntent it is about): the
SDK's own network retries and a retried request reuse it, so Stripe answers as
the first time; a new card is a new key. Stripe errors become domain errors:
a decline is PaymentDeclined, anything else upstream PaymentUnavailable (503).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from keepslot.domain.booking import Booking
from keepslot.domain.errors import NotAllowedNow, NotFound
from keepslot.service.payments import (
    BadEvent,
    CardNotSaved,
    CardSetup,
    Intent,
    PaymentDeclined,
    PaymentUnavailable,
    Refund,
)

if TYPE_CHECKING:
    from stripe import PaymentIntent, StripeClient

WEBHOOK_TOLERANCE = 300  # seconds: an older signature is a replay
# Connect and read limits, and one retry: a hung Stripe ends inside the API function's
# 15 s as a JSON 503 the page can retry, not as a gateway timeout (the SDK waits 80 s).
STRIPE_TIMEOUT = (2.0, 4.0)
STRIPE_RETRIES = 1
REAL_JS = "https://js.stripe.com/v3/"


@contextmanager
def _translated() -> Iterator[None]:
    import stripe

    try:
        yield
    except stripe.CardError as e:
        intent = getattr(e.error, "payment_intent", None) if e.error else None
        intent_id = getattr(intent, "id", None) if intent is not None else None
        raise PaymentDeclined(e.user_message or "the card was declined", intent_id=intent_id) from e
    except stripe.InvalidRequestError as e:
        if e.code == "resource_missing" or e.http_status == 404:  # not ours: no retry helps
            raise NotFound("no such payment at Stripe") from e
        raise PaymentUnavailable("the card payment could not be completed; try again") from e
    except stripe.StripeError as e:
        raise PaymentUnavailable("the card payment could not be completed; try again") from e


class StripeGateway:
    def __init__(
        self,
        secret_key: Callable[[], str],
        webhook_secret: Callable[[], str],
        publishable_key: str,
        api_base: str | None = None,
    ) -> None:
        self._secret_key = secret_key  # read from SSM on first use, once per cold start
        self._webhook_secret = webhook_secret
        self.publishable_key = publishable_key
        self.api_base = api_base
        self.js_url = f"{api_base.rstrip('/')}/js.stripe.com/v3/" if api_base else REAL_JS
        self._stripe: StripeClient | None = None

    def _client(self) -> StripeClient:
        if self._stripe is None:
            import stripe  # deferred: only card routes, the webhook and the clock need it

            bases: Any = {"api": self.api_base} if self.api_base else None
            self._stripe = stripe.StripeClient(
                self._secret_key(),
                base_addresses=bases,
                max_network_retries=STRIPE_RETRIES,
                http_client=stripe.RequestsClient(timeout=STRIPE_TIMEOUT),
            )
        return self._stripe

    # ---- deposits ------------------------------------------------------------

    def setup_card(
        self, booking: Booking, customer: str | None = None, after: str = ""
    ) -> CardSetup:
        """A SetupIntent (and the booking's Customer, unless given): the page saves the card
        for off-session use. `after` names the SetupIntent whose card was declined, if any:
        the key of the next attempt."""
        v1 = self._client().v1
        meta = {"booking_id": booking.id}
        attempt = f"{booking.id}-{after}" if after else booking.id
        with _translated():
            if customer is None:
                customer = v1.customers.create(
                    params={
                        "email": booking.client.email,
                        "name": booking.client.name,
                        "metadata": meta,
                    },
                    options={"idempotency_key": f"customer-{booking.id}"},
                ).id
            params: Any = {
                "customer": customer,
                "usage": "off_session",
                "payment_method_types": ["card"],
                "metadata": meta,
            }
            seti = v1.setup_intents.create(
                params=params, options={"idempotency_key": f"setup-{attempt}"}
            )
        return CardSetup(customer, seti.id, str(seti.client_secret))

    def client_secret(self, setup_intent: str) -> str:
        with _translated():
            return str(self._client().v1.setup_intents.retrieve(setup_intent).client_secret)

    def charge_deposit(self, booking: Booking) -> Intent:
        """Charge what is still due with the card the SetupIntent saved."""
        ref = booking.payment_ref
        v1 = self._client().v1
        with _translated():
            seti = v1.setup_intents.retrieve(ref["setup_intent"])
        pm = seti.payment_method
        if seti.status != "succeeded" or pm is None:
            raise CardNotSaved("the card is not saved yet; please enter it again")
        pm_id = pm if isinstance(pm, str) else pm.id
        due = booking.deposit.amount.amount - booking.deposit.paid
        # One key per card: a retry with this card replays Stripe's first answer (never a
        # second charge); another card after a decline is a new attempt, not that replay.
        return self._charge(booking, due, pm_id, "deposit", f"deposit-{booking.id}-{pm_id}")

    def charge_fee(self, booking: Booking) -> Intent:
        """The no-show fee, off-session on the card saved at booking time."""
        fee = booking.terms.no_show_fee
        pm = booking.payment_ref.get("payment_method")
        if fee <= 0 or not pm:
            raise NotAllowedNow("there is no fee to charge, or no saved card")
        return self._charge(booking, fee, pm, "no_show_fee", f"fee-{booking.id}")

    def _charge(self, booking: Booking, amount: int, pm: str, kind: str, key: str) -> Intent:
        params: Any = {
            "amount": amount,
            "currency": booking.deposit.amount.currency.lower(),
            "customer": booking.payment_ref["customer"],
            "payment_method": pm,
            "payment_method_types": ["card"],
            "off_session": True,
            "confirm": True,
            "metadata": {"booking_id": booking.id, "kind": kind},
        }
        with _translated():
            pi = self._client().v1.payment_intents.create(
                params=params, options={"idempotency_key": key}
            )
        return _intent(pi)

    def retrieve_intent(self, intent_id: str) -> Intent:
        with _translated():
            return _intent(self._client().v1.payment_intents.retrieve(intent_id))

    def cancel_intent(self, intent_id: str) -> Intent:
        """Cancel an unpaid intent; one already canceled or paid is left as it is."""
        import stripe

        v1 = self._client().v1
        with _translated():
            try:
                return _intent(v1.payment_intents.cancel(intent_id))
            except stripe.InvalidRequestError:
                return _intent(v1.payment_intents.retrieve(intent_id))

    # ---- refunds ---------------------------------------------------------------

    def refund(self, intent_id: str, amount: int, key: str, booking_id: str) -> Refund:
        """Refund `amount` of the intent once per `key`: a retry finds the first refund.

        The idempotency key covers Stripe's 24 hours; the metadata lookup covers a
        retry after that (and localstripe, which ignores idempotency keys).
        """
        v1 = self._client().v1
        with _translated():
            for r in v1.refunds.list(params={"payment_intent": intent_id, "limit": 100}).data:
                if _meta(r).get("keepslot_key") == key:
                    return Refund(r.id, int(r.amount))
            made = v1.refunds.create(
                params={
                    "payment_intent": intent_id,
                    "amount": amount,
                    "metadata": {"keepslot_key": key, "booking_id": booking_id},
                },
                options={"idempotency_key": key},
            )
        return Refund(made.id, int(made.amount))

    # ---- erasure -----------------------------------------------------------------

    def delete_customer(self, customer_id: str) -> None:
        """Delete a client's Customer at Stripe (name, email, saved cards); one already
        gone counts as deleted. Payments and refunds stay in Stripe's own records."""
        try:
            with _translated():
                self._client().v1.customers.delete(customer_id)
        except NotFound:
            return

    # ---- webhooks ----------------------------------------------------------------

    def parse_event(self, payload: bytes, signature: str) -> dict[str, Any]:
        """The event, if the signature on the raw body is ours and under 5 minutes old."""
        import stripe

        try:
            stripe.Webhook.construct_event(
                payload, signature, self._webhook_secret(), tolerance=WEBHOOK_TOLERANCE
            )
            event: dict[str, Any] = json.loads(payload)
        except (stripe.SignatureVerificationError, ValueError) as e:
            raise BadEvent("the webhook signature is wrong or too old") from e
        if not isinstance(event, dict) or "id" not in event or "type" not in event:
            raise BadEvent("the body is not an event")
        return event


def _intent(pi: PaymentIntent) -> Intent:
    pm = pi.payment_method
    meta = _meta(pi)
    return Intent(
        id=pi.id,
        status=str(pi.status),
        amount=int(pi.amount),
        currency=str(pi.currency).upper(),
        payment_method=pm if isinstance(pm, str) or pm is None else pm.id,
        booking_id=meta.get("booking_id"),
    )


def _meta(obj: Any) -> dict[str, str]:
    raw: Any = obj.metadata
    plain = raw.to_dict() if hasattr(raw, "to_dict") else dict(raw or {})
    return {str(k): str(v) for k, v in plain.items()}
