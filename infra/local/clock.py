"""The dev clock: real time plus however far the developer has moved it.

It follows real time (so a running `make serve` does not sit in the past) and
only ever moves forward: bookings, holds and jobs already written against a
later time must never see time run backwards.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class ClockWentBack(ValueError):
    """A move that would put the clock earlier than it is now."""


class DevClock:
    def __init__(
        self,
        start: datetime | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        start = start or datetime.now(UTC)
        if start.tzinfo is None:
            raise ValueError("the clock needs an aware start time")
        self._start = start.astimezone(UTC)
        self._monotonic = monotonic
        # A monotonic base: a wall-clock step (NTP) cannot move the dev clock back.
        self._mono0 = monotonic()
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now()

    def set(self, when: datetime) -> datetime:
        """Move to `when` (aware); ClockWentBack if that is earlier than now."""
        if when.tzinfo is None:
            raise ValueError("the time needs a UTC offset, e.g. 2026-12-01T09:00:00Z")
        with self._lock:
            current = self._now()
            if when < current:
                raise ClockWentBack(
                    f"the dev clock never goes back: it is {iso(current)}, {iso(when)} is earlier"
                )
            self._offset += when - current
            return when.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ClockWentBack("the dev clock never goes back: advance by 0 or more")
        with self._lock:
            self._offset += delta
            return self._now()

    def _now(self) -> datetime:
        elapsed = timedelta(seconds=self._monotonic() - self._mono0)
        return self._start + elapsed + self._offset


def iso(moment: datetime) -> str:
    """UTC ISO-8601 with a `Z`, the format the API uses."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
