"""A Change: everything one use case writes, committed in one transaction.

Use cases describe what changes; the store turns a Change into one
TransactWriteItems, so a booking, its slot locks, credits, client history,
jobs and outbox mail are written together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from keepslot.domain.booking import Booking
from keepslot.domain.credit import Credit
from keepslot.domain.waitlist import WaitEntry

NEW_VERSION = 1
"""The version a new booking is stored with; each update of it adds one."""


class JobKind(StrEnum):
    HOLD_EXPIRY = "hold_expiry"
    REMINDER = "reminder"
    NO_SHOW_CHECK = "no_show_check"
    COMPLETE = "complete"
    CREDIT_EXPIRY = "credit_expiry"
    NO_SHOW_AUTO = "no_show_auto"  # only when policy.no_show_auto_mark_hours is set
    DIGEST = "digest"  # the freelancer's weekly digest; a singleton per ISO week
    REFUND = "refund"  # a card refund decided in a change, made by the clock (service/payments)
    FEE = "no_show_fee"  # the no-show fee, charged to the saved card by the clock (service/fees)
    FEE_REFUND = "fee_refund"  # a charged fee given back by a waiver (its own key, its own row)
    FILLED = "filled"  # a booking was confirmed: refill a late cancel it fills (service/refill)
    OFFER = "offer"  # a time opened: offer it to the waitlist (service/offers.py)


@dataclass(frozen=True, slots=True)
class Job:
    booking_id: str
    kind: JobKind
    due: datetime
    data: dict[str, Any] = field(default_factory=dict)
    tag: str = ""  # tells apart two jobs of one kind due at the same instant on one booking

    @property
    def key(self) -> str:
        base = f"JOB#{self.kind}#{self.due.isoformat()}"
        return f"{base}#{self.tag}" if self.tag else base


@dataclass(frozen=True, slots=True)
class Message:
    """An email waiting in the outbox; rendered and sent by the dispatcher."""

    id: str
    template: str
    to: str  # "client" or "freelancer"
    booking_id: str
    context: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One money movement on a booking."""

    booking_id: str
    # What moved: paid, carried, forfeited, waived, refilled, disputed, or a step of a
    # credit (credit_issued, _applied, _expired), a refund (refund_due, refunded,
    # refund_failed) or a no-show fee (fee_due, _charged, _declined, _waived, _refunded).
    kind: str
    amount: int
    currency: str
    at: datetime
    ref: str = ""  # the payment provider's id, when there is one


@dataclass(frozen=True, slots=True)
class ClientEvent:
    email: str
    # A reliability Kind (domain/reliability.py), or a step the client's history also
    # shows: confirmed, waiver_requested, waiver_declined (domain/actions.py).
    kind: str
    at: datetime
    booking_id: str


@dataclass(frozen=True, slots=True)
class Hold:
    """A booking waiting for its deposit or an approval: filed under its client (the
    per-email cap) and, when it came from the web, counted for its network (per-IP cap)."""

    email: str
    booking_id: str
    ip_hash: str | None = None
    ip_cap: int | None = None  # opening only: refused when the network already has this many
    ip_until: datetime | None = None  # when the network's counter may be swept (TTL)

    @classmethod
    def of(cls, booking: Booking, ip_cap: int | None = None) -> Hold:
        until = None
        if booking.ip_hash:
            # Past the longest any hold can last (14 days offline, twice over for an approval
            # that starts a fresh one, plus a late clock), counted from the booking: a later
            # hold never shortens the counter's TTL under an older one.
            until = booking.created_at + IP_COUNTER_TTL
        return cls(booking.client.key, booking.id, booking.ip_hash, ip_cap, until)


IP_COUNTER_TTL = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class NetworkDay:
    """One more booking from a network (its keyed hash) on a UTC day, refused past `cap`."""

    ip_hash: str
    day: date
    cap: int


WAITLIST_MAIL = "waitlist-"  # the outbox files a waitlist entry's mail as `waitlist-<id>`


@dataclass(frozen=True, slots=True)
class Freed:
    """An hour a late cancel gave back: a booking that fills it earns the canceller a refill."""

    booking_id: str  # the cancelled booking: names nobody (erasing a client leaves it be)
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Idempotency:
    key: str
    body_hash: str
    booking_id: str
    expires_at: datetime


@dataclass
class Change:
    new_bookings: list[Booking] = field(default_factory=list)
    updated: list[tuple[Booking, int]] = field(default_factory=list)  # (booking, read version)
    take_locks: list[tuple[datetime, str]] = field(default_factory=list)
    release_locks: list[tuple[datetime, str]] = field(default_factory=list)
    move_locks: list[tuple[datetime, str, str]] = field(default_factory=list)  # (at, from, to)
    day_counts: list[tuple[date, int, int | None]] = field(default_factory=list)  # day, +-1, cap
    credits_issued: list[Credit] = field(default_factory=list)
    credits_used: list[tuple[Credit, int]] = field(default_factory=list)  # (credit, amount used)
    holds_open: list[Hold] = field(default_factory=list)
    holds_closed: list[Hold] = field(default_factory=list)
    network_days: list[NetworkDay] = field(default_factory=list)
    client_seen: list[Booking] = field(default_factory=list)  # upsert name/phone, count
    events: list[ClientEvent] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    jobs_done: list[tuple[str, str]] = field(default_factory=list)  # (booking id, job key)
    outbox: list[Message] = field(default_factory=list)
    ledger: list[LedgerEntry] = field(default_factory=list)
    idempotency: Idempotency | None = None
    # Webhook events, each handled once: (event id, when it was handled).
    provider_events: list[tuple[str, datetime]] = field(default_factory=list)
    freed: list[Freed] = field(default_factory=list)  # late-cancelled hours, for a refill
    freed_taken: list[str] = field(default_factory=list)  # their booking ids: refill given
    # (entry, the ended entry whose place it takes, or None for an empty place)
    waitlist_joined: list[tuple[WaitEntry, str | None]] = field(default_factory=list)
    waitlist_ended: list[WaitEntry] = field(default_factory=list)

    def __iadd__(self, other: Change) -> Change:
        for name in self.__dataclass_fields__:
            mine = getattr(self, name)
            if isinstance(mine, list):
                mine.extend(getattr(other, name))
        self.idempotency = self.idempotency or other.idempotency
        return self


class IdempotencyTaken(Exception):
    """The store found the Idempotency-Key already used: replay or refuse."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class EventSeen(Exception):
    """The store found a provider's webhook event already handled."""

    def __init__(self, event_id: str) -> None:
        super().__init__(event_id)
        self.event_id = event_id
