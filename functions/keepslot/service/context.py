"""What every use case is given: the ports and the freelancer's config."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from keepslot.config.model import KeepslotConfig
from keepslot.domain.availability import Span
from keepslot.domain.booking import Booking
from keepslot.service.changes import Change, Idempotency
from keepslot.service.snapshots import Agenda, ClientSnapshot, DueItem


class Store(Protocol):
    def get_booking(self, booking_id: str) -> tuple[Booking, int]: ...
    def client_snapshot(self, email: str) -> ClientSnapshot: ...
    def calendar(self, start: datetime, end: datetime) -> list[Span]: ...
    def agenda(self, start: datetime, end: datetime) -> Agenda: ...
    def due(self, now: datetime, limit: int = 100) -> list[DueItem]: ...
    def idempotency(self, key: str) -> Idempotency | None: ...
    def commit(self, change: Change) -> None: ...


@dataclass(frozen=True)
class Context:
    store: Store
    config: KeepslotConfig
    new_id: Callable[[], str]
