"""Credits: a deposit given back as credit, applied automatically to the next booking.

A credit is kept if the client makes a new booking no later than `until` (N days
after the original start); the new appointment itself may be later. Unused, it
lapses once `until` has passed.

A credit larger than a new deposit pays the deposit and leaves the rest as a
smaller credit with the same source and the same `until`: the deadline is tied
to the original appointment, so using part of a credit never extends the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

Used = list[tuple["Credit", int]]
"""(credit, amount taken from it), in the order they were applied."""


@dataclass(frozen=True, slots=True)
class Credit:
    client: str  # the client's key: their email, lower-cased
    source_booking_id: str  # the booking whose deposit became this credit
    amount: int  # minor units left
    currency: str
    until: datetime  # aware UTC: the last moment a booking can use it

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValueError(f"a credit must be positive, got {self.amount}")
        if self.until.tzinfo is None:
            raise ValueError("a credit's deadline must be an aware datetime")


def usable(credit: Credit, booked_at: datetime) -> bool:
    """Whether a booking made at `booked_at` may use the credit (its deadline included)."""
    return booked_at <= credit.until


def expired(credit: Credit, now: datetime) -> bool:
    """Whether the credit has lapsed at `now`: the deadline has passed."""
    return now > credit.until


def apply_credits(
    credits: Iterable[Credit],
    deposit_due: int,
    booked_at: datetime,
    *,
    currency: str | None = None,
) -> tuple[Used, int]:
    """Pay `deposit_due` from the usable credits, the soonest to lapse first.

    Returns what is taken from each credit and what remains due. Credits in
    another currency than `currency` (when given) are left alone.
    """
    if deposit_due < 0:
        raise ValueError(f"a deposit cannot be negative, got {deposit_due}")
    candidates = sorted(
        (
            c
            for c in credits
            if usable(c, booked_at) and (currency is None or c.currency == currency)
        ),
        key=lambda c: (c.until, c.source_booking_id),
    )
    used: Used = []
    remaining = deposit_due
    for credit in candidates:
        if remaining == 0:
            break
        take = min(credit.amount, remaining)
        used.append((credit, take))
        remaining -= take
    return used, remaining


def leftover(credit: Credit, used: int) -> Credit | None:
    """The credit that remains after `used` of it paid a deposit (None when spent)."""
    if not 0 <= used <= credit.amount:
        raise ValueError(f"cannot use {used} of a credit of {credit.amount}")
    if used == credit.amount:
        return None
    return replace(credit, amount=credit.amount - used)
