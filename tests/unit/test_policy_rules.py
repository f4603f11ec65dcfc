"""The policy, one rule at a time: what decide() does to a deposit, with fixed clocks.

The default booking starts on 2026-12-01 at 09:00 UTC with a 60.00 EUR deposit
paid in full, under the default terms (48 h free window, 100% late, credit for
3 days, 15 minutes of grace).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from keepslot.config.model import Service
from keepslot.domain.booking import Booking, BookingStatus, Client, DepositStatus
from keepslot.domain.credit import apply_credits, expired, usable
from keepslot.domain.errors import DomainError, IllegalTransition, NotAllowedNow
from keepslot.domain.money import Money
from keepslot.domain.policy import (
    Action,
    Fate,
    Give,
    Reason,
    apply_outcome,
    decide,
    free_change_deadline,
)
from keepslot.domain.reliability import (
    Kind,
    Rule,
    client_tier,
    deposit_for,
    strikes,
    waivers_left,
)
from keepslot.domain.terms import Returned
from keepslot.service.jobs_plan import jobs_for
from keepslot.service.ports.changes import JobKind
from tests.unit.factories import DEPOSIT, PRICE, START, booking, config, credit, event, terms

MINUTE = timedelta(minutes=1)
H = timedelta(hours=1)
DAY = timedelta(days=1)
TIERS = [(2, "prepay"), (3, "approval")]


# deposit: a fixed amount or a percentage of the price


def test_deposit_is_fixed_amount_or_percent_of_price() -> None:
    cfg = config(
        services=[
            {
                "id": "fixed",
                "name": "Fixed",
                "minutes": 60,
                "price": "120",
                "deposit": {"amount": "40"},
                "modes": ["video"],
            },
            {
                "id": "share",
                "name": "Share",
                "minutes": 60,
                "price": "99.99",
                "deposit": {"percent": 50},
                "modes": ["video"],
            },
        ]
    )
    fixed, share = cfg.service("fixed"), cfg.service("share")
    assert isinstance(fixed, Service) and isinstance(share, Service)
    assert fixed.deposit_minor("EUR") == 4000
    assert share.deposit_minor("EUR") == 5000  # 4999.5 rounds half up to a minor unit


def test_fixed_deposit_never_exceeds_the_price() -> None:
    cfg = config(
        services=[
            {
                "id": "small",
                "name": "Small",
                "minutes": 30,
                "price": "30",
                "deposit": {"amount": "50"},
                "modes": ["video"],
            }
        ]
    )
    small = cfg.service("small")
    assert small is not None and small.deposit_minor("EUR") == 3000


# free change window: 48 h


def test_cancel_48h_before_is_free() -> None:
    b = booking()
    assert free_change_deadline(b) == START - 48 * H
    outcome = decide(b, Action.CANCEL, START - 48 * H)
    assert outcome.reason is Reason.EARLY_CANCEL
    assert outcome.forfeited == 0
    assert not outcome.strike


def test_cancel_a_second_inside_48h_is_late() -> None:
    outcome = decide(booking(), Action.CANCEL, START - 48 * H + timedelta(seconds=1))
    assert outcome.reason is Reason.LATE_CANCEL
    assert outcome.forfeited == DEPOSIT


def test_free_change_window_is_the_bookings_snapshot_not_todays_config() -> None:
    b = booking(terms=terms(free_change_hours=24, late_tiers=[(24, 100)]))
    # 30 h before: free under the booking's own 24 h window, late under the default 48 h.
    assert decide(b, Action.CANCEL, START - 30 * H).forfeited == 0
    assert decide(b, Action.CANCEL, START - 30 * H, terms()).forfeited == DEPOSIT


# early cancel: the deposit becomes a credit for the same client


def test_early_cancel_turns_deposit_into_credit() -> None:
    b = booking()
    outcome = decide(b, Action.CANCEL, START - 72 * H)
    assert outcome.fate is Fate.CREDIT
    assert outcome.returned == Give(Returned.CREDIT, DEPOSIT)
    assert outcome.credit_until == START + timedelta(days=3)
    assert outcome.deposit_status is DepositStatus.CREDIT
    done = apply_outcome(b, outcome, BookingStatus.CANCELLED)
    assert (done.status, done.deposit.status, done.deposit.kept) == (
        BookingStatus.CANCELLED,
        DepositStatus.CREDIT,
        0,
    )


def test_early_cancel_refunds_when_configured() -> None:
    outcome = decide(
        booking(terms=terms(early_cancel=Returned.REFUND)), Action.CANCEL, START - 72 * H
    )
    assert outcome.fate is Fate.REFUNDED
    assert outcome.returned == Give(Returned.REFUND, DEPOSIT)
    assert outcome.credit_until is None
    assert outcome.deposit_status is DepositStatus.REFUNDED


# credit validity: 3 days after the original start, for making the new booking


def test_credit_kept_when_rebooked_within_3_days_of_original_start() -> None:
    outcome = decide(booking(), Action.CANCEL, START - 72 * H)
    assert outcome.credit_until == START + timedelta(days=3)
    c = credit(DEPOSIT, outcome.credit_until, source="b1")
    # Booked at the very deadline, for an appointment a month later: the credit pays.
    booked_at = START + timedelta(days=3)
    used, remaining = apply_credits([c], DEPOSIT, booked_at)
    assert used == [(c, DEPOSIT)]
    assert remaining == 0
    assert usable(c, booked_at)


def test_credit_forfeited_when_unused_after_3_days() -> None:
    b = booking()
    cancel = decide(b, Action.CANCEL, START - 72 * H)
    cancelled = apply_outcome(b, cancel, BookingStatus.CANCELLED)
    late = START + timedelta(days=3, seconds=1)
    c = credit(DEPOSIT, START + timedelta(days=3), source="b1")
    assert expired(c, late)
    assert apply_credits([c], DEPOSIT, late) == ([], DEPOSIT)
    lapse = decide(cancelled, Action.EXPIRE_CREDIT, late, credit_left=c.amount)
    assert (lapse.fate, lapse.reason, lapse.forfeited) == (
        Fate.FORFEITED,
        Reason.CREDIT_EXPIRED,
        DEPOSIT,
    )
    done = apply_outcome(cancelled, lapse)
    assert (done.deposit.status, done.deposit.kept) == (DepositStatus.FORFEITED, DEPOSIT)


# early reschedule: the deposit moves to the new appointment


def test_early_reschedule_carries_deposit() -> None:
    b = booking()
    outcome = decide(b, Action.RESCHEDULE, START - 49 * H)
    assert (outcome.fate, outcome.reason) == (Fate.CARRIED, Reason.EARLY_RESCHEDULE)
    assert outcome.forfeited == 0 and outcome.returned is None and not outcome.strike
    done = apply_outcome(b, outcome, BookingStatus.RESCHEDULED)
    assert done.deposit.status is DepositStatus.CARRIED


# late cancel / late reschedule: forfeit 100%, tiers allowed, the rest as credit


def test_late_cancel_forfeits_deposit() -> None:
    b = booking()
    outcome = decide(b, Action.CANCEL, START - 2 * H)
    assert (outcome.fate, outcome.reason) == (Fate.FORFEITED, Reason.LATE_CANCEL)
    assert outcome.forfeited == DEPOSIT and outcome.returned is None
    assert outcome.strike
    done = apply_outcome(b, outcome, BookingStatus.CANCELLED)
    assert (done.deposit.status, done.deposit.kept) == (DepositStatus.FORFEITED, DEPOSIT)


def test_tiered_late_cancel_returns_rest_as_credit() -> None:
    b = booking(terms=terms(late_tiers=[(48, 50), (24, 100)]))
    outcome = decide(b, Action.CANCEL, START - 36 * H)
    assert outcome.forfeited == 3000
    assert outcome.returned == Give(Returned.CREDIT, 3000)
    assert outcome.credit_until == START + timedelta(days=3)
    assert outcome.deposit_status is DepositStatus.FORFEITED
    done = apply_outcome(b, outcome, BookingStatus.CANCELLED)
    assert (done.deposit.status, done.deposit.kept) == (DepositStatus.FORFEITED, 3000)
    # Under 24 h the narrower tier keeps it all.
    assert decide(b, Action.CANCEL, START - 12 * H).forfeited == DEPOSIT


def test_tiered_share_is_rounded_half_up_to_a_minor_unit() -> None:
    b = booking(deposit=4999, terms=terms(late_tiers=[(48, 50), (24, 100)]))
    outcome = decide(b, Action.CANCEL, START - 36 * H)
    assert (outcome.forfeited, outcome.returned) == (2500, Give(Returned.CREDIT, 2499))


def test_unused_rest_of_a_tiered_cancel_lapses_on_top_of_what_was_kept() -> None:
    b = booking(terms=terms(late_tiers=[(48, 50), (24, 100)]))
    cancelled = apply_outcome(b, decide(b, Action.CANCEL, START - 36 * H), BookingStatus.CANCELLED)
    lapse = decide(cancelled, Action.EXPIRE_CREDIT, START + timedelta(days=4))
    assert lapse.forfeited == 3000  # the credit it issued, not the whole deposit
    done = apply_outcome(cancelled, lapse)
    assert (done.deposit.status, done.deposit.kept) == (DepositStatus.FORFEITED, DEPOSIT)


def test_tiered_late_remainder_can_be_refunded() -> None:
    b = booking(terms=terms(late_tiers=[(48, 50), (24, 100)], late_remainder=Returned.REFUND))
    outcome = decide(b, Action.CANCEL, START - 36 * H)
    assert outcome.returned == Give(Returned.REFUND, 3000)
    assert outcome.credit_until is None


def test_tier_keeping_nothing_is_still_a_late_change() -> None:
    b = booking(terms=terms(late_tiers=[(48, 0), (24, 100)]))
    outcome = decide(b, Action.CANCEL, START - 36 * H)
    assert (outcome.fate, outcome.reason) == (Fate.CREDIT, Reason.LATE_CANCEL)
    assert outcome.returned == Give(Returned.CREDIT, DEPOSIT)
    assert outcome.strike


def test_forfeit_never_drops_as_the_start_approaches_whatever_the_tier_order() -> None:
    # A mis-ordered config (100% from 48 h, 50% under 24 h) must not get cheaper later.
    b = booking(terms=terms(late_tiers=[(48, 100), (24, 50)]))
    assert decide(b, Action.CANCEL, START - 36 * H).forfeited == DEPOSIT
    assert decide(b, Action.CANCEL, START - 12 * H).forfeited == DEPOSIT


def test_late_reschedule_forfeits_and_needs_new_deposit() -> None:
    b = booking()
    outcome = decide(b, Action.RESCHEDULE, START - 5 * H)
    assert (outcome.fate, outcome.reason) == (Fate.FORFEITED, Reason.LATE_RESCHEDULE)
    assert outcome.forfeited == DEPOSIT
    assert outcome.returned is None  # nothing moves: the new booking pays its own deposit
    assert outcome.strike
    done = apply_outcome(b, outcome, BookingStatus.RESCHEDULED)
    assert done.deposit.status is DepositStatus.FORFEITED


# mode switch: free, never a cancellation


def test_mode_switch_is_free_and_never_a_cancellation() -> None:
    b = booking()
    outcome = decide(b, Action.MODE_SWITCH, START - 30 * MINUTE)
    assert (outcome.fate, outcome.reason) == (Fate.NONE, Reason.MODE_SWITCH_FREE)
    assert outcome.forfeited == 0 and outcome.returned is None and not outcome.strike
    done = apply_outcome(b, outcome)
    assert (done.status, done.deposit.status) == (BookingStatus.CONFIRMED, DepositStatus.PAID)


# no-show: only after grace_minutes; forfeits, plus an optional fee


def test_no_show_refused_before_grace() -> None:
    with pytest.raises(NotAllowedNow):
        decide(booking(), Action.NO_SHOW, START + 15 * MINUTE - timedelta(seconds=1))


def test_no_show_forfeits_after_grace_and_charges_fee() -> None:
    b = booking(terms=terms(no_show_fee=2500))
    outcome = decide(b, Action.NO_SHOW, START + 15 * MINUTE)
    assert (outcome.fate, outcome.reason) == (Fate.FORFEITED, Reason.NO_SHOW)
    assert outcome.forfeited == DEPOSIT and outcome.fee == 2500 and outcome.strike
    done = apply_outcome(b, outcome, BookingStatus.NO_SHOW)
    assert (done.deposit.status, done.deposit.kept) == (DepositStatus.FORFEITED, DEPOSIT)


def test_no_show_of_free_appointment_is_a_strike_with_nothing_forfeited() -> None:
    b = booking(deposit=0, price=0)
    outcome = decide(b, Action.NO_SHOW, START + 20 * MINUTE)
    assert (outcome.fate, outcome.forfeited, outcome.strike) == (Fate.NONE, 0, True)
    assert apply_outcome(b, outcome, BookingStatus.NO_SHOW).deposit.status is DepositStatus.NONE


# emergency waiver: the kept amount comes back; no strike; 1 per client per year


def missed(**terms_kw: Any) -> Booking:
    """A confirmed booking recorded as a no-show, its deposit forfeited."""
    b = booking(terms=terms(**terms_kw))
    return apply_outcome(b, decide(b, Action.NO_SHOW, START + 20 * MINUTE), BookingStatus.NO_SHOW)


def test_waiver_returns_deposit_as_credit() -> None:
    b = missed()
    next_morning = START + 23 * H
    outcome = decide(b, Action.WAIVE, next_morning)
    assert (outcome.fate, outcome.reason, outcome.strike) == (Fate.WAIVED, Reason.WAIVER, False)
    assert outcome.returned == Give(Returned.CREDIT, DEPOSIT)
    # Born after the start, the credit counts its days from the waiver.
    assert outcome.credit_until == next_morning + timedelta(days=3)
    done = apply_outcome(b, outcome)
    assert (done.deposit.status, done.deposit.kept) == (DepositStatus.WAIVED, 0)


def test_waiver_returns_deposit_as_refund() -> None:
    outcome = decide(missed(), Action.WAIVE, START + 23 * H, waive_as=Returned.REFUND)
    assert outcome.returned == Give(Returned.REFUND, DEPOSIT)
    assert outcome.credit_until is None
    by_config = decide(missed(waiver_returns_as=Returned.REFUND), Action.WAIVE, START + 23 * H)
    assert by_config.returned == Give(Returned.REFUND, DEPOSIT)


def test_waiver_of_tiered_cancel_returns_only_what_was_kept() -> None:
    b = booking(terms=terms(late_tiers=[(48, 50), (24, 100)]))
    cancelled = apply_outcome(b, decide(b, Action.CANCEL, START - 36 * H), BookingStatus.CANCELLED)
    outcome = decide(cancelled, Action.WAIVE, START - 30 * H)
    assert outcome.returned == Give(Returned.CREDIT, 3000)


def test_waiver_refused_when_nothing_was_kept() -> None:
    b = booking()
    early = apply_outcome(b, decide(b, Action.CANCEL, START - 72 * H), BookingStatus.CANCELLED)
    with pytest.raises(NotAllowedNow):
        decide(early, Action.WAIVE, START - 70 * H)


def test_waived_event_is_no_strike() -> None:
    now = START + 2 * H
    history = [
        event(Kind.NO_SHOW, START + 20 * MINUTE, "b1"),
        event(Kind.WAIVER, START + H, "b1"),
        event(Kind.LATE_CANCEL, START - 10 * DAY, "b2", waived=True),
    ]
    assert strikes(history, now, 365) == 0
    assert strikes(history[:1], now, 365) == 1


def test_one_waiver_per_client_per_year() -> None:
    now = START
    assert waivers_left([], now, per_year=1) == 1
    used = [event(Kind.WAIVER, now - 200 * DAY, "b0")]
    assert waivers_left(used, now, per_year=1) == 0
    assert waivers_left(used, now + 166 * DAY, per_year=1) == 1  # a year has passed


# reliability: strikes = late cancels + no-shows in the last 365 days


def test_two_strikes_require_full_prepayment() -> None:
    history = [
        event(Kind.LATE_CANCEL, START - 100 * DAY, "b1"),
        event(Kind.NO_SHOW, START - 50 * DAY, "b2"),
    ]
    tier = client_tier(history, START, 365, TIERS)
    assert tier.prepay and not tier.approval and tier.rule is Rule.PREPAY
    price, deposit = Money(PRICE, "EUR"), Money(DEPOSIT, "EUR")
    assert deposit_for(tier, price, deposit) == price
    one = client_tier(history[:1], START, 365, TIERS)
    assert deposit_for(one, price, deposit) == deposit


def test_three_strikes_require_approval() -> None:
    history = [
        event(Kind.LATE_CANCEL, START - 100 * DAY, "b1"),
        event(Kind.NO_SHOW, START - 50 * DAY, "b2"),
        event(Kind.LATE_RESCHEDULE, START - 5 * DAY, "b3"),
    ]
    tier = client_tier(history, START, 365, TIERS)
    assert tier.rule is Rule.APPROVAL and tier.approval
    assert tier.prepay  # "with 2 or more" still holds at 3


def test_strikes_older_than_window_do_not_count() -> None:
    history = [
        event(Kind.LATE_CANCEL, START - 365 * DAY, "b1"),  # exactly a window old: gone
        event(Kind.NO_SHOW, START - 364 * DAY, "b2"),
    ]
    assert strikes(history, START, 365) == 1
    assert client_tier(history, START, 365, TIERS).rule is None


def test_early_cancels_and_completed_appointments_are_no_strikes() -> None:
    history = [
        event(Kind.EARLY_CANCEL, START - 3 * DAY, "b1"),
        event(Kind.COMPLETED, START - 2 * DAY, "b2"),
        event(Kind.RESCHEDULE, START - 1 * DAY, "b3"),
    ]
    assert strikes(history, START, 365) == 0


def test_blocked_client_is_blocked_whatever_the_strikes() -> None:
    tier = client_tier([], START, 365, TIERS, blocked=True)
    assert tier.blocked and tier.rule is Rule.BLOCKED


def test_client_email_is_case_insensitive() -> None:
    assert Client("Ada", " Ada@Example.COM ").key == Client("A. L.", "ada@example.com").key
    b = booking(email="ADA@example.com")
    assert b.client.key == "ada@example.com"


# reminders: 72 h and 24 h; the first lands before the free change deadline


def test_first_reminder_lands_before_free_change_deadline() -> None:
    b = booking()
    reminders = [
        j.due for j in jobs_for(b, config(), START - 10 * DAY) if j.kind is JobKind.REMINDER
    ]
    assert reminders == [START - 72 * H, START - 24 * H]
    assert reminders[0] < free_change_deadline(b)


# holds: a slot awaiting its deposit is held 30 min (card) or 24 h (offline)


def test_hold_defaults_are_30_minutes_by_card_and_24_hours_offline() -> None:
    holds = config().holds
    assert (holds.card_minutes, holds.offline_hours) == (30, 24)
    held = replace(booking(paid=0), status=BookingStatus.HELD, hold_until=START - 9 * DAY)
    expiry = [
        j for j in jobs_for(held, config(), START - 10 * DAY) if j.kind is JobKind.HOLD_EXPIRY
    ]
    assert [j.due for j in expiry] == [START - 9 * DAY]


# freelancer cancels: full refund, never a strike


def test_freelancer_cancel_refunds_in_full_and_is_no_strike() -> None:
    b = booking()
    outcome = decide(b, Action.FREELANCER_CANCEL, START - 2 * H)
    assert (outcome.fate, outcome.reason) == (Fate.REFUNDED, Reason.FREELANCER_CANCEL)
    assert outcome.returned == Give(Returned.REFUND, DEPOSIT)
    assert outcome.forfeited == 0 and not outcome.strike
    done = apply_outcome(b, outcome, BookingStatus.CANCELLED)
    assert done.deposit.status is DepositStatus.REFUNDED


def test_freelancer_cancel_of_credit_paid_deposit_returns_the_credit() -> None:
    b = booking(from_credit=DEPOSIT)
    outcome = decide(b, Action.FREELANCER_CANCEL, START - 2 * H)
    assert outcome.returned == Give(Returned.CREDIT, DEPOSIT)
    assert outcome.deposit_status is DepositStatus.CREDIT  # an open credit, which can lapse


# a late change with nothing paid


def test_late_cancel_with_nothing_paid_is_still_a_strike() -> None:
    outcome = decide(booking(deposit=0, price=0), Action.CANCEL, START - 2 * H)
    assert (outcome.fate, outcome.reason, outcome.strike) == (Fate.NONE, Reason.LATE_CANCEL, True)


def test_dropping_an_unpaid_hold_late_is_no_strike() -> None:
    held = replace(booking(paid=0), status=BookingStatus.HELD)
    outcome = decide(held, Action.CANCEL, START - 2 * H)
    assert (outcome.reason, outcome.strike) == (Reason.NOTHING_PAID, False)
    done = apply_outcome(held, outcome, BookingStatus.CANCELLED)
    assert done.deposit.status is DepositStatus.NONE


# illegal moves raise


@pytest.mark.parametrize(
    ("status", "action", "at"),
    [
        (BookingStatus.CANCELLED, Action.CANCEL, START - 72 * H),
        (BookingStatus.COMPLETED, Action.RESCHEDULE, START - 72 * H),
        (BookingStatus.EXPIRED, Action.MODE_SWITCH, START - 2 * H),
        (BookingStatus.HELD, Action.NO_SHOW, START + H),
        (BookingStatus.CONFIRMED, Action.WAIVE, START + H),
        (BookingStatus.CONFIRMED, Action.CANCEL, START),  # already started: a no-show or not
    ],
)
def test_actions_that_do_not_fit_the_booking_are_refused(
    status: BookingStatus, action: Action, at: datetime
) -> None:
    with pytest.raises(NotAllowedNow):
        decide(replace(booking(), status=status), action, at)


def test_illegal_state_transitions_raise() -> None:
    b = booking()
    outcome = decide(b, Action.CANCEL, START - 72 * H)
    cancelled = apply_outcome(b, outcome, BookingStatus.CANCELLED)
    with pytest.raises(IllegalTransition):
        apply_outcome(cancelled, outcome, BookingStatus.CANCELLED)  # cancelled twice
    with pytest.raises(IllegalTransition):
        cancelled.move_to(BookingStatus.CONFIRMED)
    with pytest.raises(IllegalTransition):
        cancelled.with_deposit(DepositStatus.PAID)  # a credit never becomes paid again
    refunded = apply_outcome(b, decide(b, Action.FREELANCER_CANCEL, START - 72 * H))
    with pytest.raises(IllegalTransition):
        refunded.with_deposit(DepositStatus.FORFEITED)
    assert issubclass(IllegalTransition, DomainError)
