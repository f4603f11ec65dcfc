"""An iCalendar feed -> its busy occurrences over a window (icalendar, x-wr-timezone,
recurring-ical-events).

Google's feeds name their zone in X-WR-TIMEZONE and write times in UTC: x-wr-timezone
moves them into that zone first, so a weekly event keeps its wall time across a
clock change. recurring-ical-events then expands RRULE, RDATE, EXDATE and moved
occurrences (RECURRENCE-ID); icalendar resolves Outlook's Windows zone names.

Not busy: cancelled events, events marked free (TRANSP:TRANSPARENT) and keepslot's
own events (its feed's UIDs end in OWN_UID_SUFFIX), so a freelancer who subscribes
to keepslot's feed in the same calendar causes no loop. A time without a zone
(floating) is the freelancer's local time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from keepslot.domain.availability import Span
from keepslot.domain.busy import AllDay, Expanded
from keepslot.service.ports import FeedFailed

OWN_UID_SUFFIX = "@keepslot"  # words/bookings_feed.py writes `<booking id>@keepslot`


def expand(body: bytes, timezone: str, start: datetime, end: datetime) -> Expanded:
    """Every busy occurrence that meets [start, end)."""
    import icalendar
    import recurring_ical_events
    import x_wr_timezone

    try:
        calendar = icalendar.Calendar.from_ical(body)
        calendar = x_wr_timezone.to_standard(calendar)
        query = recurring_ical_events.of(calendar, components=["VEVENT"], skip_bad_series=True)
        occurrences = list(query.between(start, end))
    except (ValueError, KeyError, TypeError, IndexError) as e:
        # The parser's message may quote the feed: say what kind of failure only.
        raise FeedFailed(
            f"the feed is not a calendar keepslot can read ({type(e).__name__})"
        ) from e
    tz = ZoneInfo(timezone)
    timed: list[Span] = []
    all_day: list[AllDay] = []
    for event in occurrences:
        if not _busy(event):
            continue
        first, last = _bounds(event)
        if first is None or last is None:
            continue
        if isinstance(first, datetime):
            timed.append(Span(_utc(first, tz), _utc(_as_datetime(last, tz), tz)))
        else:
            all_day.append(AllDay(first, last if isinstance(last, date) else first))
    return Expanded(tuple(timed), tuple(all_day))


def _busy(event: Any) -> bool:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return False
    if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
        return False
    return not str(event.get("UID", "")).endswith(OWN_UID_SUFFIX)


def _bounds(event: Any) -> tuple[date | None, date | None]:
    start = event.get("DTSTART")
    if start is None:
        return None, None
    first = start.dt
    if event.get("DTEND") is not None:
        return first, event["DTEND"].dt
    if event.get("DURATION") is not None:
        return first, first + event["DURATION"].dt
    # RFC 5545: a date alone lasts the day; a date-time alone is an instant.
    return first, (first + timedelta(days=1)) if not isinstance(first, datetime) else first


def _as_datetime(value: date, tz: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, datetime.min.time(), tz)


def _utc(value: datetime, tz: ZoneInfo) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=tz)  # floating: the freelancer's wall time
    return value.astimezone(UTC)
