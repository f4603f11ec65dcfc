"""Free slots, start checks and slot locks, one rule at a time, in Europe/Rome.

2026-06-15 is a Monday in summer time (UTC+2); 2026-03-29 and 2026-10-25 are
the Sundays the clocks change in Rome.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from keepslot.domain.availability import (
    Schedule,
    Span,
    Window,
    check_start,
    free_slots,
    lock_grid,
)
from keepslot.domain.errors import InvalidInput, SlotTaken

ROME = ZoneInfo("Europe/Rome")
MONDAY = date(2026, 6, 15)
TUESDAY = MONDAY + timedelta(days=1)
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
SPRING_FORWARD = date(2026, 3, 29)
FALL_BACK = date(2026, 10, 25)


def hours(text: str) -> tuple[Window, ...]:
    """'09:00-13:00 14:30-18:30' as windows."""
    windows = []
    for part in text.split():
        a, b = part.split("-")
        windows.append(Window(time.fromisoformat(a), time.fromisoformat(b)))
    return tuple(windows)


def schedule(**changes: object) -> Schedule:
    """The sample's weekdays (closed at weekends), no buffers, 30-minute steps."""
    base: dict[str, object] = {
        "timezone": "Europe/Rome",
        "weekly": {
            0: hours("09:00-13:00 14:30-18:30"),
            1: hours("09:00-13:00 14:30-18:30"),
            2: hours("09:00-13:00"),
            3: hours("09:00-13:00 14:30-18:30"),
            4: hours("09:00-13:00 14:30-17:00"),
        },
    }
    return Schedule(**(base | changes))  # type: ignore[arg-type]


def rome(day: date, hhmm: str, fold: int = 0) -> datetime:
    """A Rome wall time as a UTC datetime."""
    local = datetime.combine(day, time.fromisoformat(hhmm), ROME).replace(fold=fold)
    return local.astimezone(UTC)


def local_starts(slots: list[Span]) -> list[str]:
    return [s.start.astimezone(ROME).strftime("%H:%M") for s in slots]


def utc_starts(slots: list[Span]) -> list[str]:
    return [s.start.astimezone(UTC).strftime("%d %H:%M") for s in slots]


def booked(day: date, span: str) -> Span:
    a, b = span.split("-")
    return Span(rome(day, a), rome(day, b))


def reason(
    sched: Schedule,
    start: datetime,
    minutes: int = 60,
    busy: Sequence[Span] = (),
    now: datetime = NOW,
) -> str:
    """The InvalidInput message check_start gives for `start` (fails if it accepts)."""
    with pytest.raises(InvalidInput) as exc:
        check_start(sched, minutes, start, busy, now)
    assert exc.value.field == "start"
    return exc.value.message


# free_slots


def test_weekly_hours_offer_every_step_that_fits_each_window() -> None:
    slots = free_slots(schedule(), 60, MONDAY, MONDAY, [], NOW)
    assert local_starts(slots) == [
        "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00",
        "14:30", "15:00", "15:30", "16:00", "16:30", "17:00", "17:30",
    ]  # fmt: skip


def test_slots_are_utc_and_last_the_service_minutes() -> None:
    first = free_slots(schedule(), 45, MONDAY, MONDAY, [], NOW)[0]
    assert first == Span(
        datetime(2026, 6, 15, 7, 0, tzinfo=UTC), datetime(2026, 6, 15, 7, 45, tzinfo=UTC)
    )
    assert first.start.utcoffset() == timedelta(0)


def test_a_day_without_weekly_hours_is_closed() -> None:
    sunday = MONDAY - timedelta(days=1)
    assert free_slots(schedule(), 30, sunday, sunday, [], NOW) == []


def test_slots_span_several_days_in_order() -> None:
    slots = free_slots(schedule(), 240, MONDAY, TUESDAY + timedelta(days=1), [], NOW)
    assert utc_starts(slots) == ["15 07:00", "15 12:30", "16 07:00", "16 12:30", "17 07:00"]


def test_an_exception_closes_a_day() -> None:
    sched = schedule(exceptions={MONDAY: ()})
    assert free_slots(sched, 30, MONDAY, MONDAY, [], NOW) == []
    assert free_slots(sched, 30, TUESDAY, TUESDAY, [], NOW) != []


def test_an_exception_replaces_the_weekly_hours_with_custom_hours() -> None:
    sched = schedule(exceptions={MONDAY: hours("10:00-12:00")})
    assert local_starts(free_slots(sched, 60, MONDAY, MONDAY, [], NOW)) == [
        "10:00",
        "10:30",
        "11:00",
    ]


def test_an_exception_opens_a_day_that_is_normally_closed() -> None:
    sunday = MONDAY - timedelta(days=1)
    sched = schedule(exceptions={sunday: hours("10:00-11:00")})
    assert local_starts(free_slots(sched, 30, sunday, sunday, [], NOW)) == ["10:00", "10:30"]


def test_buffer_after_keeps_a_gap_after_a_booking() -> None:
    sched = schedule(buffer_after=15, step=15)
    slots = free_slots(sched, 60, MONDAY, MONDAY, [booked(MONDAY, "09:00-10:00")], NOW)
    assert local_starts(slots)[0] == "10:15"


def test_buffer_before_keeps_a_gap_before_a_booking() -> None:
    sched = schedule(buffer_before=15, step=15)
    slots = free_slots(sched, 60, MONDAY, MONDAY, [booked(MONDAY, "11:00-12:00")], NOW)
    morning = [s for s in local_starts(slots) if s < "13:00"]
    assert morning == ["09:00", "09:15", "09:30", "09:45"]


def test_buffers_on_both_sides_add_up_between_two_bookings() -> None:
    # Blocked spans [start - before, end + after) may not overlap: the gap is before + after.
    sched = schedule(buffer_before=10, buffer_after=15, step=5)
    slots = free_slots(sched, 30, MONDAY, MONDAY, [booked(MONDAY, "09:00-10:00")], NOW)
    assert local_starts(slots)[0] == "10:25"


def test_a_booking_without_buffers_can_be_followed_back_to_back() -> None:
    slots = free_slots(schedule(), 60, MONDAY, MONDAY, [booked(MONDAY, "09:00-10:00")], NOW)
    assert local_starts(slots)[:2] == ["10:00", "10:30"]


def test_busy_spans_block_every_start_they_overlap() -> None:
    taken = [booked(MONDAY, "10:00-11:00"), booked(MONDAY, "15:30-18:30")]
    slots = free_slots(schedule(), 60, MONDAY, MONDAY, taken, NOW)
    assert local_starts(slots) == ["09:00", "11:00", "11:30", "12:00", "14:30"]
    # the morning one ends as the other begins: half-open spans do not overlap


def test_a_short_booking_inside_a_long_one_does_not_shorten_it() -> None:
    taken = [booked(MONDAY, "09:00-12:00"), booked(MONDAY, "10:00-10:30")]
    slots = free_slots(schedule(), 60, MONDAY, MONDAY, taken, NOW)
    assert local_starts(slots)[0] == "12:00"


def test_starts_are_aligned_to_the_step_from_the_window_start() -> None:
    sched = schedule(weekly={0: hours("09:10-10:30")}, step=20)
    assert local_starts(free_slots(sched, 20, MONDAY, MONDAY, [], NOW)) == [
        "09:10",
        "09:30",
        "09:50",
        "10:10",
    ]


def test_notice_hides_starts_too_soon_and_keeps_the_first_one_allowed() -> None:
    now = rome(MONDAY, "08:00")
    slots = free_slots(schedule(notice=150), 60, MONDAY, MONDAY, [], now)
    assert local_starts(slots)[0] == "10:30"  # exactly 150 minutes after now


def test_horizon_hides_starts_too_far_ahead_and_keeps_the_last_one_allowed() -> None:
    now = rome(MONDAY - timedelta(days=2), "10:00")
    slots = free_slots(schedule(horizon_days=2), 60, MONDAY, TUESDAY, [], now)
    assert local_starts(slots) == ["09:00", "09:30", "10:00"]  # exactly 2 days after now


def test_a_day_at_its_daily_cap_offers_nothing() -> None:
    sched = schedule(daily_cap=2)
    taken = [booked(MONDAY, "09:00-10:00"), booked(MONDAY, "15:00-16:00")]
    assert free_slots(sched, 60, MONDAY, MONDAY, taken, NOW) == []
    assert free_slots(sched, 60, MONDAY, MONDAY, taken[:1], NOW) != []
    assert free_slots(sched, 60, TUESDAY, TUESDAY, taken, NOW) != []


def test_the_daily_cap_counts_bookings_by_their_local_start_date() -> None:
    # 00:30 in Rome is still the previous day in UTC; it counts for Monday.
    early = booked(MONDAY, "00:30-01:00")
    assert early.start.date() == MONDAY - timedelta(days=1)
    sched = schedule(daily_cap=1)
    assert free_slots(sched, 60, MONDAY, MONDAY, [early], NOW) == []


def test_spring_forward_day_skips_the_missing_hour_in_utc() -> None:
    sched = schedule(weekly={6: hours("01:00-05:00")}, horizon_days=365)
    slots = free_slots(sched, 30, SPRING_FORWARD, SPRING_FORWARD, [], NOW - timedelta(days=90))
    # 01:00 and 01:30 are CET (UTC+1); 02:00-02:59 does not exist; 03:00 on is CEST (UTC+2).
    assert utc_starts(slots) == [
        "29 00:00", "29 00:30", "29 01:00", "29 01:30", "29 02:00", "29 02:30",
    ]  # fmt: skip
    assert local_starts(slots) == ["01:00", "01:30", "03:00", "03:30", "04:00", "04:30"]


def test_spring_forward_skips_a_missing_start_rather_than_shifting_it() -> None:
    # 02:30 does not exist; zoneinfo would read it as 03:30, off the 45-minute grid.
    sched = schedule(weekly={6: hours("01:00-05:00")}, step=45, horizon_days=365)
    slots = free_slots(sched, 30, SPRING_FORWARD, SPRING_FORWARD, [], NOW - timedelta(days=90))
    assert local_starts(slots) == ["01:00", "01:45", "03:15", "04:00"]


def test_a_gap_that_ends_at_midnight_is_skipped_too() -> None:
    # Nuuk springs forward from 23:00 to midnight: 23:00-23:59 never happens on 28 March.
    nuuk = ZoneInfo("America/Nuuk")
    sched = Schedule("America/Nuuk", {5: hours("22:00-23:59")})
    day = date(2026, 3, 28)
    slots = free_slots(sched, 30, day, day, [], datetime(2026, 3, 20, tzinfo=UTC))
    assert [s.start.astimezone(nuuk).strftime("%H:%M") for s in slots] == ["22:00", "22:30"]


def test_fall_back_day_offers_the_repeated_hour_once() -> None:
    sched = schedule(weekly={6: hours("01:00-04:00")})
    slots = free_slots(
        sched, 30, FALL_BACK, FALL_BACK, [], rome(FALL_BACK, "00:00") - timedelta(days=3)
    )
    # 02:00 and 02:30 happen twice; only their first (summer time) occurrence is offered.
    assert utc_starts(slots) == [
        "24 23:00", "24 23:30", "25 00:00", "25 00:30", "25 02:00", "25 02:30",
    ]  # fmt: skip
    assert len({s.start for s in slots}) == len(slots)


def test_fall_back_hides_an_appointment_that_would_run_past_closing_before_the_clocks_turn() -> (
    None
):
    # At 02:30 (summer time) a 60-minute appointment reaches 03:00 before the clocks
    # go back to 02:00, so it does not fit a window that closes at 02:45.
    sched = schedule(weekly={6: hours("00:00-02:45")})
    now = rome(FALL_BACK, "00:00") - timedelta(days=3)
    slots = free_slots(sched, 60, FALL_BACK, FALL_BACK, [], now)
    assert local_starts(slots) == ["00:00", "00:30", "01:00", "01:30"]
    assert "past closing time (02:45)" in reason(sched, rome(FALL_BACK, "02:30"), now=now)


def test_weekday_hours_keep_their_local_time_either_side_of_a_clock_change() -> None:
    friday, monday = SPRING_FORWARD - timedelta(days=2), SPRING_FORWARD + timedelta(days=1)
    slots = free_slots(schedule(), 240, friday, monday, [], NOW - timedelta(days=80))
    assert utc_starts(slots) == ["27 08:00", "30 07:00", "30 12:30"]  # 09:00, 09:00, 14:30


def test_a_zero_or_negative_length_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="positive"):
        free_slots(schedule(), 0, MONDAY, MONDAY, [], NOW)


# check_start


def test_check_start_accepts_an_offered_start() -> None:
    check_start(schedule(), 60, rome(MONDAY, "17:30"), [], NOW)


def test_check_start_accepts_a_start_given_in_another_time_zone() -> None:
    start = rome(MONDAY, "09:00").astimezone(ZoneInfo("America/New_York"))
    check_start(schedule(), 60, start, [], NOW)


def test_check_start_rejects_a_past_start() -> None:
    assert reason(schedule(), NOW - timedelta(hours=1)) == "that time has already passed"


def test_check_start_rejects_a_start_within_the_notice() -> None:
    now = rome(MONDAY, "08:00")
    assert reason(schedule(notice=12 * 60), rome(MONDAY, "10:00"), now=now) == (
        "bookings need at least 12 hours' notice"
    )
    assert "90 minutes' notice" in reason(schedule(notice=90), rome(MONDAY, "09:00"), now=now)


def test_check_start_rejects_a_start_beyond_the_horizon() -> None:
    sched = schedule(horizon_days=7)
    assert reason(sched, rome(MONDAY, "09:00")) == "bookings open at most 7 days ahead"


def test_check_start_rejects_a_closed_day() -> None:
    sched = schedule(exceptions={MONDAY: ()})
    assert reason(sched, rome(MONDAY, "09:00")) == "closed on Monday 2026-06-15"


def test_check_start_rejects_a_start_outside_opening_hours() -> None:
    assert reason(schedule(), rome(MONDAY, "13:30")) == (
        "that time is outside opening hours (09:00-13:00, 14:30-18:30)"
    )


def test_check_start_rejects_a_start_off_the_step_grid() -> None:
    assert reason(schedule(), rome(MONDAY, "09:15")) == (
        "appointments start every 30 minutes from 09:00"
    )
    assert "every 30 minutes" in reason(schedule(), rome(MONDAY, "09:00") + timedelta(seconds=1))


def test_check_start_rejects_an_appointment_that_would_run_past_closing() -> None:
    assert reason(schedule(), rome(MONDAY, "12:30")) == (
        "a 60-minute appointment then would run past closing time (13:00)"
    )


def test_check_start_rejects_the_second_occurrence_of_a_repeated_hour() -> None:
    sched = schedule(weekly={6: hours("01:00-04:00")})
    now = rome(FALL_BACK, "00:00") - timedelta(days=3)
    check_start(sched, 30, rome(FALL_BACK, "02:30", fold=0), [], now)
    assert "repeated" in reason(sched, rome(FALL_BACK, "02:30", fold=1), minutes=30, now=now)


def test_check_start_rejects_a_day_at_its_daily_cap() -> None:
    taken = [booked(MONDAY, "09:00-10:00")]
    message = reason(schedule(daily_cap=1), rome(MONDAY, "15:00"), busy=taken)
    assert message == "Monday 2026-06-15 is fully booked"


def test_check_start_rejects_a_start_without_a_time_zone() -> None:
    naive = rome(MONDAY, "09:00").replace(tzinfo=None)
    assert reason(schedule(), naive) == "the start must include a time zone"


def test_check_start_reports_slot_taken_when_a_busy_span_overlaps() -> None:
    taken = [booked(MONDAY, "09:30-10:30")]
    with pytest.raises(SlotTaken) as exc:
        check_start(schedule(), 60, rome(MONDAY, "10:00"), taken, NOW)
    assert exc.value.field == "start"
    check_start(schedule(), 60, rome(MONDAY, "10:30"), taken, NOW)


def test_check_start_reports_slot_taken_when_only_the_buffers_overlap() -> None:
    taken = [booked(MONDAY, "09:00-10:00")]
    with pytest.raises(SlotTaken):
        check_start(schedule(buffer_after=15), 60, rome(MONDAY, "10:00"), taken, NOW)


# lock_grid


def test_lock_grid_covers_the_booking_and_its_buffers_every_5_minutes() -> None:
    sched = schedule(buffer_before=5, buffer_after=15)
    locks = lock_grid(sched, Span(rome(MONDAY, "10:00"), rome(MONDAY, "10:30")))
    assert locks[0] == rome(MONDAY, "09:55")
    assert locks[-1] == rome(MONDAY, "10:40")  # the cell [10:40, 10:45) ends the buffer
    assert all(b - a == timedelta(minutes=5) for a, b in pairwise(locks))
    assert all(at.tzinfo is UTC for at in locks)


def test_lock_grid_floors_the_start_and_ceils_the_end_of_an_unaligned_span() -> None:
    start = rome(MONDAY, "10:02")
    locks = lock_grid(schedule(), Span(start, start + timedelta(minutes=6)))
    assert locks == [rome(MONDAY, "10:00"), rome(MONDAY, "10:05")]


def test_back_to_back_bookings_without_buffers_share_no_lock() -> None:
    first = set(lock_grid(schedule(), booked(MONDAY, "09:00-10:00")))
    second = set(lock_grid(schedule(), booked(MONDAY, "10:00-11:00")))
    assert first and second and not first & second


def test_bookings_closer_than_the_buffers_share_a_lock() -> None:
    sched = schedule(buffer_after=15)
    first = set(lock_grid(sched, booked(MONDAY, "09:00-10:00")))
    assert first & set(lock_grid(sched, booked(MONDAY, "10:10-11:00")))
    assert not first & set(lock_grid(sched, booked(MONDAY, "10:15-11:00")))
