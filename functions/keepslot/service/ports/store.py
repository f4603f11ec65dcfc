"""The table as the use cases see it: what they read, and the one way they write (a Change).

The DynamoDB adapter (adapters/dynamo/) implements these; tests/support/fakes.py stands
in for it. The narrower ports below are the few writes that are not a Change: the
outbox's delivery marks, a job's failed attempt, the digest's reads, a client's profile,
erasure, and the
command line's whole-table reads.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from keepslot.domain.availability import Span
from keepslot.domain.booking import Booking
from keepslot.domain.waitlist import WaitEntry
from keepslot.service.ports.changes import Change, Freed, Idempotency, Job, Message
from keepslot.service.ports.snapshots import Agenda, ClientSnapshot, DueItem


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware UTC datetime."""
        ...


class Store(Protocol):
    def get_booking(self, booking_id: str) -> tuple[Booking, int]: ...
    def client_snapshot(self, email: str) -> ClientSnapshot: ...
    def calendar(self, start: datetime, end: datetime) -> list[Span]: ...
    def agenda(self, start: datetime, end: datetime) -> Agenda: ...
    def due(self, now: datetime, limit: int = 100) -> list[DueItem]: ...
    def idempotency(self, key: str) -> Idempotency | None: ...
    def commit(self, change: Change) -> None: ...
    def freed_between(self, start: datetime, end: datetime) -> list[Freed]: ...
    def waiting_from(self, day: date) -> list[WaitEntry]: ...
    def waitlist_entry(self, entry_id: str) -> WaitEntry: ...


class Outbox(Protocol):
    def mark_delivered(self, pk: str, sk: str, at: datetime) -> None: ...
    def retry_later(
        self, pk: str, sk: str, attempts: int, due: datetime, *, failed: bool
    ) -> None: ...


class JobAttempts(Protocol):
    def job_attempt_failed(
        self, pk: str, sk: str, attempts: int, due: datetime, *, failed: bool, error: str
    ) -> None: ...


class DigestReads(Protocol):
    def due_between(self, start: datetime, end: datetime, part: str = "DUE") -> list[DueItem]: ...
    def bookings_between(self, start: datetime, end: datetime) -> list[Booking]: ...
    def ensure_job(self, job: Job) -> bool: ...


class Profiles(Protocol):
    """Writes to a client's PROFILE item."""

    def set_blocked(self, email: str, blocked: bool, outbox: list[Message]) -> None: ...


class ClientRecords(Protocol):
    def customers(self, email: str) -> list[str]:
        """The card provider's Customer ids behind the client's bookings."""
        ...

    def erase(self, email: str, pseudonym: str) -> dict[str, int]:
        """Scrub the client from the table; counts of what was touched."""
        ...


class Customers(Protocol):
    def delete_customer(self, customer_id: str) -> None: ...


class AdminReads(Protocol):
    """Whole-table reads for the freelancer's command line (lists, reports, exports)."""

    def bookings(self) -> list[Booking]: ...
    def ledger(self) -> list[dict[str, Any]]: ...
    def client_emails(self) -> list[str]: ...
