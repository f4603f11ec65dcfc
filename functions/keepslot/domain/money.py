"""Money in integer minor units plus an ISO currency: never floats."""

from __future__ import annotations

from dataclasses import dataclass


def share(amount: int, percent: int) -> int:
    """`percent` % of `amount` (minor units), rounded half up to a minor unit."""
    return (amount * percent + 50) // 100


@dataclass(frozen=True, slots=True)
class Money:
    amount: int
    currency: str

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError(f"money cannot be negative, got {self.amount}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def min(self, other: Money) -> Money:
        self._same(other)
        return self if self.amount <= other.amount else other

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"currency mismatch: {self.currency} vs {other.currency}")
