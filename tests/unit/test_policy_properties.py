"""Properties of decide() over any booking, payment, moment, terms and action.

An outcome never gives back or keeps more than was paid; a client's cancel or
reschedule accounts for every minor unit paid (unless the deposit is carried);
and the share kept never drops as the start approaches.

The strategies build cases the action fits (a status it may leave, a moment it may
happen at), so the examples reach the asserts instead of returning early:
`test_the_cases_reach_the_asserts` counts it, and `hypothesis --hypothesis-show-statistics`
shows each property's events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from keepslot.domain.booking import Booking, BookingStatus
from keepslot.domain.errors import NotAllowedNow
from keepslot.domain.policy import Action, Fate, Outcome, apply_outcome, decide, forfeit_percent
from keepslot.domain.terms import LateTier, Returned, Terms
from tests.unit.factories import START, booking

SETTINGS = settings(max_examples=100, deadline=None)
S = BookingStatus
SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)

# The statuses each action may leave (the state machine in domain/booking.py).
FROM = {
    Action.CANCEL: [S.HELD, S.PENDING_APPROVAL, S.CONFIRMED],
    Action.RESCHEDULE: [S.HELD, S.CONFIRMED],
    Action.MODE_SWITCH: [S.HELD, S.PENDING_APPROVAL, S.CONFIRMED],
    Action.NO_SHOW: [S.CONFIRMED],
    Action.FREELANCER_CANCEL: [S.HELD, S.PENDING_APPROVAL, S.CONFIRMED],
}
ACTIONS = list(FROM)
CLIENT_CHANGES = [Action.CANCEL, Action.RESCHEDULE]


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


@dataclass(frozen=True)
class Case:
    booking: Booking
    action: Action
    at: datetime


@st.composite
def any_booking(draw: st.DrawFn, statuses: list[BookingStatus]) -> Booking:
    deposit = draw(st.integers(0, 100_000))
    paid = draw(st.integers(0, deposit))
    return booking(
        deposit=deposit,
        paid=paid,
        from_credit=draw(st.integers(0, paid)),
        price=deposit + draw(st.integers(0, 100_000)),
        status=draw(st.sampled_from(statuses)),
        terms=draw(any_terms()),
    )


def boundaries(terms: Terms) -> list[timedelta]:
    """Times before the start where an outcome may change: the free window, each tier."""
    return [timedelta(hours=terms.free_change_hours)] + [
        timedelta(hours=t.under_hours) for t in terms.late_tiers
    ]


@st.composite
def before_start(draw: st.DrawFn, terms: Terms) -> datetime:
    """A moment before the start, half the time within a day of a boundary."""
    if draw(st.booleans()):
        edge = draw(st.sampled_from(boundaries(terms)))
        left = edge + timedelta(seconds=draw(st.integers(-86_400, 86_400)))
        return START - max(left, SECOND)
    return START - timedelta(seconds=draw(st.integers(1, 14 * 86_400)))


@st.composite
def moment_for(draw: st.DrawFn, b: Booking, action: Action) -> datetime:
    if action in CLIENT_CHANGES:
        return draw(before_start(b.terms))
    if action is Action.MODE_SWITCH:
        return b.end - timedelta(seconds=draw(st.integers(1, 14 * 86_400)))
    if action is Action.NO_SHOW:
        grace = timedelta(minutes=b.terms.grace_minutes)
        return b.start + grace + timedelta(seconds=draw(st.integers(0, 2 * 86_400)))
    return START + timedelta(seconds=draw(st.integers(-14 * 86_400, 2 * 86_400)))


@st.composite
def case(draw: st.DrawFn, actions: list[Action]) -> Case:
    action = draw(st.sampled_from(actions))
    b = draw(any_booking(FROM[action]))
    return Case(b, action, draw(moment_for(b, action)))


@st.composite
def late_case(draw: st.DrawFn) -> Case:
    """A cancel that forfeits part of the deposit, or a no-show: what a waiver may forgive."""
    b = draw(any_booking([S.CONFIRMED]))
    free = b.terms.free_change_hours * 3600
    left = timedelta(seconds=draw(st.integers(1, free)))
    if draw(st.booleans()) and forfeit_percent(b.terms, left) > 0:
        return Case(b, Action.CANCEL, START - left)
    return Case(b, Action.NO_SHOW, draw(moment_for(b, Action.NO_SHOW)))


def try_decide(c: Case, waive_as: Returned | None = None) -> Outcome | None:
    """The outcome, or None when the action does not fit the booking at that moment."""
    try:
        return decide(c.booking, c.action, c.at, waive_as=waive_as)
    except NotAllowedNow:
        return None


def reached(o: Outcome | None) -> Outcome:
    event("decided" if o is not None else "not allowed")
    assume(o is not None)
    assert o is not None
    return o


def returned(o: Outcome) -> int:
    return o.returned.amount if o.returned else 0


def settled(c: Case, o: Outcome) -> Booking:
    to = {
        Action.CANCEL: BookingStatus.CANCELLED,
        Action.FREELANCER_CANCEL: BookingStatus.CANCELLED,
        Action.RESCHEDULE: BookingStatus.RESCHEDULED,
        Action.NO_SHOW: BookingStatus.NO_SHOW,
    }.get(c.action)
    return apply_outcome(c.booking, o, to)


@SETTINGS
@given(case(ACTIONS))
def test_an_outcome_never_returns_more_than_was_paid(c: Case) -> None:
    o = reached(try_decide(c))
    paid = c.booking.deposit.paid
    assert o.amount == paid
    assert min(o.forfeited, returned(o)) >= 0
    assert o.forfeited + returned(o) <= paid


@SETTINGS
@given(case(CLIENT_CHANGES))
def test_a_client_change_accounts_for_every_unit_paid(c: Case) -> None:
    o = reached(try_decide(c))
    event(f"fate: {o.fate.value}")
    if o.fate is Fate.CARRIED:  # the deposit moves whole to the new booking
        assert o.forfeited == 0 and returned(o) == 0
        return
    assert o.forfeited + returned(o) == c.booking.deposit.paid


@SETTINGS
@given(case(ACTIONS))
def test_a_decided_outcome_can_always_be_applied(c: Case) -> None:
    o = reached(try_decide(c))
    done = settled(c, o)
    assert done.deposit.status is o.deposit_status
    assert 0 <= done.deposit.kept <= done.deposit.paid


@SETTINGS
@given(late_case(), st.sampled_from([None, *Returned]), st.integers(0, 30 * 86_400))
def test_a_waiver_returns_at_most_what_was_kept(
    c: Case, waive_as: Returned | None, later: int
) -> None:
    first = reached(try_decide(c))
    after = settled(c, first)
    waive = Case(after, Action.WAIVE, c.at + timedelta(seconds=later))
    waiver = reached(try_decide(waive, waive_as))
    assert returned(waiver) <= after.deposit.kept
    assert waiver.forfeited == 0 and not waiver.strike
    assert apply_outcome(after, waiver).deposit.kept == after.deposit.kept - returned(waiver)


@st.composite
def two_moments(draw: st.DrawFn) -> tuple[Case, datetime]:
    """A client change at two moments, often on either side of a boundary."""
    c = draw(case(CLIENT_CHANGES))
    edge = draw(st.sampled_from(boundaries(c.booking.terms)))
    gap = timedelta(seconds=draw(st.integers(1, 2 * 86_400)))
    if draw(st.booleans()):  # straddle the boundary
        early = START - edge - gap
        late = START - max(edge - gap, SECOND)
        return Case(c.booking, c.action, early), late
    return c, draw(before_start(c.booking.terms))


@SETTINGS
@given(two_moments())
def test_forfeit_is_monotone_as_the_start_approaches(pair: tuple[Case, datetime]) -> None:
    c, other = pair
    sooner, later = sorted([c.at, other])
    a = reached(try_decide(Case(c.booking, c.action, sooner)))
    z = reached(try_decide(Case(c.booking, c.action, later)))
    event("different outcomes" if (a.forfeited, a.strike) != (z.forfeited, z.strike) else "same")
    assert a.forfeited <= z.forfeited
    assert a.strike <= z.strike
    left_a, left_z = c.booking.start - sooner, c.booking.start - later
    assert forfeit_percent(c.booking.terms, left_a) <= forfeit_percent(c.booking.terms, left_z)


@SETTINGS
@given(any_terms(), st.integers(-3600, 24 * 3600 * 8), st.integers(0, 24 * 3600 * 8))
def test_forfeit_percent_never_drops_as_the_start_approaches(
    terms: Terms, left: int, closer_by: int
) -> None:
    far, near = timedelta(seconds=left + closer_by), timedelta(seconds=left)
    assert 0 <= forfeit_percent(terms, far) <= forfeit_percent(terms, near) <= 100


@SETTINGS
@given(
    st.one_of(late_case(), case([Action.CANCEL, Action.FREELANCER_CANCEL])),
    st.sampled_from([None, *Returned]),
    st.integers(0, 30 * 86_400),
)
def test_the_card_gets_back_at_most_what_it_paid_and_credit_paid_money_returns_as_credit(
    c: Case, waive_as: Returned | None, later: int
) -> None:
    """Across a change and a later waiver: card refunds never exceed what the card paid,
    and whatever else comes back is credit, so every unit given back is accounted for."""
    by_card = c.booking.deposit.paid - c.booking.deposit.from_credit
    first = reached(try_decide(c))
    after = settled(c, first)
    steps = [first]
    waiver = try_decide(Case(after, Action.WAIVE, c.at + timedelta(seconds=later)), waive_as)
    event("waived too" if waiver is not None else "no waiver")
    if waiver is not None:
        steps.append(waiver)
        after = apply_outcome(after, waiver)
    for step in steps:
        back = step.returned
        if back is not None:
            event(f"given back as {back.as_.value}" + (", part credit" if back.credit else ""))
            assert 0 <= back.credit <= back.amount
            assert back.to_card + back.credit == (back.amount if back.as_ is Returned.REFUND else 0)
            assert back.credit == 0 or step.credit_until is not None
    assert after.deposit.refunded == sum(s.returned.to_card for s in steps if s.returned)
    assert after.deposit.refunded <= by_card


def share(strategy: st.SearchStrategy[Case], fits: Callable[[Case], bool], n: int = 300) -> float:
    seen: Counter[bool] = Counter()

    @settings(max_examples=n, deadline=None, database=None)
    @given(strategy)
    def probe(c: Case) -> None:
        seen[fits(c)] += 1

    probe()
    return seen[True] / sum(seen.values())


def test_the_cases_reach_the_asserts() -> None:
    decided = lambda c: try_decide(c) is not None  # noqa: E731
    assert share(case(ACTIONS), decided) >= 0.9
    assert share(case(CLIENT_CHANGES), decided) >= 0.9

    def waivable(c: Case) -> bool:
        o = try_decide(c)
        return o is not None and try_decide(Case(settled(c, o), Action.WAIVE, c.at)) is not None

    assert share(late_case(), waivable) >= 0.9

    def differ(pair: tuple[Case, datetime]) -> bool:
        c, other = pair
        a, z = try_decide(c), try_decide(Case(c.booking, c.action, other))
        return (
            a is not None
            and z is not None
            and (a.forfeited, a.strike)
            != (
                z.forfeited,
                z.strike,
            )
        )

    # Half the pairs straddle a boundary; most of those land on different outcomes.
    seen: Counter[bool] = Counter()

    @settings(max_examples=300, deadline=None, database=None)
    @given(two_moments())
    def probe(pair: tuple[Case, datetime]) -> None:
        seen[differ(pair)] += 1

    probe()
    assert seen[True] / sum(seen.values()) >= 0.25
