"""Busy times from the freelancer's calendars, against moto and a loopback feed server:
the sync, slots, bookings refused by their own transaction, failures and recovery."""

from __future__ import annotations

from datetime import timedelta

from keepslot.domain.availability import Span
from tests.integration.calendars import cal_api, clear_of, feeds, rome, slots, sync
from tests.support.api import Api, book, sent_mail
from tests.support.feed_server import FeedServer, calendar_file, vcalendar, vevent

__all__ = ["cal_api", "feeds"]  # fixtures

TUESDAY = "2026-12-01"  # the clock starts on Monday 30 November 2026, 09:00 in Rome
AFTER = timedelta(minutes=15)  # the sample's buffer_after_minutes


def the_done_when_feed() -> bytes:
    return vcalendar(
        vevent("meeting", "20261201T100000", "20261201T120000"),
        vevent(
            "weekly",
            "20261203T150000",
            "20261203T160000",
            "RRULE:FREQ=WEEKLY;COUNT=4",
            "EXDATE;TZID=Europe/Rome:20261210T150000",
        ),
        vevent("free", "20261207T100000", "20261207T110000", "TRANSP:TRANSPARENT"),
        vevent("called-off", "20261207T150000", "20261207T160000", "STATUS:CANCELLED"),
        vevent("away", "20261204", "20261205"),
    )


BUSY = [
    Span(rome(TUESDAY, "10:00"), rome(TUESDAY, "12:00")),
    Span(rome("2026-12-03", "15:00"), rome("2026-12-03", "16:00")),
    Span(rome("2026-12-17", "15:00"), rome("2026-12-17", "16:00")),
    Span(rome("2026-12-24", "15:00"), rome("2026-12-24", "16:00")),
    Span(rome("2026-12-04", "00:00"), rome("2026-12-05", "00:00")),
]
STILL_FREE = (rome("2026-12-10", "15:00"), rome("2026-12-07", "10:00"), rome("2026-12-07", "15:00"))


def test_busy_times_leave_the_slots_and_everything_else_stays(
    cal_api: Api, feeds: FeedServer
) -> None:
    before = slots(cal_api, "2026-12-01", "2026-12-18")
    feeds.serve("/work.ics", the_done_when_feed())
    sync(cal_api)
    after = slots(cal_api, "2026-12-01", "2026-12-18")

    assert after == [s for s in before if clear_of(BUSY, AFTER)(s)]
    assert len(after) < len(before)
    # The EXDATE, the transparent and the cancelled event leave their times bookable.
    assert set(STILL_FREE) <= {s.start for s in after}


MEETING = vcalendar(vevent("meeting", "20261201T100000", "20261201T120000"))


def test_a_booking_at_a_busy_time_is_refused_by_its_own_transaction(
    cal_api: Api, feeds: FeedServer
) -> None:
    feeds.serve("/work.ics", MEETING)
    sync(cal_api)
    r = book(cal_api, start="2026-12-01T10:30:00Z")  # 11:30 in Rome, inside the meeting
    assert r.status == 409
    assert r.body["error"]["code"] == "slot_taken"
    ok = book(cal_api, start="2026-12-01T11:00:00Z", email="b@example.com")  # 12:00 in Rome
    assert ok.status == 201


def test_emptying_the_feed_brings_the_slots_back(cal_api: Api, feeds: FeedServer) -> None:
    before = slots(cal_api, "2026-12-01", "2026-12-18")
    feeds.serve("/work.ics", MEETING)
    sync(cal_api)
    assert slots(cal_api, "2026-12-01", "2026-12-18") != before
    feeds.serve("/work.ics", vcalendar())
    sync(cal_api)
    assert slots(cal_api, "2026-12-01", "2026-12-18") == before
    assert book(cal_api, start="2026-12-01T09:30:00Z").status == 201  # 10:30, free again


def test_all_day_events_follow_each_calendars_setting(cal_api: Api, feeds: FeedServer) -> None:
    before = slots(cal_api, "2026-12-04", "2026-12-04")
    feeds.serve("/home.ics", vcalendar(vevent("holiday", "20261204", "20261205")))
    sync(cal_api)
    assert slots(cal_api, "2026-12-04", "2026-12-04") == before  # home: all_day: free
    feeds.serve("/work.ics", vcalendar(vevent("holiday", "20261204", "20261205")))
    sync(cal_api)
    assert slots(cal_api, "2026-12-04", "2026-12-04") == []  # work: all_day: busy


def test_an_unchanged_feed_is_asked_for_with_its_etag_and_kept(
    cal_api: Api, feeds: FeedServer
) -> None:
    feeds.serve("/work.ics", the_done_when_feed())
    sync(cal_api)
    busy = slots(cal_api, "2026-12-01", "2026-12-01")
    sync(cal_api, after_minutes=5)
    work = [h for p, h in feeds.requests if p == "/work.ics"]
    assert "If-None-Match" not in work[0] and work[-1]["If-None-Match"].startswith('"')
    assert slots(cal_api, "2026-12-01", "2026-12-01") == busy


def test_a_failing_feed_keeps_its_busy_times_alerts_once_and_once_more_on_recovery(
    cal_api: Api, feeds: FeedServer
) -> None:
    feeds.serve("/work.ics", the_done_when_feed())
    sync(cal_api)
    busy = slots(cal_api, "2026-12-01", "2026-12-02")
    feeds.fail("/work.ics", 503)

    def alerts(word: str) -> list[dict[str, str]]:
        return [m for m in sent_mail() if word in m["subject"].lower()]

    for _ in range(6):
        sync(cal_api, after_minutes=5)
        assert slots(cal_api, "2026-12-01", "2026-12-02") == busy
    failing = alerts("non riesco a leggere")
    assert len(failing) == 1
    assert "Work" in failing[0]["subject"] and "503" in failing[0]["text"]
    assert alerts("di nuovo leggibile") == []

    feeds.serve("/work.ics", vcalendar())
    for _ in range(2):
        sync(cal_api, after_minutes=5)
    assert len(alerts("di nuovo leggibile")) == 1
    assert len(alerts("non riesco a leggere")) == 1
    assert slots(cal_api, "2026-12-01", "2026-12-02") != busy  # the empty feed now counts


def test_the_clock_syncs_on_its_own_every_five_minutes(cal_api: Api, feeds: FeedServer) -> None:
    feeds.serve("/work.ics", the_done_when_feed())
    cal_api.clock.at = cal_api.clock.at.replace(minute=1)
    cal_api.tick()
    assert feeds.requests == []  # not a five-minute mark
    cal_api.clock.at = cal_api.clock.at.replace(minute=5)
    cal_api.tick()
    assert {p for p, _ in feeds.requests} == {"/work.ics", "/home.ics", "/shared.ics"}
    assert Span(rome(TUESDAY, "10:00"), rome(TUESDAY, "11:00")).start not in {
        s.start for s in slots(cal_api, TUESDAY, TUESDAY)
    }


def test_real_google_outlook_and_icloud_feeds_over_http(cal_api: Api, feeds: FeedServer) -> None:
    feeds.serve("/shared.ics", calendar_file("issue_48_daylight_aware_repeats.ics"))  # Google
    feeds.serve("/home.ics", calendar_file("outlook_windows_zones.ics"))  # Outlook
    feeds.serve("/work.ics", calendar_file("icloud_all_day.ics"))  # iCloud, all_day: busy
    before = slots(cal_api, "2026-12-01", "2026-12-22")
    sync(cal_api)
    after = slots(cal_api, "2026-12-01", "2026-12-22")
    busy = [
        # Google: Mondays 11:30-13:00 in Lisbon, 12:30-14:00 in Rome.
        *(
            Span(rome(d, "12:30"), rome(d, "14:00"))
            for d in ("2026-12-07", "2026-12-14", "2026-12-21")
        ),
        # Outlook, in "W. Europe Standard Time": Tuesdays 15:00-16:30, the 8th off, the 15th moved.
        *(Span(rome(d, "15:00"), rome(d, "16:30")) for d in ("2026-12-01", "2026-12-22")),
        Span(rome("2026-12-15", "10:00"), rome("2026-12-15", "11:30")),
        # iCloud: the conference day (all day), and a timed appointment.
        Span(rome("2026-12-10", "00:00"), rome("2026-12-11", "00:00")),
        Span(rome("2026-12-07", "16:30"), rome("2026-12-07", "17:45")),
    ]
    assert after == [s for s in before if clear_of(busy, AFTER)(s)]
    starts = {s.start for s in after}
    assert rome("2026-12-08", "15:00") in starts  # the Outlook EXDATE
    assert rome("2026-12-04", "09:00") in starts  # iCloud's all-day event marked free
    assert not any(s.start.date() == rome("2026-12-10", "12:00").date() for s in after)
