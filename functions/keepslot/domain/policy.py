"""decide(): what the policy does to a deposit, for every action.

One function serves three callers: the use cases act on it, the manage page
previews it, and the policy page prints its worked examples.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from keepslot.domain.actions import Action as Action  # its home; the callers know it here
from keepslot.domain.actions import refusal
from keepslot.domain.booking import (
    DEPOSIT_MOVES,
    Booking,
    BookingStatus,
    DepositStatus,
)
from keepslot.domain.money import share
from keepslot.domain.terms import Returned, Terms


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
    HOLD_EXPIRED = "hold_expired"
    REFILL = "refill"


@dataclass(frozen=True, slots=True)
class Give:
    """Money given back to the client."""

    as_: Returned
    amount: int
    # Of a refund, the part that earlier credit paid: no charge of this booking holds it,
    # so it comes back as credit (until the outcome's `credit_until`) rather than be lost.
    credit: int = 0

    @property
    def to_card(self) -> int:
        """What goes back to the card (or by hand, offline)."""
        return self.amount - self.credit if self.as_ is Returned.REFUND else 0

    @property
    def to_credit(self) -> int:
        """What comes back as credit: all of it, or of a refund the part earlier credit paid."""
        return self.amount if self.as_ is Returned.CREDIT else self.credit


_FATE_STATUS = {
    Fate.CREDIT: DepositStatus.CREDIT,
    Fate.CARRIED: DepositStatus.CARRIED,
    Fate.FORFEITED: DepositStatus.FORFEITED,
    Fate.REFUNDED: DepositStatus.REFUNDED,
    Fate.WAIVED: DepositStatus.WAIVED,
    Fate.NONE: DepositStatus.NONE,
}


@dataclass(frozen=True, slots=True)
class Outcome:
    fate: Fate
    amount: int  # the deposit this booking holds (paid), minor units
    currency: str
    reason: Reason
    forfeited: int = 0  # kept by the freelancer by this action
    returned: Give | None = None
    credit_until: datetime | None = None
    fee: int = 0  # a no-show fee charged on top, to the saved card
    strike: bool = False  # counts against the client's reliability
    # Set by decide(), which knows the booking (a mode switch leaves a paid deposit
    # paid); None on outcomes rebuilt from a view, where the fate alone tells.
    ends_in: DepositStatus | None = None

    @property
    def deposit_status(self) -> DepositStatus:
        """The deposit status this outcome leaves the booking in."""
        if self.ends_in is not None:
            return self.ends_in
        if self.fate is Fate.REFUNDED and self.returned and self.returned.as_ is Returned.CREDIT:
            return DepositStatus.CREDIT  # given back in full, as an open credit
        return _FATE_STATUS[self.fate]


def hours_before(booking: Booking, now: datetime) -> float:
    return (booking.start - now).total_seconds() / 3600


def free_change_deadline(booking: Booking, terms: Terms | None = None) -> datetime:
    """The last moment a cancel or reschedule is free (inclusive)."""
    hours = (booking.terms if terms is None else terms).free_change_hours
    return booking.start - timedelta(hours=hours)


def forfeit_percent(terms: Terms, left: timedelta) -> int:
    """The share of the deposit kept when a change comes `left` before the start.

    The largest percentage of every tier the moment falls in, so the share never
    drops as the start approaches, whatever order the tiers were written in.
    """
    if left >= timedelta(hours=terms.free_change_hours):
        return 0
    pct = max(
        (t.forfeit_percent for t in terms.late_tiers if t.covers(left)),
        default=0,
    )
    return min(100, max(0, pct))


def decide(
    booking: Booking,
    action: Action,
    now: datetime,
    terms: Terms | None = None,
    *,
    waive_as: Returned | None = None,
    credit_left: int | None = None,
) -> Outcome:
    """The outcome of `action` on `booking` at `now` under `terms` (default: its snapshot).

    Raises NotAllowedNow when the action makes no sense for the booking now.
    `waive_as` overrides the terms for a waiver; `credit_left` is the amount of
    this booking's credit that lapses (EXPIRE_CREDIT; default: all it issued).
    """
    terms = booking.terms if terms is None else terms
    refused = refusal(booking, action, now, terms)
    if refused is not None:
        raise refused
    if action is Action.MODE_SWITCH:
        return _outcome(booking, Fate.NONE, Reason.MODE_SWITCH_FREE, ends_in=booking.deposit.status)
    if action in (Action.FREELANCER_CANCEL, Action.EXPIRE_HOLD):
        return _give_all_back(booking, action, now, terms)
    if action is Action.EXPIRE_CREDIT:
        return _expire_credit(booking, credit_left)
    if action is Action.WAIVE:
        return _waive(booking, now, terms, waive_as)
    if action is Action.NO_SHOW:
        return _no_show(booking, terms)
    return _client_change(booking, action, now, terms)


def apply_outcome(
    booking: Booking, outcome: Outcome, new_status: BookingStatus | None = None
) -> Booking:
    """`booking` after `outcome`: moved to `new_status` (if given), its deposit settled.

    `kept` accumulates what the freelancer keeps: what this outcome forfeits, minus
    what a waiver gives back. Illegal moves raise IllegalTransition.
    """
    done = booking.move_to(new_status) if new_status is not None else booking
    d = booking.deposit
    status = outcome.deposit_status
    gives_kept = outcome.fate is Fate.WAIVED or outcome.reason is Reason.REFILL
    given_back = outcome.returned.amount if gives_kept and outcome.returned else 0
    kept = d.kept + outcome.forfeited - given_back
    moves = status is not d.status and status not in DEPOSIT_MOVES[d.status]
    if d.status is DepositStatus.PENDING and d.paid > 0 and moves:
        # Part of a pending deposit came from a credit: that part settles as paid money.
        done = done.with_deposit(DepositStatus.PAID)
    done = done.with_deposit(status, kept=kept)
    to_card = outcome.returned.to_card if outcome.returned else 0
    if to_card:
        done = replace(done, deposit=replace(done.deposit, refunded=d.refunded + to_card))
    return done


def _outcome(
    booking: Booking,
    fate: Fate,
    reason: Reason,
    *,
    forfeited: int = 0,
    back: tuple[Give, datetime | None] | None = None,
    fee: int = 0,
    strike: bool = False,
    ends_in: DepositStatus | None = None,
) -> Outcome:
    d = booking.deposit
    returned, until = back or (None, None)
    return Outcome(
        fate,
        d.paid,
        d.amount.currency,
        reason,
        forfeited=forfeited,
        returned=returned,
        credit_until=until,
        fee=fee,
        strike=strike,
        ends_in=_FATE_STATUS[fate] if ends_in is None else ends_in,
    )


def _credit_until(booking: Booking, now: datetime, terms: Terms) -> datetime:
    """A credit is kept for a booking made within N days of the original start.

    A credit born after the start (a waiver) counts from its birth instead, or it
    could be dead on arrival.
    """
    return max(booking.start, now) + timedelta(days=terms.credit_rebook_days)


def give_back(
    booking: Booking, now: datetime, terms: Terms, as_: Returned, amount: int
) -> tuple[Give, datetime | None]:
    """`amount` given back `as_`, with the credit's deadline when any of it is a credit.

    A refund comes from what the card paid and was not refunded yet; the rest of it was
    paid by an earlier credit and comes back as credit. Wholly that, it is a credit.
    """
    until = _credit_until(booking, now, terms)
    if as_ is Returned.CREDIT:
        return Give(as_, amount), until
    d = booking.deposit
    card = max(0, d.paid - d.from_credit - d.refunded)
    credit = max(0, amount - card)
    if credit == amount:
        return Give(Returned.CREDIT, amount), until
    return Give(as_, amount, credit), until if credit else None


def _fate_of(give: Give) -> Fate:
    return Fate.CREDIT if give.as_ is Returned.CREDIT else Fate.REFUNDED


def _give_all_back(booking: Booking, action: Action, now: datetime, terms: Terms) -> Outcome:
    """The freelancer cancels, or a hold runs out: everything paid comes back.

    What the card paid is refunded; what an earlier credit paid comes back as credit
    (the policy page says so): there is no charge of this booking to refund it from.
    """
    paid = booking.deposit.paid
    if paid == 0:
        return _outcome(booking, Fate.NONE, Reason.NOTHING_PAID)
    reason = Reason.FREELANCER_CANCEL
    if action is Action.EXPIRE_HOLD:
        reason = Reason.HOLD_EXPIRED
    give, until = give_back(booking, now, terms, Returned.REFUND, paid)
    ends_in = DepositStatus.CREDIT if give.as_ is Returned.CREDIT else DepositStatus.REFUNDED
    return _outcome(booking, Fate.REFUNDED, reason, ends_in=ends_in, back=(give, until))


def _expire_credit(booking: Booking, credit_left: int | None) -> Outcome:
    d = booking.deposit
    left = d.paid - d.kept if credit_left is None else credit_left
    if not 0 <= left <= d.paid:
        raise ValueError(f"a credit of {left} cannot lapse from a deposit of {d.paid}")
    # A credit from a waiver keeps the booking `waived`: only an open credit or a
    # tier's remainder turns the deposit (further) forfeited.
    settles = d.status in (DepositStatus.CREDIT, DepositStatus.FORFEITED)
    ends_in = DepositStatus.FORFEITED if settles else d.status
    return _outcome(booking, Fate.FORFEITED, Reason.CREDIT_EXPIRED, forfeited=left, ends_in=ends_in)


def _no_show(booking: Booking, terms: Terms) -> Outcome:
    paid = booking.deposit.paid
    if paid == 0:
        # A free appointment forfeits nothing, but the fee and the strike still apply.
        ends_in = DepositStatus.NONE
        return _outcome(
            booking, Fate.NONE, Reason.NO_SHOW, fee=terms.no_show_fee, strike=True, ends_in=ends_in
        )
    return _outcome(
        booking, Fate.FORFEITED, Reason.NO_SHOW, forfeited=paid, fee=terms.no_show_fee, strike=True
    )


def _waive(booking: Booking, now: datetime, terms: Terms, waive_as: Returned | None) -> Outcome:
    kept = booking.deposit.kept
    if booking.deposit.status is DepositStatus.NONE or kept == 0:
        return _outcome(booking, Fate.WAIVED, Reason.WAIVER, ends_in=booking.deposit.status)
    as_ = waive_as or terms.waiver_returns_as
    # Only what the freelancer kept comes back; what was already returned stays returned.
    return _outcome(
        booking, Fate.WAIVED, Reason.WAIVER, back=give_back(booking, now, terms, as_, kept)
    )


def _client_change(booking: Booking, action: Action, now: datetime, terms: Terms) -> Outcome:
    early_reason, late_reason = (
        (Reason.EARLY_CANCEL, Reason.LATE_CANCEL)
        if action is Action.CANCEL
        else (Reason.EARLY_RESCHEDULE, Reason.LATE_RESCHEDULE)
    )
    paid = booking.deposit.paid
    # Late means inside the free change window, even in a tier that keeps 0%.
    late = now > free_change_deadline(booking, terms)
    if paid == 0:
        # Nothing to lose, but a late change of a confirmed booking still counts for
        # reliability; dropping an unpaid hold is no worse than letting it expire.
        strike = late and booking.status is BookingStatus.CONFIRMED
        return _outcome(
            booking, Fate.NONE, late_reason if strike else Reason.NOTHING_PAID, strike=strike
        )
    if not late:
        if action is Action.RESCHEDULE:
            return _outcome(booking, Fate.CARRIED, early_reason)
        back = give_back(booking, now, terms, terms.early_cancel, paid)
        return _outcome(booking, _fate_of(back[0]), early_reason, back=back)
    pct = forfeit_percent(terms, booking.start - now)
    kept = share(paid, pct)
    rest = paid - kept
    if rest == 0:
        return _outcome(booking, Fate.FORFEITED, late_reason, forfeited=kept, strike=True)
    back = give_back(booking, now, terms, terms.late_remainder, rest)
    fate = _fate_of(back[0]) if kept == 0 else Fate.FORFEITED
    return _outcome(booking, fate, late_reason, forfeited=kept, strike=True, back=back)
