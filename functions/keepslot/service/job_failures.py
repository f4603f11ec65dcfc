"""What the clock does with a job that could not run: try again later, or stop and say so.

A job that moves money must never fail unseen, nor be retried forever against an answer
that cannot change. So each failure is counted on the job and sorted:

- an outage (the provider unreachable, rate-limited or failing) is tried again on the
  next tick, then after a growing pause; a concurrent change, on the next tick;
- a refusal that asking again cannot change (a refund the provider refuses for good, a
  booking that is gone, a move the booking no longer allows) stops at once;
- after MAX_ATTEMPTS, an outage stops too.

A job that stops is FAILED: it leaves the due index for the partition the weekly digest
reads, and an error line (`job_failed`, ids only) raises the alarm. An unexpected error
is counted like an outage and then raised, as a crash: the function's error alarm fires,
and a job that keeps crashing ends FAILED instead of blocking the clock.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import cast

from keepslot.domain.errors import Conflict, DomainError, Unavailable
from keepslot.service.context import Context
from keepslot.service.ports.snapshots import DueItem
from keepslot.service.ports.store import JobAttempts

MAX_ATTEMPTS = 10  # an outage: the next tick, then 2, 4, 8, 16, 32 minutes, hourly (~4 h)
LONGEST_PAUSE = timedelta(hours=1)
log = logging.getLogger("keepslot")


def permanent(err: Exception) -> bool:
    """Whether asking again can only get the same answer."""
    return isinstance(err, DomainError) and not isinstance(err, (Unavailable, Conflict))


def pause(err: Exception, attempts: int) -> timedelta:
    if isinstance(err, Unavailable) and attempts > 1:  # a blip is usually over by the next tick
        return min(timedelta(minutes=2 ** (attempts - 1)), LONGEST_PAUSE)
    return timedelta(0)  # the next tick; a concurrent change (or a crash) reads again then


def job_failed(ctx: Context, item: DueItem, err: Exception, now: datetime) -> bool:
    """Count the failure on the job; returns True when the job is now FAILED."""
    attempts = int(item.item.get("attempts", 0)) + 1
    code = err.code if isinstance(err, DomainError) else type(err).__name__
    failed = permanent(err) or attempts >= MAX_ATTEMPTS
    due = now if failed else now + pause(err, attempts)
    store = cast(JobAttempts, ctx.store)
    store.job_attempt_failed(item.pk, item.sk, attempts, due, failed=failed, error=code)
    kind, booking_id = item.item.get("kind", "?"), item.item.get("booking_id", "?")
    if failed:  # the JobFailed alarm counts these lines (ids only: no personal data)
        log.error("job_failed %s booking=%s error=%s attempts=%d", kind, booking_id, code, attempts)
    else:
        log.warning(
            "job_retry %s booking=%s error=%s attempts=%d", kind, booking_id, code, attempts
        )
    return failed
