"""Who may do what to a booking, and when (domain/actions.py): the buttons of the manage
and admin pages, and the refusals the use cases give for the rest."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from keepslot.domain.actions import (
    Record,
    Who,
    allowed,
    require,
    waiver_block,
)
from keepslot.domain.booking import BookingStatus as S
from keepslot.domain.booking import DepositStatus as D
from keepslot.domain.errors import NotAllowedNow, Superseded
from keepslot.domain.reliability import Kind
from tests.unit.factories import START, booking

H = timedelta(hours=1)
MIN = timedelta(minutes=1)
BEFORE = START - 72 * H
AFTER_GRACE = START + 20 * MIN  # the default grace: 15 minutes
LATE_CANCEL = frozenset({Kind.LATE_CANCEL.value})

CLIENT_TABLE = [
    # status, deposit, confirmed_at, credit, at, record kinds, client buttons
    (S.CONFIRMED, D.PAID, None, 0, BEFORE, frozenset(), ["attend", "cancel", "reschedule", "mode"]),
    (S.CONFIRMED, D.PAID, START - 80 * H, 0, BEFORE, frozenset(), ["cancel", "reschedule", "mode"]),
    (S.HELD, D.PENDING, None, 0, BEFORE, frozenset(), ["cancel", "mode"]),
    (S.HELD, D.PENDING, None, 3000, BEFORE, frozenset(), ["confirm", "cancel", "mode"]),
    (S.HELD, D.NONE, None, 0, BEFORE, frozenset(), ["confirm", "cancel", "mode"]),
    (S.HELD, D.NONE, START - 80 * H, 0, BEFORE, frozenset(), ["cancel", "mode"]),
    (S.PENDING_APPROVAL, D.PENDING, None, 0, BEFORE, frozenset(), ["cancel", "mode"]),
    (S.CONFIRMED, D.PAID, None, 0, START, frozenset(), []),
    (S.CANCELLED, D.FORFEITED, None, 0, BEFORE, LATE_CANCEL, ["waiver"]),
    (S.CANCELLED, D.CREDIT, None, 0, BEFORE, frozenset(), []),
    (S.NO_SHOW, D.FORFEITED, None, 0, AFTER_GRACE, frozenset({"no_show"}), ["waiver"]),
    (S.COMPLETED, D.PAID, None, 0, AFTER_GRACE, frozenset(), []),
]


@pytest.mark.parametrize(
    ("status", "deposit", "confirmed_at", "credit", "at", "kinds", "buttons"), CLIENT_TABLE
)
def test_client_buttons_follow_the_booking_and_the_clock(
    status: S,
    deposit: D,
    confirmed_at: datetime | None,
    credit: int,
    at: datetime,
    kinds: frozenset[str],
    buttons: list[str],
) -> None:
    kept = 6000 if deposit is D.FORFEITED else 0
    b = replace(
        booking(status=status, deposit_status=deposit, kept=kept), confirmed_at=confirmed_at
    )
    record = Record(kinds=kinds, waivers_left=1, credit=credit)
    assert allowed(b, at, Who.CLIENT, record) == buttons


FREELANCER_TABLE = [
    # status, deposit, at, freelancer buttons (a client not blocked, nothing to forgive)
    (S.HELD, D.PENDING, BEFORE, ["confirm-deposit", "cancel", "block-client"]),
    (S.PENDING_APPROVAL, D.PENDING, BEFORE, ["cancel", "approve", "decline", "block-client"]),
    (S.CONFIRMED, D.PAID, BEFORE, ["cancel", "block-client"]),
    (
        S.CONFIRMED,
        D.PAID,
        START + 5 * MIN,
        ["cancel", "arrived", "waiting", "offer", "block-client"],
    ),
    (
        S.CONFIRMED,
        D.PAID,
        AFTER_GRACE,
        ["cancel", "arrived", "waiting", "no-show", "offer", "block-client"],
    ),
    (S.CONFIRMED, D.PAID, START + 2 * H, ["cancel", "arrived", "no-show", "offer", "block-client"]),
    (S.EXPIRED, D.PENDING, BEFORE, ["offer", "block-client"]),
    (S.COMPLETED, D.PAID, START + 2 * H, ["block-client"]),
]


@pytest.mark.parametrize(("status", "deposit", "at", "buttons"), FREELANCER_TABLE)
def test_freelancer_buttons_follow_the_booking_and_the_clock(
    status: S, deposit: D, at: datetime, buttons: list[str]
) -> None:
    b = booking(status=status, deposit_status=deposit)
    assert allowed(b, at, Who.FREELANCER) == buttons


def test_a_blocked_client_is_not_offered_blocking_again() -> None:
    b = booking()
    assert "block-client" not in allowed(b, BEFORE, Who.FREELANCER, Record(blocked=True))


def test_the_freelancer_may_forgive_past_the_yearly_limit_the_client_may_not_ask() -> None:
    b = booking(status=S.CANCELLED, deposit_status=D.FORFEITED, kept=6000)
    record = Record(kinds=LATE_CANCEL, waivers_left=0)
    assert waiver_block(b, BEFORE, record, Who.CLIENT) == "limit"
    assert "waiver" not in allowed(b, BEFORE, Who.CLIENT, record)
    assert "waive" in allowed(b, BEFORE, Who.FREELANCER, record)


def test_an_open_waiver_request_offers_waive_and_decline_once() -> None:
    b = booking(status=S.NO_SHOW, deposit_status=D.FORFEITED, kept=6000)
    asked = Record(kinds=frozenset({"no_show", "waiver_requested"}), waivers_left=1)
    assert allowed(b, AFTER_GRACE, Who.FREELANCER, asked)[-3:] == [
        "waive",
        "decline-waiver",
        "block-client",
    ]
    assert "waiver" not in allowed(b, AFTER_GRACE, Who.CLIENT, asked)  # asked already
    done = Record(kinds=asked.kinds | {"waiver"}, waivers_left=1)
    assert not {"waive", "decline-waiver"} & set(allowed(b, AFTER_GRACE, Who.FREELANCER, done))


def test_refusals_say_why() -> None:
    moved = booking(status=S.RESCHEDULED, deposit_status=D.CARRIED)
    with pytest.raises(Superseded):
        require(moved, BEFORE, Who.CLIENT, "cancel")
    with pytest.raises(NotAllowedNow, match="already started"):
        require(booking(), START, Who.CLIENT, "cancel")
    with pytest.raises(NotAllowedNow, match="only a confirmed booking can be moved"):
        require(booking(status=S.HELD, deposit_status=D.PENDING), BEFORE, Who.CLIENT, "reschedule")
    with pytest.raises(NotAllowedNow, match="15 minutes after the start"):
        require(booking(), START + 5 * MIN, Who.FREELANCER, "no-show")
    with pytest.raises(NotAllowedNow, match="no pending deposit"):
        require(booking(), BEFORE, Who.FREELANCER, "confirm-deposit")
    require(booking(), BEFORE, Who.CLIENT, "reschedule")  # allowed: no error
