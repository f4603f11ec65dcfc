"""Bookings, their deposits, and the legal moves between states."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from keepslot.domain.errors import IllegalTransition
from keepslot.domain.money import Money
from keepslot.domain.terms import Terms


class Mode(StrEnum):
    VIDEO = "video"
    PHONE = "phone"
    IN_PERSON = "in_person"


class BookingStatus(StrEnum):
    HELD = "held"
    PENDING_APPROVAL = "pending_approval"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    DECLINED = "declined"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    EXPIRED = "expired"


class DepositStatus(StrEnum):
    NONE = "none"
    PENDING = "pending"
    PAID = "paid"
    CREDIT = "credit"
    APPLIED = "applied"
    CARRIED = "carried"
    FORFEITED = "forfeited"
    REFUNDED = "refunded"
    WAIVED = "waived"


S = BookingStatus
BOOKING_MOVES: dict[BookingStatus, frozenset[BookingStatus]] = {
    S.HELD: frozenset({S.CONFIRMED, S.PENDING_APPROVAL, S.CANCELLED, S.EXPIRED, S.RESCHEDULED}),
    S.PENDING_APPROVAL: frozenset({S.HELD, S.CONFIRMED, S.DECLINED, S.CANCELLED, S.EXPIRED}),
    S.CONFIRMED: frozenset({S.CANCELLED, S.RESCHEDULED, S.COMPLETED, S.NO_SHOW}),
    S.CANCELLED: frozenset(),
    S.RESCHEDULED: frozenset(),
    S.DECLINED: frozenset(),
    S.COMPLETED: frozenset(),
    S.NO_SHOW: frozenset(),
    S.EXPIRED: frozenset(),
}
OPEN = frozenset({S.HELD, S.PENDING_APPROVAL, S.CONFIRMED})
"""Statuses that hold a slot."""
WAITING = frozenset({S.HELD, S.PENDING_APPROVAL})
"""Open but not confirmed yet: waiting for a deposit, an approval or the client's Confirm."""

D = DepositStatus
DEPOSIT_MOVES: dict[DepositStatus, frozenset[DepositStatus]] = {
    D.NONE: frozenset(),
    D.PENDING: frozenset({D.PAID, D.NONE}),
    D.PAID: frozenset({D.CREDIT, D.CARRIED, D.FORFEITED, D.REFUNDED, D.WAIVED}),
    D.CREDIT: frozenset({D.APPLIED, D.FORFEITED, D.REFUNDED}),
    D.FORFEITED: frozenset({D.WAIVED}),
    D.APPLIED: frozenset(),
    D.CARRIED: frozenset(),
    D.REFUNDED: frozenset(),
    D.WAIVED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Client:
    name: str
    email: str
    phone: str | None = None

    @property
    def key(self) -> str:
        """A client is their email, case-insensitive."""
        return self.email.strip().lower()


@dataclass(frozen=True, slots=True)
class Deposit:
    amount: Money  # what the booking asks for
    status: DepositStatus
    paid: int = 0  # minor units actually received (card, transfer, carried or credit)
    from_credit: int = 0  # the part of `paid` that came from an earlier credit
    kept: int = 0  # the part the freelancer kept (forfeited), waivable
    refunded: int = 0  # the part given back to the card (or by hand, offline)


@dataclass(frozen=True, slots=True)
class Booking:
    id: str
    service: str
    start: datetime  # aware, UTC
    end: datetime
    mode: Mode
    client: Client
    status: BookingStatus
    deposit: Deposit
    terms: Terms
    created_at: datetime
    price: Money
    hold_until: datetime | None = None
    timezone: str | None = None
    notes: str | None = None
    answers: dict[str, str] = field(default_factory=dict)
    rescheduled_from: str | None = None
    rescheduled_to: str | None = None
    # The card provider's ids (customer, setup_intent, payment_method, payment_intent,
    # refunds): opaque to the domain, kept so payments can be reconciled.
    payment_ref: dict[str, str] = field(default_factory=dict)
    # A keyed hash of the network a web booking came from, never the address: its hold
    # counts toward holds.per_ip until it closes.
    ip_hash: str | None = None
    # When the client pressed Confirm on the emailed link: proof that the address is theirs.
    confirmed_at: datetime | None = None
    # The booking that filled this one's hour after a late cancel: its refill is given once.
    refilled_by: str | None = None

    def move_to(self, status: BookingStatus) -> Booking:
        if status not in BOOKING_MOVES[self.status]:
            raise IllegalTransition(f"a {self.status} booking cannot become {status}")
        return replace(self, status=status)

    def with_deposit(
        self,
        status: DepositStatus,
        *,
        paid: int | None = None,
        kept: int | None = None,
        from_credit: int | None = None,
    ) -> Booking:
        if status != self.deposit.status and status not in DEPOSIT_MOVES[self.deposit.status]:
            raise IllegalTransition(f"a {self.deposit.status} deposit cannot become {status}")
        d = self.deposit
        deposit = replace(
            d,
            status=status,
            paid=d.paid if paid is None else paid,
            kept=d.kept if kept is None else kept,
            from_credit=d.from_credit if from_credit is None else from_credit,
        )
        return replace(self, deposit=deposit)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def awaits_click(self) -> bool:
        """Held with nothing to pay: only the client's Confirm on the emailed link is missing."""
        return self.status is BookingStatus.HELD and self.deposit.status is DepositStatus.NONE
