"""What the use cases read: plain values assembled by the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from keepslot.domain.availability import Span
from keepslot.domain.credit import Credit
from keepslot.service.ports.changes import ClientEvent


@dataclass
class ClientSnapshot:
    """One client's partition: profile, history, credits, open holds."""

    email: str
    profile: dict[str, Any] = field(default_factory=dict)
    events: list[ClientEvent] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    holds: list[str] = field(default_factory=list)
    # The address's waitlist places: place -> (the entry holding it, that entry's last day).
    waiting: dict[int, tuple[str, date]] = field(default_factory=dict)

    @property
    def blocked(self) -> bool:
        return bool(self.profile.get("blocked"))

    @property
    def is_new(self) -> bool:
        return not any(e.kind == "completed" for e in self.events)

    def count(self, kind: str) -> int:
        return sum(1 for e in self.events if e.kind == kind)


@dataclass(frozen=True, slots=True)
class DueItem:
    pk: str
    sk: str
    item: dict[str, Any]

    @property
    def is_mail(self) -> bool:
        return self.pk.startswith("OUTBOX#")

    @property
    def due_at(self) -> datetime:
        """When the item fell due: its key in the due index starts with that time."""
        raw = str(self.item.get("GSI2SK", ""))[:20]
        return (
            datetime.fromisoformat(raw.replace("Z", "+00:00"))
            if raw
            else datetime.min.replace(tzinfo=UTC)
        )


@dataclass
class Agenda:
    """A range of the calendar index: open bookings' times, and busy blocks from the
    freelancer's other calendars (taken as they are: no buffers, no daily count)."""

    bookings: list[Span] = field(default_factory=list)
    blocked: list[Span] = field(default_factory=list)
