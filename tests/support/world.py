"""The use cases on the fakes, with the sample studio's config, a movable clock and mail
rendered as the client reads it: the rule tests' world, in milliseconds.

    w = World("offline")                    # the fixture config, bank-transfer deposits
    b = w.book("anna@example.com", THU)     # through the booking use case
    w.at = THU - timedelta(hours=24)
    manage.cancel(w.ctx, b, w.at)           # any use case, on w.ctx
    w.tick()                                # the clock: due jobs, then due mail
    w.ledger(b), w.mail("anna@"), w.last_change

Everything is committed to FakeStore (the real DynamoStore on an in-memory table, the
same conditions), so a rule that holds here holds on DynamoDB; tests/integration/
test_store_contract.py keeps the two in step.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from keepslot.adapters.email.links import Links
from keepslot.adapters.tokens import TokenSigner
from keepslot.config.model import KeepslotConfig, parse_config
from keepslot.domain.booking import Booking, Client, Mode
from keepslot.service.context import Context
from keepslot.service.dispatch import deliver_pending
from keepslot.service.jobs import run_jobs
from keepslot.service.letters import Letters
from keepslot.service.new_booking import Booked, BookingRequest, book
from keepslot.service.ports.changes import Change, ClientEvent
from keepslot.service.ports.snapshots import ClientSnapshot
from tests.support.configs import INTAKE_ANSWERS, fixture_data
from tests.support.fakes import FakeGateway, FakeStore
from tests.support.flows import pay

START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday morning in Rome
THU = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # Thursday 10:00 in Rome
FRI = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
MON = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TUE = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
SITE = "https://giuliarossi.it"


@dataclass(frozen=True)
class Mail:
    template: str
    address: str
    booking_id: str
    subject: str
    text: str
    context: dict[str, Any]


def sample_config(mode: str = "offline", **sections: Mapping[str, Any]) -> KeepslotConfig:
    """The fixture config with `payments.mode` and any section's keys replaced."""
    data = fixture_data()
    data["payments"]["mode"] = mode
    for name, values in sections.items():
        data[name] = {**data.get(name, {}), **values}
    return parse_config(data)


class MailBox:
    """A Postman that renders each message as SES would be given it, and keeps it."""

    def __init__(self, world: World) -> None:
        links = Links(SITE, lambda: TokenSigner([b"k" * 32]))
        self._world = world
        self._render = Letters(lambda: None, world.config, links, lambda: world.at)  # type: ignore[arg-type,return-value]
        self.sent: list[Mail] = []

    def deliver(self, template: str, to: str, booking_id: str, context: dict[str, Any]) -> None:
        r = self._render.render(template, to, booking_id, context)
        if to == "client":
            address = context["booking"]["client"]["email"]
        else:
            address = str(self._world.config.business.alerts)
        self.sent.append(Mail(template, address, booking_id, r.subject, r.text, context))


class World:
    def __init__(self, mode: str = "offline", **sections: Mapping[str, Any]) -> None:
        self.config = sample_config(mode, **sections)
        self.store = FakeStore()
        self.gateway = FakeGateway()
        ids = itertools.count(1)
        self.ctx = Context(
            store=self.store,
            config=self.config,
            new_id=lambda: f"id{next(ids):05d}",
            payments=self.gateway if mode == "stripe" else None,
        )
        self.at = START
        self.mailbox = MailBox(self)

    # ---- acting -----------------------------------------------------------------

    def request(self, email: str, start: datetime, **over: Any) -> BookingRequest:
        fields: dict[str, Any] = {
            "service": "strategia",
            "start": start,
            "mode": Mode.IN_PERSON,
            "client": Client(email.split("@")[0].title() + " Bianchi", email, "+39 333 000 1111"),
            "policy_version": self.config.policy_version,
            "answers": dict(INTAKE_ANSWERS),
        }
        return BookingRequest(**(fields | over))

    def booked(self, email: str, start: datetime, **over: Any) -> Booked:
        return book(self.ctx, self.request(email, start, **over), self.at)

    def book(self, email: str, start: datetime, **over: Any) -> str:
        return self.booked(email, start, **over).booking.id

    def paid(self, email: str, start: datetime, **over: Any) -> str:
        """A booking whose deposit is paid (by card, or confirmed by the freelancer)."""
        booking_id = self.book(email, start, **over)
        pay(self.ctx, booking_id, self.at)
        return booking_id

    def history(self, email: str, *events: tuple[str, datetime, str]) -> None:
        """Past events written into the client's partition (months of history)."""
        self.store.commit(
            Change(events=[ClientEvent(email, kind, at, bid) for kind, at, bid in events])
        )

    def tick(self) -> int:
        """The clock at `at`: due jobs, then due mail; how many messages went."""
        run_jobs(self.ctx, self.at)
        return deliver_pending(self.ctx, self.store, self.mailbox, self.at)

    # ---- looking ----------------------------------------------------------------

    def booking(self, booking_id: str) -> Booking:
        return self.store.get_booking(booking_id)[0]

    def snapshot(self, email: str) -> ClientSnapshot:
        return self.store.client_snapshot(email)

    @property
    def last_change(self) -> Change:
        return self.store.commits[-1]

    def ledger(self, booking_id: str) -> Counter[str]:
        """The booking's ledger rows: kind -> total amount."""
        rows: Counter[str] = Counter()
        for it in self.store.items():
            if it["PK"] == f"BOOKING#{booking_id}" and it["SK"].startswith("LEDGER#"):
                rows[it["kind"]] += it["amount"]
        return rows

    def jobs(self, booking_id: str) -> list[str]:
        """The booking's jobs still pending, by kind."""
        return sorted(
            it["SK"].split("#")[1]
            for it in self.store.items()
            if it["PK"] == f"BOOKING#{booking_id}"
            and it["SK"].startswith("JOB#")
            and "GSI2PK" in it
        )

    def outbox(self, template: str | None = None) -> list[tuple[str, str]]:
        """Every message committed so far (template, booking id), sent or not."""
        return [
            (m.template, m.booking_id)
            for c in self.store.commits
            for m in c.outbox
            if template is None or m.template == template
        ]

    def mail(self, to: str, subject_start: str = "") -> list[Mail]:
        """Mail sent to an address containing `to`, whose subject starts so."""
        return [
            m
            for m in self.mailbox.sent
            if to in m.address.lower() and m.subject.startswith(subject_start)
        ]
