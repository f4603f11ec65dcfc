"""Expanding the freelancer's calendar feeds into busy blocks: real exports (Google,
Outlook, Thunderbird, iCloud), DST weeks, moved occurrences, floating times."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from keepslot.adapters.calendars.expand import expand
from keepslot.domain.availability import Schedule, Span, Window, free_slots
from keepslot.domain.busy import AllDay, Expanded, busy_blocks, cells, pieces
from keepslot.service.ports import FeedFailed

CALENDARS = Path(__file__).resolve().parents[1] / "calendars"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def starts(expanded: Expanded) -> list[datetime]:
    return sorted(s.start for s in expanded.timed)


def feed(*lines: str) -> bytes:
    return ("\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR"])).encode()


def test_google_utc_times_keep_their_wall_time_through_the_dst_week() -> None:
    # Google writes UTC and names its zone in X-WR-TIMEZONE: 10:00 in Rome every Tuesday.
    body = feed(
        "X-WR-TIMEZONE:Europe/Rome",
        "BEGIN:VEVENT",
        "UID:w@google.com",
        "DTSTAMP:20261001T000000Z",
        "DTSTART:20261020T080000Z",
        "DTEND:20261020T090000Z",
        "RRULE:FREQ=WEEKLY;COUNT=3",
        "END:VEVENT",
    )
    got = expand(body, "Europe/Rome", utc(2026, 10, 19), utc(2026, 11, 10))
    # The clocks go back on 25 October: the same 10:00 is an hour later in UTC.
    assert starts(got) == [utc(2026, 10, 20, 8), utc(2026, 10, 27, 9), utc(2026, 11, 3, 9)]


def test_a_real_google_weekly_event_keeps_its_wall_time_across_the_change() -> None:
    body = (CALENDARS / "issue_48_daylight_aware_repeats.ics").read_bytes()
    got = expand(body, "Europe/Rome", utc(2020, 10, 19), utc(2020, 11, 3))
    # Mondays 11:30-13:00 in Lisbon: 10:30 UTC in summer time, 11:30 UTC after it.
    assert got.timed == (
        Span(utc(2020, 10, 19, 10, 30), utc(2020, 10, 19, 12)),
        Span(utc(2020, 10, 26, 11, 30), utc(2020, 10, 26, 13)),
        Span(utc(2020, 11, 2, 11, 30), utc(2020, 11, 2, 13)),
    )


def test_a_moved_occurrence_is_busy_where_it_moved_to() -> None:
    body = (CALENDARS / "recurring_events_moved.ics").read_bytes()
    got = expand(body, "Europe/Rome", utc(2019, 3, 6), utc(2019, 3, 11))
    # Daily 02:00-03:00 Berlin, 7 to 10 March; the 8th moved to 01:00, the 9th to 03:00.
    moved = [utc(2019, 3, 8, 0), utc(2019, 3, 9, 2)]
    assert starts(got) == [utc(2019, 3, 7, 1), *moved, utc(2019, 3, 10, 1)]


def test_outlook_windows_zone_names_exdate_and_a_moved_occurrence() -> None:
    body = (CALENDARS / "outlook_windows_zones.ics").read_bytes()
    got = expand(body, "Europe/Rome", utc(2026, 11, 30), utc(2026, 12, 31))
    # "W. Europe Standard Time" is Berlin's time; the 8th is excluded, the 15th moved to
    # the morning; the private event marked free is not there at all.
    assert got.timed == (
        Span(utc(2026, 12, 1, 14), utc(2026, 12, 1, 15, 30)),
        Span(utc(2026, 12, 15, 9), utc(2026, 12, 15, 10, 30)),
        Span(utc(2026, 12, 22, 14), utc(2026, 12, 22, 15, 30)),
        Span(utc(2026, 12, 29, 14), utc(2026, 12, 29, 15, 30)),
    )


def test_an_exchange_export_of_free_all_day_events_blocks_nothing() -> None:
    body = (CALENDARS / "issue_28_rrule_with_UTC_endinginZ.ics").read_bytes()
    got = expand(body, "Europe/London", utc(2020, 4, 1), utc(2020, 10, 1))
    assert got == Expanded()


def test_icloud_all_day_events_are_days_and_a_free_one_is_left_out() -> None:
    body = (CALENDARS / "icloud_all_day.ics").read_bytes()
    got = expand(body, "Europe/Rome", utc(2026, 11, 30), utc(2026, 12, 31))
    assert got.all_day == (AllDay(date(2026, 12, 10), date(2026, 12, 11)),)
    assert got.timed == (Span(utc(2026, 12, 7, 15, 30), utc(2026, 12, 7, 16, 45)),)


@pytest.mark.parametrize(("zone", "hour"), [("Europe/Rome", 9), ("America/New_York", 15)])
def test_floating_times_are_the_freelancers_wall_time(zone: str, hour: int) -> None:
    body = feed(
        "BEGIN:VEVENT",
        "UID:f",
        "DTSTAMP:20261101T000000Z",
        "DTSTART:20261201T100000",
        "DTEND:20261201T110000",
        "END:VEVENT",
    )
    got = expand(body, zone, utc(2026, 11, 30), utc(2026, 12, 3))
    assert starts(got) == [utc(2026, 12, 1, hour)]


def test_floating_times_in_a_feed_that_names_its_zone_are_in_that_zone() -> None:
    body = (CALENDARS / "issue_86_x_wr_timezone_without_time_zone_in_dt.ics").read_bytes()
    got = expand(body, "America/New_York", utc(2021, 9, 15), utc(2021, 9, 18))
    assert got.timed == (Span(utc(2021, 9, 16, 19), utc(2021, 9, 16, 20, 45)),)  # Brussels


def test_cancelled_free_and_keepslots_own_events_are_not_busy() -> None:
    def event(uid: str, *extra: str) -> list[str]:
        return [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20261101T000000Z",
            "DTSTART:20261201T090000Z",
            "DTEND:20261201T100000Z",
            *extra,
            "END:VEVENT",
        ]

    body = feed(
        *event("busy"),
        *event("off", "STATUS:CANCELLED"),
        *event("free", "TRANSP:TRANSPARENT"),
        *event("x1y2@keepslot"),  # keepslot's own feed, subscribed in the same calendar
    )
    got = expand(body, "Europe/Rome", utc(2026, 11, 30), utc(2026, 12, 3))
    assert len(got.timed) == 1


def test_a_file_that_is_not_a_calendar_fails_in_words_without_its_content() -> None:
    with pytest.raises(FeedFailed) as caught:
        expand(b"<html>secret page</html>", "Europe/Rome", utc(2026, 1, 1), utc(2026, 2, 1))
    assert "secret" not in str(caught.value)


# ---- busy blocks (pure) -----------------------------------------------------------

NOW = utc(2026, 11, 30, 8)
UNTIL = NOW + timedelta(days=62)


def test_blocks_are_rounded_outward_to_the_lock_grid_and_merged() -> None:
    timed = (
        Span(utc(2026, 12, 1, 9, 2), utc(2026, 12, 1, 9, 58)),
        Span(utc(2026, 12, 1, 9, 58), utc(2026, 12, 1, 10, 1)),
        Span(utc(2026, 12, 1, 12), utc(2026, 12, 1, 12)),  # no length: blocks nothing
        Span(utc(2026, 11, 29, 9), utc(2026, 11, 29, 10)),  # over before now
    )
    blocks = busy_blocks(
        Expanded(timed), all_day_busy=True, timezone="Europe/Rome", until=UNTIL, now=NOW
    )
    assert blocks == (Span(utc(2026, 12, 1, 9), utc(2026, 12, 1, 10, 5)),)
    assert len(cells(blocks)) == 13


@pytest.mark.parametrize("busy", [True, False])
def test_all_day_events_cover_local_days_only_when_set_busy(busy: bool) -> None:
    days = (AllDay(date(2026, 10, 24), date(2026, 10, 26)),)  # the clocks go back on the 25th
    now = utc(2026, 10, 1)
    blocks = busy_blocks(
        Expanded(all_day=days), all_day_busy=busy, timezone="Europe/Rome", until=UNTIL, now=now
    )
    if not busy:
        assert blocks == ()
        return
    # Midnight to midnight in Rome: 49 hours, as the 25th has 25.
    assert blocks == (Span(utc(2026, 10, 23, 22), utc(2026, 10, 25, 23)),)


def test_long_blocks_are_stored_in_pieces_of_at_most_twelve_hours() -> None:
    block = Span(utc(2026, 12, 4, 23), utc(2026, 12, 6, 1))
    got = sorted(pieces([block]), key=lambda p: p.start)
    assert got[0] == Span(utc(2026, 12, 4, 23), utc(2026, 12, 5))
    assert got[-1] == Span(utc(2026, 12, 6), utc(2026, 12, 6, 1))
    assert all(p.end - p.start <= timedelta(hours=12) for p in got)
    assert sum((p.end - p.start for p in got), timedelta()) == block.end - block.start


def test_a_busy_block_takes_exactly_its_time_and_buffers_keep_appointments_clear() -> None:
    schedule = Schedule("Europe/Rome", {1: (Window(time(9), time(13)),)}, buffer_after=15)
    busy = [Span(utc(2026, 12, 1, 10), utc(2026, 12, 1, 10, 30))]  # 11:00-11:30 in Rome
    free = free_slots(schedule, 60, date(2026, 12, 1), date(2026, 12, 1), [], NOW, busy)
    rome = [s.start.astimezone(ZoneInfo("Europe/Rome")).strftime("%H:%M") for s in free]
    # 10:00, 10:30 and 11:00 would meet it (10:00 by its 15 minutes after); 11:30 starts
    # as it ends.
    assert rome == ["09:00", "09:30", "11:30", "12:00"]
