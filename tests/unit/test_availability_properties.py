"""Properties of free slots, start checks and locks, over random schedules and zones.

Days are drawn mostly next to 2026's clock changes (Rome, New York, Lord Howe's
half-hour shift, Santiago's and Nuuk's changes at midnight), so the spring gap and the
repeated hour come up often. The oracles here are deliberately naive: linear
scans over busy spans and a walk along every appointment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from keepslot.domain.availability import (
    LOCK_GRID_MINUTES,
    Schedule,
    Slot,
    Span,
    Window,
    check_start,
    free_slots,
    lock_grid,
)
from keepslot.domain.errors import InvalidInput, SlotTaken

SETTINGS = settings(max_examples=60, deadline=None)
CHANGES = {  # 2026's clock changes, by zone
    "Europe/Rome": ("2026-03-29", "2026-10-25"),
    "America/New_York": ("2026-03-08", "2026-11-01"),
    "Australia/Lord_Howe": ("2026-04-05", "2026-10-04"),  # half an hour
    "America/Santiago": ("2026-04-04", "2026-09-06"),  # at midnight
    "America/Nuuk": ("2026-03-28", "2026-10-24"),  # at 23:00 to midnight
    "Asia/Kolkata": (),
    "UTC": (),
}
FIVE = timedelta(minutes=5)


@dataclass(frozen=True)
class Case:
    schedule: Schedule
    minutes: int
    first: date
    last: date
    busy: list[Span]
    now: datetime

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.schedule.timezone)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def slots(self) -> list[Slot]:
        return free_slots(self.schedule, self.minutes, self.first, self.last, self.busy, self.now)


def clock(minute: int) -> time:
    return time(minute // 60, minute % 60)


@st.composite
def windows(draw: st.DrawFn) -> tuple[Window, ...]:
    """Up to two windows on the 5-minute grid; nights and whole days are common."""
    night = (Window(time(0), time(6)),)
    whole = (Window(time(0), time(23, 59)),)
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return night
    if choice == 1:
        return whole
    found = []
    for _ in range(draw(st.integers(0, 2))):
        a = draw(st.integers(0, 286)) * 5
        b = draw(st.integers(a // 5 + 1, 288)) * 5
        found.append(Window(clock(a), clock(b) if b < 1440 else time(23, 59)))
    return tuple(found)


@st.composite
def days(draw: st.DrawFn, zone: str) -> date:
    """Mostly a day around one of the zone's clock changes."""
    anywhere = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 364)))
    if not CHANGES[zone] or draw(st.integers(0, 3)) == 0:
        return anywhere
    change = date.fromisoformat(draw(st.sampled_from(CHANGES[zone])))
    return change + timedelta(days=draw(st.integers(-1, 0)))


@st.composite
def cases(draw: st.DrawFn) -> Case:
    zone = draw(st.sampled_from(sorted(CHANGES)))
    first = draw(days(zone))
    last = first + timedelta(days=draw(st.integers(0, 2)))
    exceptions = {
        first + timedelta(days=draw(st.integers(-1, 3))): draw(windows())
        for _ in range(draw(st.integers(0, 2)))
    }
    schedule = Schedule(
        timezone=zone,
        weekly={d: draw(windows()) for d in range(7)},
        exceptions=exceptions,
        buffer_before=draw(st.sampled_from((0, 0, 5, 15, 30))),
        buffer_after=draw(st.sampled_from((0, 0, 10, 15))),
        step=draw(st.sampled_from((5, 10, 15, 20, 30, 45, 60))),
        notice=draw(st.integers(0, 48 * 60)),
        horizon_days=draw(st.integers(1, 10)),
        daily_cap=draw(st.none() | st.integers(1, 4)),
    )
    origin = datetime.combine(first, time(), UTC)
    now = origin + timedelta(
        minutes=draw(st.integers(-5 * 1440, 1440)), microseconds=draw(st.integers(0, 10**6))
    )
    busy = []
    for _ in range(draw(st.integers(0, 10))):
        start = origin + timedelta(minutes=draw(st.integers(-1440, 4 * 1440)))
        busy.append(Span(start, start + timedelta(minutes=draw(st.integers(1, 180)))))
    minutes = draw(st.integers(1, 36)) * 5
    return Case(schedule, minutes, first, last, busy, now)


def blocked(schedule: Schedule, span: Span) -> tuple[datetime, datetime]:
    before, after = (
        timedelta(minutes=schedule.buffer_before),
        timedelta(minutes=schedule.buffer_after),
    )
    return span.start - before, span.end + after


def meet(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def walls(tz: ZoneInfo, span: Span) -> list[datetime]:
    """Local wall times along the appointment, enough to find its lowest and highest.

    Without a clock change the walls run straight from the first to the last
    instant; across one, every minute (changes fall on whole minutes, and so do
    window ends like 23:59).
    """
    last = span.end - timedelta(microseconds=1)
    points = [span.start, last]
    if span.start.astimezone(tz).utcoffset() != last.astimezone(tz).utcoffset():
        minutes = int((span.end - span.start) / timedelta(minutes=1))
        points += [span.start + timedelta(minutes=k) for k in range(1, minutes)]
    return [p.astimezone(tz).replace(tzinfo=None) for p in points]


def inside(case: Case, day: date, window: Window, span: Span) -> bool:
    lo, hi = datetime.combine(day, window.start), datetime.combine(day, window.end)
    return all(lo <= wall < hi for wall in walls(case.tz, span))


def inside_a_window(case: Case, day: date, span: Span) -> bool:
    return any(inside(case, day, w, span) for w in case.schedule.windows(day))


def local_day(case: Case, at: datetime) -> date:
    return at.astimezone(case.tz).date()


def brute_force(case: Case, day: date) -> set[datetime]:
    """Every start a plain reading of the rules allows on `day`."""
    s, tz = case.schedule, case.tz
    if (
        s.daily_cap is not None
        and sum(local_day(case, b.start) == day for b in case.busy) >= s.daily_cap
    ):
        return set()
    found = set()
    for w in s.windows(day):
        wall, end = datetime.combine(day, w.start), datetime.combine(day, w.end)
        while wall < end:
            start = wall.replace(tzinfo=tz).astimezone(UTC)  # fold=0: the first occurrence
            span = Span(start, start + timedelta(minutes=case.minutes))
            if (
                start.astimezone(tz).replace(tzinfo=None) == wall  # not in the spring gap
                and inside(case, day, w, span)
                and case.now + timedelta(minutes=s.notice) <= start
                and start <= case.now + timedelta(days=s.horizon_days)
                and not any(meet(blocked(s, span), blocked(s, b)) for b in case.busy)
            ):
                found.add(start)
            wall += timedelta(minutes=s.step)
    return found


@SETTINGS
@given(cases())
def test_free_slots_match_a_brute_force_reading_of_the_rules(case: Case) -> None:
    slots = case.slots()
    expected = set().union(*(brute_force(case, d) for d in case.days()))
    assert [s.start for s in slots] == sorted(expected)


@SETTINGS
@given(cases())
def test_no_slot_blocked_span_overlaps_a_busy_blocked_span(case: Case) -> None:
    for slot in case.slots():
        for b in case.busy:
            assert not meet(blocked(case.schedule, slot), blocked(case.schedule, b))


@SETTINGS
@given(cases())
def test_every_slot_lies_inside_opening_hours_in_local_time(case: Case) -> None:
    for slot in case.slots():
        day = local_day(case, slot.start)
        assert case.first <= day <= case.last
        assert inside_a_window(case, day, slot)
        assert slot.end - slot.start == timedelta(minutes=case.minutes)
        assert slot.start.tzinfo is UTC


@SETTINGS
@given(cases())
def test_slots_respect_notice_horizon_and_daily_cap_and_never_repeat(case: Case) -> None:
    s, slots = case.schedule, case.slots()
    starts = [slot.start for slot in slots]
    assert starts == sorted(set(starts))
    for start in starts:
        assert start >= case.now + timedelta(minutes=s.notice)
        assert start <= case.now + timedelta(days=s.horizon_days)
        if s.daily_cap is not None:
            day = local_day(case, start)
            assert sum(local_day(case, b.start) == day for b in case.busy) < s.daily_cap


def probes(case: Case, data: st.DataObject) -> list[datetime]:
    """Starts to try: each step of each window (both folds), and random grid instants."""
    found: list[datetime] = []
    for day in case.days():
        for w in case.schedule.windows(day):
            wall = datetime.combine(day, w.start)
            while wall < datetime.combine(day, w.end):
                for fold in (0, 1):
                    found.append(wall.replace(tzinfo=case.tz, fold=fold).astimezone(UTC))
                wall += timedelta(minutes=case.schedule.step)
    origin = datetime.combine(case.first, time(), UTC) - timedelta(days=1)
    found += data.draw(
        st.lists(st.integers(0, 5 * 288).map(lambda k: origin + k * FIVE), max_size=30)
    )
    return found


@SETTINGS
@given(cases(), st.data())
def test_check_start_accepts_exactly_the_starts_free_slots_offers(
    case: Case, data: st.DataObject
) -> None:
    s, offered = case.schedule, {}
    for start in probes(case, data):
        day = local_day(case, start)
        if day not in offered:
            offered[day] = {
                x.start for x in free_slots(s, case.minutes, day, day, case.busy, case.now)
            }
        try:
            check_start(s, case.minutes, start, case.busy, case.now)
        except SlotTaken as e:
            assert e.field == "start"
            assert start not in offered[day]
            # Taken means on the schedule: with nothing booked it would be offered.
            assert start in {x.start for x in free_slots(s, case.minutes, day, day, [], case.now)}
        except InvalidInput as e:
            assert e.field == "start" and e.message
            assert start not in offered[day]
        else:
            assert start in offered[day]


spans_on_grid = st.builds(
    lambda k, n: Span(
        datetime(2026, 3, 29, tzinfo=UTC) + k * FIVE,
        datetime(2026, 3, 29, tzinfo=UTC) + (k + n) * FIVE,
    ),
    st.integers(-100, 100),
    st.integers(1, 30),
)
spans_anywhere = st.builds(
    lambda us, length: Span(
        datetime(2026, 3, 29, tzinfo=UTC) + timedelta(microseconds=us),
        datetime(2026, 3, 29, tzinfo=UTC) + timedelta(microseconds=us + length),
    ),
    st.integers(-(10**10), 10**10),
    st.integers(1, 3 * 10**9),
)
buffered = st.builds(
    lambda before, after: Schedule("Europe/Rome", {}, buffer_before=before, buffer_after=after),
    st.integers(0, 6).map(lambda k: k * LOCK_GRID_MINUTES),
    st.integers(0, 6).map(lambda k: k * LOCK_GRID_MINUTES),
)


@settings(max_examples=200, deadline=None)
@given(buffered, spans_on_grid, spans_on_grid)
def test_lock_grids_meet_exactly_when_blocked_spans_overlap(
    schedule: Schedule, a: Span, b: Span
) -> None:
    shared = set(lock_grid(schedule, a)) & set(lock_grid(schedule, b))
    assert bool(shared) == meet(blocked(schedule, a), blocked(schedule, b))


@settings(max_examples=200, deadline=None)
@given(buffered, spans_anywhere, spans_anywhere)
def test_lock_grid_covers_any_blocked_span_so_overlaps_always_share_a_lock(
    schedule: Schedule, a: Span, b: Span
) -> None:
    locks = lock_grid(schedule, a)
    lo, hi = blocked(schedule, a)
    assert locks[0] <= lo < locks[0] + FIVE and locks[-1] < hi <= locks[-1] + FIVE
    assert all(y - x == FIVE for x, y in pairwise(locks))
    assert all(at.timestamp() % (LOCK_GRID_MINUTES * 60) == 0 for at in locks)
    if meet(blocked(schedule, a), blocked(schedule, b)):
        assert set(locks) & set(lock_grid(schedule, b))
