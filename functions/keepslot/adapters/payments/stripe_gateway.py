"""The payment gateway on Stripe (official SDK; localstripe locally, via STRIPE_API_BASE).

The SDK is imported on first use: the API's cold start pays for it only when a
route takes a card. Every call that creates something carries an idempotency
key naming one attempt (booking, and the card or SetupIntent it is about): the
SDK's own network retries and a retried request reuse it, so Stripe answers as
the first time; a new card is a new key. Stripe errors become domain errors,
told apart by whether asking again can help: a decline is PaymentDeclined, a
request Stripe refuses for good (already refunded, disputed, invalid) is
PaymentRefused, an object it does not know NotFound; an outage (no connection,
rate limit, 5xx, a key Stripe does not accept yet) is PaymentUnavailable (503).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from keepslot.domain.booking import Booking
from keepslot.domain.errors import NotAllowedNow, NotFound
from keepslot.service.ports.gateway import (
    BadEvent,
    CardNotSaved,
    CardSetup,
    Intent,
    PaymentDeclined,
    PaymentRefused,
    PaymentUnavailable,
    Refund,
    WebhookNotReady,
)

if TYPE_CHECKING:
    from stripe import PaymentIntent, StripeClient

WEBHOOK_TOLERANCE = 300  # seconds: an older signature is a replay
# Connect and read limits, and one retry: a hung Stripe ends inside the API function's
# 15 s as a JSON 503 the page can retry, not as a gateway timeout (the SDK waits 80 s).
STRIPE_TIMEOUT = (2.0, 4.0)
STRIPE_RETRIES = 1
REAL_JS = "https://js.stripe.com/v3/"
# What Stripe's webhook signing secrets look like; anything else (the deploy's
# placeholder) would let anyone sign an event.
WEBHOOK_SECRET = re.compile(r"whsec_[A-Za-z0-9_+/=-]{8,}")


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
        # A 400: charge_already_refunded, charge_disputed, amount_too_large, ... Stripe
        # gives the same answer however often it is asked.
        raise PaymentRefused(f"Stripe refused the request ({e.code or 'invalid'})") from e
    except stripe.IdempotencyError as e:  # a key reused with other parameters: a bug, for good
        raise PaymentRefused("Stripe refused the request (idempotency_error)") from e
    except stripe.StripeError as e:  # connection, rate limit, 5xx, authentication
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
        # On-session: the client is on the page and can answer a bank's challenge.
        key = f"deposit-{booking.id}-{pm_id}"
        return self._charge(booking, due, pm_id, "deposit", key, off_session=False)

    def charge_fee(self, booking: Booking) -> Intent:
        """The no-show fee, off-session on the card saved at booking time."""
        fee = booking.terms.no_show_fee
        pm = booking.payment_ref.get("payment_method")
        if fee <= 0 or not pm:
            raise NotAllowedNow("there is no fee to charge, or no saved card")
        # Off-session: the clock charges it, with no client there to authenticate.
        return self._charge(booking, fee, pm, "no_show_fee", f"fee-{booking.id}", off_session=True)

    def _charge(
        self, booking: Booking, amount: int, pm: str, kind: str, key: str, *, off_session: bool
    ) -> Intent:
        params: Any = {
            "amount": amount,
            "currency": booking.deposit.amount.currency.lower(),
            "customer": booking.payment_ref["customer"],
            "payment_method": pm,
            "payment_method_types": ["card"],
            "confirm": True,
            "metadata": {"booking_id": booking.id, "kind": kind},
        }
        if off_session:
            params["off_session"] = True
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
        for r in self.refunds_of(intent_id):
            if r.key == key:
                return r
        with _translated():
            made = self._client().v1.refunds.create(
                params={
                    "payment_intent": intent_id,
                    "amount": amount,
                    "metadata": {"keepslot_key": key, "booking_id": booking_id},
                },
                options={"idempotency_key": key},
            )
        return _refund(made)

    def refunds_of(self, intent_id: str) -> list[Refund]:
        """Every refund of the intent's charge, made here or in the Dashboard (a charge no
        longer lists its refunds since API version 2022-11-15: they are asked for)."""
        with _translated():
            listed = self._client().v1.refunds.list(
                params={"payment_intent": intent_id, "limit": 100}
            )
            return [_refund(r) for r in listed.auto_paging_iter()]

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

        secret = self._webhook_secret()
        if not WEBHOOK_SECRET.fullmatch(secret):
            raise WebhookNotReady("the Stripe webhook secret is not set: every event is refused")
        try:
            stripe.Webhook.construct_event(payload, signature, secret, tolerance=WEBHOOK_TOLERANCE)
            event: dict[str, Any] = json.loads(payload)
        except (stripe.SignatureVerificationError, ValueError) as e:
            raise BadEvent("the webhook signature is wrong or too old") from e
        if not _is_event(event):
            raise BadEvent("the body is not an event")
        return event


def _is_event(event: Any) -> bool:
    """An id, a type and a data object: what every Stripe event carries, and all we read."""
    if not isinstance(event, dict):
        return False
    data = event.get("data")
    return (
        isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(data, dict)
        and isinstance(data.get("object"), dict)
    )


def _intent(pi: PaymentIntent) -> Intent:
    pm = pi.payment_method
    meta = _meta(pi)
    status = str(pi.status)
    # What Stripe took; localstripe has no amount_received, and takes the whole amount.
    received = getattr(pi, "amount_received", None)
    if received is None:
        received = pi.amount if status == "succeeded" else 0
    return Intent(
        id=pi.id,
        status=status,
        amount=int(pi.amount),
        currency=str(pi.currency).upper(),
        payment_method=pm if isinstance(pm, str) or pm is None else pm.id,
        booking_id=meta.get("booking_id"),
        received=int(received),
        kind=meta.get("kind", "deposit"),
    )


def _refund(r: Any) -> Refund:
    return Refund(
        id=str(r.id),
        amount=int(r.amount),
        status=str(getattr(r, "status", None) or "succeeded"),
        key=_meta(r).get("keepslot_key", ""),
        currency=str(getattr(r, "currency", None) or "").upper(),
    )


def _meta(obj: Any) -> dict[str, str]:
    raw: Any = obj.metadata
    plain = raw.to_dict() if hasattr(raw, "to_dict") else dict(raw or {})
    return {str(k): str(v) for k, v in plain.items()}
