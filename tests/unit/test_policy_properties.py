"""Properties of decide() over any booking, payment, moment, terms and action.

An outcome never gives back or keeps more than was paid; a client's cancel or
reschedule accounts for every minor unit paid (unless the deposit is carried);
and the share kept never drops as the start approaches.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from keepslot.domain.booking import Booking, BookingStatus, DepositStatus
from keepslot.domain.errors import NotAllowedNow
from keepslot.domain.policy import Action, Fate, Outcome, apply_outcome, decide, forfeit_percent
from keepslot.domain.terms import LateTier, Returned, Terms
from tests.unit.factories import START, booking

SETTINGS = settings(max_examples=100, deadline=None)
MINUTES = 60


@st.composite
def any_terms(draw: st.DrawFn) -> Terms:
    free = draw(st.integers(1, 24 * 7))
    tiers = draw(
        st.lists(
            st.builds(LateTier, st.integers(1, free), st.integers(0, 100)), min_size=0, max_size=4
        )
    )
    return Terms(
        free_change_hours=free,
        late_tiers=tuple(tiers),
        early_cancel=draw(st.sampled_from(Returned)),
        late_remainder=draw(st.sampled_from(Returned)),
        credit_rebook_days=draw(st.integers(0, 30)),
        grace_minutes=draw(st.integers(0, 240)),
        no_show_fee=draw(st.integers(0, 10_000)),
        waiver_returns_as=draw(st.sampled_from(Returned)),
    )


@st.composite
def any_booking(draw: st.DrawFn) -> Booking:
    deposit = draw(st.integers(0, 100_000))
    paid = draw(st.integers(0, deposit))
    return booking(
        deposit=deposit,
        paid=paid,
        from_credit=draw(st.integers(0, paid)),
        price=deposit + draw(st.integers(0, 100_000)),
        status=draw(
            st.sampled_from(
                [BookingStatus.CONFIRMED, BookingStatus.HELD, BookingStatus.PENDING_APPROVAL]
            )
        ),
        terms=draw(any_terms()),
    )


# From two weeks before the start to two days after it, to the second.
moments = st.integers(-14 * 24 * 3600, 2 * 24 * 3600).map(lambda s: START + timedelta(seconds=s))
client_changes = st.sampled_from([Action.CANCEL, Action.RESCHEDULE])


def try_decide(
    b: Booking, action: Action, at: datetime, waive_as: Returned | None = None
) -> Outcome | None:
    """The outcome, or None when the action does not fit the booking at that moment."""
    try:
        return decide(b, action, at, waive_as=waive_as)
    except NotAllowedNow:
        return None


def returned(o: Outcome) -> int:
    return o.returned.amount if o.returned else 0


def settled(b: Booking, action: Action, o: Outcome) -> Booking:
    to = {
        Action.CANCEL: BookingStatus.CANCELLED,
        Action.FREELANCER_CANCEL: BookingStatus.CANCELLED,
        Action.RESCHEDULE: BookingStatus.RESCHEDULED,
        Action.NO_SHOW: BookingStatus.NO_SHOW,
    }.get(action)
    return apply_outcome(b, o, to)


@SETTINGS
@given(any_booking(), st.sampled_from(Action), moments)
def test_an_outcome_never_returns_more_than_was_paid(
    b: Booking, action: Action, at: datetime
) -> None:
    o = try_decide(b, action, at)
    if o is None:
        return
    paid = b.deposit.paid
    assert o.amount == paid
    assert min(o.forfeited, returned(o)) >= 0
    assert o.forfeited + returned(o) <= paid
    assert returned(o) <= paid


@SETTINGS
@given(any_booking(), client_changes, moments)
def test_a_client_change_accounts_for_every_unit_paid(
    b: Booking, action: Action, at: datetime
) -> None:
    o = try_decide(b, action, at)
    if o is None or b.deposit.paid == 0 or o.fate is Fate.CARRIED:
        return
    assert o.forfeited + returned(o) == b.deposit.paid


@SETTINGS
@given(any_booking(), st.sampled_from(Action), moments)
def test_a_decided_outcome_can_always_be_applied(b: Booking, action: Action, at: datetime) -> None:
    o = try_decide(b, action, at)
    if o is None or action in (Action.WAIVE, Action.EXPIRE_CREDIT):
        return
    done = settled(b, action, o)
    assert done.deposit.status is o.deposit_status
    assert 0 <= done.deposit.kept <= done.deposit.paid


@SETTINGS
@given(
    any_booking(),
    st.sampled_from([Action.CANCEL, Action.NO_SHOW]),
    moments,
    moments,
    st.sampled_from([None, *Returned]),
)
def test_a_waiver_returns_at_most_what_was_kept(
    b: Booking, first: Action, at: datetime, later: datetime, waive_as: Returned | None
) -> None:
    o = try_decide(b, first, at)
    if o is None:
        return
    after = settled(b, first, o)
    waiver = try_decide(after, Action.WAIVE, later, waive_as=waive_as)
    if waiver is None:
        assert after.deposit.status not in (DepositStatus.FORFEITED, DepositStatus.NONE)
        return
    assert returned(waiver) <= after.deposit.kept
    assert waiver.forfeited == 0 and not waiver.strike
    assert apply_outcome(after, waiver).deposit.kept == after.deposit.kept - returned(waiver)


@SETTINGS
@given(any_booking(), client_changes, moments, moments)
def test_forfeit_is_monotone_as_the_start_approaches(
    b: Booking, action: Action, one: datetime, two: datetime
) -> None:
    sooner, later = sorted([one, two])
    a, z = try_decide(b, action, sooner), try_decide(b, action, later)
    if a is None or z is None:
        return
    assert a.forfeited <= z.forfeited
    assert a.strike <= z.strike
    left_a, left_z = b.start - sooner, b.start - later
    assert forfeit_percent(b.terms, left_a) <= forfeit_percent(b.terms, left_z)


@SETTINGS
@given(any_terms(), st.integers(-3600, 24 * 3600 * 8), st.integers(0, 24 * 3600 * 8))
def test_forfeit_percent_never_drops_as_the_start_approaches(
    terms: Terms, left: int, closer_by: int
) -> None:
    far, near = timedelta(seconds=left + closer_by), timedelta(seconds=left)
    assert 0 <= forfeit_percent(terms, far) <= forfeit_percent(terms, near) <= 100
