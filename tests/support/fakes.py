"""Fast, honest stand-ins for the use cases' ports: the store and the card provider.

- `FakeStore` is the real DynamoStore on an in-memory table (tests/support/fake_dynamo):
  the same reads, the same transaction items and conditions, so SlotTaken, version
  conflicts and a credit used twice fail as they fail on DynamoDB. It keeps every
  committed Change, and `items()` gives the table to the consistency checker.
- `FakeGateway` is a card provider that keeps its own books: what each card paid and
  got back, by booking and by client. Money tests compare the table with it. It refuses
  to refund more of a charge than is left on it, as Stripe does.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Any

from keepslot.adapters.dynamo.codec import plain
from keepslot.adapters.dynamo.store import DynamoStore
from keepslot.config.model import KeepslotConfig
from keepslot.domain.booking import Booking
from keepslot.service.context import Context
from keepslot.service.ports.changes import Change
from keepslot.service.ports.gateway import CardSetup, Intent, PaymentDeclined, Refund
from tests.support.fake_dynamo import FakeDynamo

TABLE = "keepslot-fake"


class FakeStore(DynamoStore):
    def __init__(self) -> None:
        self.db = FakeDynamo()
        super().__init__(lambda: self.db, TABLE)  # type: ignore[arg-type, return-value]
        self.commits: list[Change] = []

    def commit(self, change: Change) -> None:
        super().commit(change)
        self.commits.append(change)

    def items(self) -> list[dict[str, Any]]:
        """Every item, numbers as int, as the consistency checker's scan returns them."""
        return [plain(dict(it)) for it in self.db.items.values()]


@dataclass
class Charge:
    intent: str
    booking_id: str
    client: str
    amount: int
    kind: str  # "deposit" or "no_show_fee"
    refunded: int = 0


class FakeGateway:
    """A card provider that always answers, charges exactly what it is asked, and keeps books."""

    publishable_key = "pk_test_fake"
    js_url = "https://js.example/v3"

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.charges: dict[str, Charge] = {}
        self.refunds: dict[str, Refund] = {}  # by idempotency key: a retry gets the same one
        self.refunded_from: dict[str, str] = {}  # idempotency key -> the intent it refunded
        self.declining: set[str] = set()  # booking ids whose card is refused
        self.declined: dict[str, str] = {}  # refused intent -> its booking
        self.cancelled: set[str] = set()

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids)}"

    def setup_card(
        self, booking: Booking, customer: str | None = None, after: str = ""
    ) -> CardSetup:
        return CardSetup(customer or self._id("cus"), self._id("seti"), "seti_secret")

    def client_secret(self, setup_intent: str) -> str:
        return f"{setup_intent}_secret"

    def charge_deposit(self, booking: Booking) -> Intent:
        due = booking.deposit.amount.amount - booking.deposit.paid
        return self._charge(booking, due, "deposit")

    def charge_fee(self, booking: Booking) -> Intent:
        return self._charge(booking, booking.terms.no_show_fee, "no_show_fee")

    def _charge(self, booking: Booking, amount: int, kind: str) -> Intent:
        intent = self._id("pi")
        if booking.id in self.declining:
            self.declined[intent] = booking.id
            raise PaymentDeclined("the card was declined", intent_id=intent)
        self.charges[intent] = Charge(intent, booking.id, booking.client.key, amount, kind)
        return self.retrieve_intent(intent)

    def retrieve_intent(self, intent_id: str) -> Intent:
        c = self.charges.get(intent_id)
        if c is None:
            status = "canceled" if intent_id in self.cancelled else "requires_payment_method"
            return Intent(intent_id, status, 0, "EUR", None, self.declined.get(intent_id))
        return Intent(
            intent_id, "succeeded", c.amount, "EUR", "pm_card", c.booking_id, c.amount, c.kind
        )

    def cancel_intent(self, intent_id: str) -> Intent:
        self.cancelled.add(intent_id)
        return self.retrieve_intent(intent_id)

    def refund(self, intent_id: str, amount: int, key: str, booking_id: str) -> Refund:
        if key in self.refunds:
            return self.refunds[key]
        charge = self.charges[intent_id]
        if amount <= 0 or amount > charge.amount - charge.refunded:
            raise AssertionError(
                f"refund of {amount} on {intent_id}: charged {charge.amount}, "
                f"refunded {charge.refunded} already"
            )
        charge.refunded += amount
        self.refunds[key] = Refund(self._id("re"), amount, key=key, currency="EUR")
        self.refunded_from[key] = intent_id
        return self.refunds[key]

    def refunds_of(self, intent_id: str) -> list[Refund]:
        return [r for k, r in self.refunds.items() if self.refunded_from[k] == intent_id]

    def delete_customer(self, customer_id: str) -> None:
        return None

    def parse_event(self, payload: bytes, signature: str) -> dict[str, Any]:
        raise NotImplementedError("webhook events are not part of these tests")

    def net(self, kind: str = "deposit") -> Counter[str]:
        """Per client: what their cards paid, less what came back, for `kind` charges."""
        out: Counter[str] = Counter()
        for c in self.charges.values():
            if c.kind == kind:
                out[c.client] += c.amount - c.refunded
        return out


class RecordingPostman:
    """Sends nothing; keeps what it was given (template, to, booking id, context)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str, dict[str, Any]]] = []

    def deliver(self, template: str, to: str, booking_id: str, context: dict[str, Any]) -> None:
        self.sent.append((template, to, booking_id, context))


def fake_context(
    config: KeepslotConfig, gateway: FakeGateway | None = None, store: FakeStore | None = None
) -> Context:
    """The use cases' context on a FakeStore (and a FakeGateway when payments are by card)."""
    ids = itertools.count(1)
    return Context(
        store=store or FakeStore(),
        config=config,
        new_id=lambda: f"id{next(ids):05d}",
        payments=gateway,
    )
