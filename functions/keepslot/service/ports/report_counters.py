"""What one Change adds to the report's counters: derived from the change alone.

The store writes these increments in the change's own transaction
(adapters/dynamo/report.py), so the counters never drift from what happened. The
month is the appointment's (domain/report.py); an entry about a booking the change
does not carry counts in the month it happened.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from keepslot.domain.booking import Booking
from keepslot.domain.report import Counters, Tally, event_tally, ledger_tally, month_of
from keepslot.service.ports.changes import Change

UNKNOWN_VERSION = "-"  # bookings made before terms carried a version


def increments(change: Change, timezone: str) -> dict[tuple[str, str, str], Tally]:
    """{(month, policy version, booking id): what it adds}; empty when nothing counts.

    Keyed by booking too, so the store can spread one month over several items (two
    bookings of one month written at once do not contend for one counter)."""
    bookings: dict[str, Booking] = {b.id: b for b in change.new_bookings}
    bookings |= {b.id: b for b, _ in change.updated}
    out: dict[tuple[str, str, str], Tally] = {}

    def add(booking_id: str, at: datetime, tally: Tally) -> None:
        if not tally.nonzero():
            return
        b = bookings.get(booking_id)
        month = month_of(b.start if b else at, timezone)
        version = (b.terms.version if b else "") or UNKNOWN_VERSION
        key = (month, version, booking_id)
        out[key] = out.get(key, Tally()) + tally

    for ev in change.events:
        add(ev.booking_id, ev.at, event_tally(ev.kind))
    for entry in change.ledger:
        add(entry.booking_id, entry.at, ledger_tally(entry.kind, entry.amount))
    return out


class ReportCounters(Protocol):
    def counters(self, first_month: str) -> Counters:
        """Every month from `first_month` on, and every policy version: one read."""
        ...
