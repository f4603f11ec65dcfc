"""The terms a booking is made under: a snapshot, so later config edits never change it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class LateTier:
    """Changing with less than `under_hours` left forfeits `forfeit_percent` of the deposit."""

    under_hours: int
    forfeit_percent: int

    def covers(self, left: timedelta) -> bool:
        """Whether a change `left` before the start falls in this tier."""
        return left < timedelta(hours=self.under_hours)


class Returned(StrEnum):
    """How money comes back to the client: as a credit toward a later booking, or refunded
    (to the card, or by hand when payments are offline)."""

    CREDIT = "credit"
    REFUND = "refund"


@dataclass(frozen=True, slots=True)
class Terms:
    free_change_hours: int = 48
    late_tiers: tuple[LateTier, ...] = (LateTier(48, 100),)
    early_cancel: Returned = Returned.CREDIT
    late_remainder: Returned = Returned.CREDIT
    credit_rebook_days: int = 3
    grace_minutes: int = 15
    no_show_fee: int = 0  # minor units, in the booking's currency
    waiver_returns_as: Returned = Returned.CREDIT
    version: str = ""
    # Of what a late cancel kept, the share given back when someone else fills the hour.
    # Last, and 0 for snapshots from before it existed: a booking keeps the terms it had.
    refill_returns_percent: int = 0

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Terms:
        data = dict(raw)
        tiers = data.pop("late_tiers", ())
        return cls(
            late_tiers=tuple(LateTier(**t) for t in tiers),
            early_cancel=Returned(data.pop("early_cancel", "credit")),
            late_remainder=Returned(data.pop("late_remainder", "credit")),
            waiver_returns_as=Returned(data.pop("waiver_returns_as", "credit")),
            **data,
        )


def policy_version(policy: dict[str, object]) -> str:
    """A short, stable hash of everything the client accepts (canonical JSON)."""
    canonical = json.dumps(policy, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]
