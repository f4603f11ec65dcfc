"""The timed jobs a booking schedules for itself (found later through the due index)."""

from __future__ import annotations

from datetime import datetime, timedelta

from keepslot.config.model import KeepslotConfig
from keepslot.domain.booking import Booking, BookingStatus
from keepslot.service.ports.changes import Job, JobKind

COMPLETE_AFTER = timedelta(hours=2)  # past the end, an appointment nobody flagged is completed


def jobs_for(booking: Booking, config: KeepslotConfig, now: datetime) -> list[Job]:
    jobs: list[Job] = []
    if booking.status is not BookingStatus.CONFIRMED and booking.hold_until:
        jobs.append(Job(booking.id, JobKind.HOLD_EXPIRY, booking.hold_until))
    for hours in config.reminders.hours_before:
        due = booking.start - timedelta(hours=hours)
        if due > now:
            jobs.append(Job(booking.id, JobKind.REMINDER, due, {"hours": hours}))
    grace = timedelta(minutes=booking.terms.grace_minutes)
    jobs.append(Job(booking.id, JobKind.NO_SHOW_CHECK, booking.start + grace))
    auto = config.policy.no_show_auto_mark_hours
    if auto:
        # The freelancer chose it: an unanswered check becomes a no-show by itself.
        jobs.append(Job(booking.id, JobKind.NO_SHOW_AUTO, booking.start + timedelta(hours=auto)))
    else:
        jobs.append(Job(booking.id, JobKind.COMPLETE, booking.end + COMPLETE_AFTER))
    return jobs
