"""decide(): what the policy does to a deposit, for every action.

One function serves three callers: the use cases act on it, the manage page
previews it, and the policy page prints its worked examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from keepslot.domain.booking import Booking, BookingStatus, DepositStatus
from keepslot.domain.errors import NotAllowedNow
from keepslot.domain.terms import Returned, Terms


class Action(StrEnum):
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    MODE_SWITCH = "mode_switch"
    NO_SHOW = "no_show"
    WAIVE = "waive"
    FREELANCER_CANCEL = "freelancer_cancel"
    EXPIRE_CREDIT = "expire_credit"


class Fate(StrEnum):
    """What happens to the deposit (the OUTCOME `deposit` field)."""

    CREDIT = "credit"
    CARRIED = "carried"
    FORFEITED = "forfeited"
    REFUNDED = "refunded"
    WAIVED = "waived"
    NONE = "none"


class Reason(StrEnum):
    NOTHING_PAID = "nothing_paid"
    EARLY_CANCEL = "early_cancel"
    LATE_CANCEL = "late_cancel"
    EARLY_RESCHEDULE = "early_reschedule"
    LATE_RESCHEDULE = "late_reschedule"
    MODE_SWITCH_FREE = "mode_switch_free"
    NO_SHOW = "no_show"
    WAIVER = "waiver"
    FREELANCER_CANCEL = "freelancer_cancel"
    CREDIT_EXPIRED = "credit_expired"


@dataclass(frozen=True, slots=True)
class Give:
    """Money given back to the client."""

    as_: Returned
    amount: int


@dataclass(frozen=True, slots=True)
class Outcome:
    fate: Fate
    amount: int  # the deposit this booking holds (paid), minor units
    currency: str
    reason: Reason
    forfeited: int = 0
    returned: Give | None = None
    credit_until: datetime | None = None
    fee: int = 0  # a no-show fee charged on top, to the saved card
    strike: bool = False  # counts against the client's reliability

    @property
    def deposit_status(self) -> DepositStatus:
        """The deposit status this outcome leaves the booking in."""
        if self.fate is Fate.FORFEITED and self.returned and self.returned.as_ is Returned.CREDIT:
            return DepositStatus.CREDIT if self.forfeited == 0 else DepositStatus.FORFEITED
        return {
            Fate.CREDIT: DepositStatus.CREDIT,
            Fate.CARRIED: DepositStatus.CARRIED,
            Fate.FORFEITED: DepositStatus.FORFEITED,
            Fate.REFUNDED: DepositStatus.REFUNDED,
            Fate.WAIVED: DepositStatus.WAIVED,
        }.get(self.fate, DepositStatus.NONE)


def hours_before(booking: Booking, now: datetime) -> float:
    return (booking.start - now).total_seconds() / 3600


def free_change_deadline(booking: Booking) -> datetime:
    return booking.start - timedelta(hours=booking.terms.free_change_hours)


def decide(
    booking: Booking,
    action: Action,
    now: datetime,
    terms: Terms | None = None,
    *,
    waive_as: Returned | None = None,
) -> Outcome:
    """The outcome of `action` on `booking` at `now` under `terms` (default: its snapshot)."""
    terms = terms or booking.terms
    paid, currency = booking.deposit.paid, booking.deposit.amount.currency
    credit_until = max(booking.start, now) + timedelta(days=terms.credit_rebook_days)

    def outcome(fate: Fate, reason: Reason, **kw: object) -> Outcome:
        return Outcome(fate, paid, currency, reason, **kw)  # type: ignore[arg-type]

    if action is Action.MODE_SWITCH:
        return outcome(Fate.NONE, Reason.MODE_SWITCH_FREE)
    if action is Action.FREELANCER_CANCEL:
        if paid == 0:
            return outcome(Fate.NONE, Reason.NOTHING_PAID)
        # A credit-paid part goes back as credit: there is no card charge to refund.
        as_ = Returned.CREDIT if booking.deposit.from_credit == paid else Returned.REFUND
        return outcome(
            Fate.REFUNDED,
            Reason.FREELANCER_CANCEL,
            returned=Give(as_, paid),
            credit_until=credit_until if as_ is Returned.CREDIT else None,
        )
    if action is Action.EXPIRE_CREDIT:
        return outcome(Fate.FORFEITED, Reason.CREDIT_EXPIRED, forfeited=paid)
    if action is Action.WAIVE:
        return _waive(booking, now, terms, waive_as, credit_until)
    if action is Action.NO_SHOW:
        if now < booking.start + timedelta(minutes=terms.grace_minutes):
            raise NotAllowedNow(
                f"a no-show can be recorded {terms.grace_minutes} minutes after the start"
            )
        return outcome(
            Fate.FORFEITED, Reason.NO_SHOW, forfeited=paid, fee=terms.no_show_fee, strike=True
        )

    # Client cancel or reschedule.
    early_reason, late_reason = (
        (Reason.EARLY_CANCEL, Reason.LATE_CANCEL)
        if action is Action.CANCEL
        else (Reason.EARLY_RESCHEDULE, Reason.LATE_RESCHEDULE)
    )
    pct = terms.forfeit_percent(hours_before(booking, now))
    if paid == 0:
        # Nothing to lose, but a late change is still a late change for reliability.
        return outcome(Fate.NONE, Reason.NOTHING_PAID if pct == 0 else late_reason, strike=pct > 0)
    if pct == 0:
        if action is Action.RESCHEDULE:
            return outcome(Fate.CARRIED, early_reason)
        if terms.early_cancel is Returned.REFUND:
            return outcome(Fate.REFUNDED, early_reason, returned=Give(Returned.REFUND, paid))
        return outcome(
            Fate.CREDIT,
            early_reason,
            returned=Give(Returned.CREDIT, paid),
            credit_until=credit_until,
        )
    kept = min(paid, (paid * pct + 50) // 100)
    rest = paid - kept
    if rest == 0:
        return outcome(Fate.FORFEITED, late_reason, forfeited=kept, strike=True)
    as_ = terms.late_remainder
    return outcome(
        Fate.FORFEITED,
        late_reason,
        forfeited=kept,
        returned=Give(as_, rest),
        credit_until=credit_until if as_ is Returned.CREDIT else None,
        strike=True,
    )


def _waive(
    booking: Booking, now: datetime, terms: Terms, waive_as: Returned | None, credit_until: datetime
) -> Outcome:
    if booking.status not in (
        BookingStatus.CANCELLED,
        BookingStatus.NO_SHOW,
        BookingStatus.RESCHEDULED,
    ):
        raise NotAllowedNow("only a cancelled, rescheduled or missed appointment can be waived")
    if booking.deposit.status is not DepositStatus.FORFEITED:
        raise NotAllowedNow("there is no forfeited deposit to waive")
    as_ = waive_as or terms.waiver_returns_as
    # Only what the freelancer kept comes back; what was already returned stays returned.
    kept = booking.deposit.kept
    return Outcome(
        Fate.WAIVED,
        booking.deposit.paid,
        booking.deposit.amount.currency,
        Reason.WAIVER,
        returned=Give(as_, kept),
        credit_until=credit_until if as_ is Returned.CREDIT else None,
    )
