"""Who may do what to a booking, and when: the one table every page and use case asks.

`refusal()` says whether an action of the policy fits a booking at a moment (the state
machine and the clock); `decide()` asks it before working out the money. `allowed()`
lists the buttons a page offers, for the client or the freelancer, and `require()`
refuses a button that is not among them, with the reason.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from keepslot.domain.booking import BOOKING_MOVES, Booking, BookingStatus, DepositStatus
from keepslot.domain.errors import DomainError, NotAllowedNow, Superseded
from keepslot.domain.reliability import STRIKE_KINDS, Kind
from keepslot.domain.terms import Terms


class Action(StrEnum):
    """What the policy decides the money of (`decide()`)."""

    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    MODE_SWITCH = "mode_switch"
    NO_SHOW = "no_show"
    WAIVE = "waive"
    FREELANCER_CANCEL = "freelancer_cancel"
    EXPIRE_CREDIT = "expire_credit"
    EXPIRE_HOLD = "expire_hold"


class Who(StrEnum):
    CLIENT = "client"
    FREELANCER = "freelancer"


S = BookingStatus
_ENDS_AS = {
    Action.CANCEL: S.CANCELLED,
    Action.FREELANCER_CANCEL: S.CANCELLED,
    Action.EXPIRE_HOLD: S.EXPIRED,
    Action.RESCHEDULE: S.RESCHEDULED,
    Action.NO_SHOW: S.NO_SHOW,
}
"""The status each action moves a booking to: the state machine says when it may."""

WAIVABLE = frozenset({S.CANCELLED, S.NO_SHOW, S.RESCHEDULED})
"""After these a kept deposit or a strike may be forgiven."""
OFFER_AFTER = frozenset({S.CANCELLED, S.NO_SHOW, S.EXPIRED, S.DECLINED})
"""After these, "offer a new time" invites the client to book again."""

# History kinds of a waiver request (never a strike, never a waiver).
WAIVER_REQUESTED = "waiver_requested"
WAIVER_DECLINED = "waiver_declined"

CLIENT_BUTTONS = ("confirm", "attend", "cancel", "reschedule", "mode", "waiver")
FREELANCER_BUTTONS = (
    "confirm-deposit",
    "cancel",
    "arrived",
    "waiting",
    "no-show",
    "offer",
    "approve",
    "decline",
    "waive",
    "decline-waiver",
    "block-client",
)


def refusal(
    booking: Booking, action: Action, now: datetime, terms: Terms | None = None
) -> NotAllowedNow | None:
    """Why `action` does not fit `booking` at `now` (under `terms`, by default the
    booking's own), or None when it does."""
    status = booking.status
    to = _ENDS_AS.get(action)
    if to is not None and to not in BOOKING_MOVES[status]:
        return NotAllowedNow(
            f"a {status.value} booking cannot become {to.value}",
            reason=f"booking_is.{status.value}",
        )
    if action in (Action.CANCEL, Action.RESCHEDULE) and now >= booking.start:
        return NotAllowedNow("this appointment has already started", reason="started")
    if action is Action.MODE_SWITCH:
        if not booking.is_open:
            return NotAllowedNow(
                f"a {status.value} booking cannot change any more",
                reason=f"booking_is.{status.value}",
            )
        if now >= booking.end:
            return NotAllowedNow("this appointment is over", reason="over")
    elif action is Action.NO_SHOW:
        grace = (terms or booking.terms).grace_minutes
        if now < booking.start + timedelta(minutes=grace):
            return NotAllowedNow(
                f"a no-show can be recorded {grace} minutes after the start",
                reason="no_show_grace",
                params={"minutes": grace},
            )
    elif action is Action.WAIVE:
        if status not in WAIVABLE:
            return NotAllowedNow(
                "only a cancelled, rescheduled or missed appointment can be waived",
                reason="not_waivable",
            )
        # NONE: nothing was kept, but the strike itself can still be forgiven.
        if booking.deposit.status not in (DepositStatus.FORFEITED, DepositStatus.NONE):
            return NotAllowedNow("there is no forfeited deposit to waive", reason="not_waivable")
    return None


@dataclass(frozen=True, slots=True)
class Record:
    """What the client's history adds to a booking's buttons (the use cases read it)."""

    kinds: Set[str] = frozenset()  # the kinds of the client's events on this booking
    waivers_left: int = 0  # emergency waivers the client may still ask for this year
    credit: int = 0  # what the client's credit would pay on Confirm
    blocked: bool = False


def waiver_block(booking: Booking, now: datetime, record: Record, who: Who) -> str | None:
    """Why a waiver cannot be asked for (client) or granted (freelancer) now, or None.

    The yearly limit binds the client's requests; the freelancer may always forgive."""
    if Kind.WAIVER in record.kinds:
        return "waived"
    kept = booking.deposit.status is not DepositStatus.NONE and booking.deposit.kept > 0
    forgivable = kept or bool(record.kinds & STRIKE_KINDS)
    if refusal(booking, Action.WAIVE, now) is not None or not forgivable:
        return "not_eligible"
    if who is Who.CLIENT:
        if WAIVER_DECLINED in record.kinds:
            return "declined"
        if WAIVER_REQUESTED in record.kinds:
            return "requested"
        if record.waivers_left == 0:
            return "limit"
    return None


def allowed(booking: Booking, now: datetime, who: Who, record: Record | None = None) -> list[str]:
    """The buttons a page offers on `booking` at `now`, in the order it shows them."""
    record = record or Record()
    if who is Who.CLIENT:
        return [a for a in CLIENT_BUTTONS if _client_may(booking, now, a, record)]
    return [a for a in FREELANCER_BUTTONS if _freelancer_may(booking, now, a, record)]


def _client_may(b: Booking, now: datetime, button: str, record: Record) -> bool:
    changeable = b.is_open and now < b.start
    if button == "confirm":
        # Confirm proves the address; it is pressed once, and only where it does something:
        # nothing to pay, or a credit that pays.
        unconfirmed = b.confirmed_at is None and b.status is not S.CONFIRMED
        pays = record.credit > 0 or b.deposit.status is DepositStatus.NONE
        return changeable and unconfirmed and pays
    if button == "attend":  # "I'll be there" (POST /api/manage/confirm), said once
        return changeable and b.status is S.CONFIRMED and b.confirmed_at is None
    if button in ("cancel", "mode"):
        return changeable
    if button == "reschedule":  # a held booking is cancelled and booked again instead
        return changeable and b.status is S.CONFIRMED
    # The waiver: once the booking can no longer change.
    return not changeable and waiver_block(b, now, record, Who.CLIENT) is None


def _freelancer_may(b: Booking, now: datetime, button: str, record: Record) -> bool:
    started = b.status is S.CONFIRMED and now >= b.start
    match button:
        case "confirm-deposit":
            return b.status is S.HELD and b.deposit.status is DepositStatus.PENDING
        case "cancel":
            return b.is_open
        case "arrived":
            return started
        case "waiting":
            return started and now < b.end
        case "no-show":
            return started and refusal(b, Action.NO_SHOW, now) is None
        case "offer":
            return started or b.status in OFFER_AFTER
        case "approve" | "decline":
            return b.status is S.PENDING_APPROVAL
        case "waive":
            return waiver_block(b, now, record, Who.FREELANCER) is None
        case "decline-waiver":
            return waiver_block(b, now, record, Who.CLIENT) == "requested"
        case _:  # "block-client"
            return not record.blocked


def require(
    booking: Booking, now: datetime, who: Who, button: str, record: Record | None = None
) -> None:
    """Refuse `button` unless `allowed()` offers it, saying why."""
    if button not in allowed(booking, now, who, record):
        raise why_not(booking, now, who, button)


def why_not(booking: Booking, now: datetime, who: Who, button: str) -> DomainError:
    status = booking.status
    if who is Who.CLIENT and status is S.RESCHEDULED:
        return Superseded("this booking was moved; use the link of the new booking", reason="moved")
    if button == "no-show" and status is S.CONFIRMED:
        refused = refusal(booking, Action.NO_SHOW, now)
        if refused is not None:
            return refused
    if button == "confirm-deposit":
        return NotAllowedNow(
            f"there is no pending deposit on a {status.value} booking",
            reason=f"booking_is.{status.value}",
        )
    if who is Who.CLIENT and booking.is_open and now >= booking.start:
        return NotAllowedNow("this appointment has already started", reason="started")
    if button == "reschedule" and booking.is_open:
        return NotAllowedNow(
            "only a confirmed booking can be moved; cancel and book again",
            reason="confirmed_only",
        )
    if who is Who.FREELANCER and button in ("arrived", "waiting", "no-show", "offer"):
        return NotAllowedNow(
            f"not possible now on a {status.value} booking",
            reason=f"booking_is.{status.value}",
        )
    return NotAllowedNow(f"this booking is {status.value}", reason=f"booking_is.{status.value}")
