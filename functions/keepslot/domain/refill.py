"""refill(): part of a late cancel's kept deposit goes back when someone else fills the hour.

The freelancer's loss was the empty hour. When another client's booking takes it and
is confirmed, the client who cancelled late gets back `refill_returns_percent` of what
was kept, as their terms return a late cancel's remainder (credit or refund). It sits
beside decide() and returns the same Outcome, so acting, previewing and the policy
page's worked example all come from this one function.
"""

from __future__ import annotations

from datetime import datetime

from keepslot.domain.booking import Booking, BookingStatus, DepositStatus
from keepslot.domain.policy import Fate, Outcome, Reason, give_back

# A filler in these never held the hour as a confirmed booking. Once confirmed, it earned
# the refill: cancelling it later takes nothing back.
NEVER_CONFIRMED = frozenset(
    {
        BookingStatus.HELD,
        BookingStatus.PENDING_APPROVAL,
        BookingStatus.EXPIRED,
        BookingStatus.DECLINED,
    }
)


def overlaps(a: Booking, b: Booking) -> bool:
    return a.start < b.end and b.start < a.end


def refill_share(kept: int, percent: int) -> int:
    """What comes back of `kept` at `percent`, half up to a minor unit (as decide() rounds)."""
    return (kept * min(100, max(0, percent)) + 50) // 100


def refill(freed: Booking, filler: Booking, now: datetime) -> Outcome | None:
    """The refill `freed` (a late-cancelled booking) earns because `filler` took its hour,
    or None when it earns none: not a late cancel, nothing kept, already refilled, the
    hour is over, the filler is the same client or not confirmed, or the terms give 0%."""
    terms = freed.terms
    d = freed.deposit
    if (
        freed.status is not BookingStatus.CANCELLED
        or d.status is not DepositStatus.FORFEITED
        or freed.refilled_by is not None
        or filler.status in NEVER_CONFIRMED
        or filler.client.key == freed.client.key
        or not overlaps(freed, filler)
        or now >= freed.start
    ):
        return None
    amount = refill_share(d.kept, terms.refill_returns_percent)
    if amount <= 0:
        return None
    back = give_back(freed, now, terms, terms.late_remainder, amount)
    return Outcome(
        Fate.FORFEITED,
        d.paid,
        d.amount.currency,
        Reason.REFILL,
        returned=back[0],
        credit_until=back[1],
        ends_in=DepositStatus.FORFEITED,
    )


def refill_preview(booking: Booking, outcome: Outcome) -> int:
    """For a late cancel's preview: what would come back if someone else took the hour."""
    if outcome.reason is not Reason.LATE_CANCEL or not outcome.forfeited:
        return 0
    return refill_share(outcome.forfeited, booking.terms.refill_returns_percent)
