"""The reliability report, read back from its counters (what a Change adds to them is
service/ports/report_counters.py, written by the store in the change's transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from keepslot.domain.report import (
    Tally,
    month_of,
    months_back,
)
from keepslot.service.ports.report_counters import ReportCounters


@dataclass(frozen=True)
class Report:
    months: list[tuple[str, Tally]]  # oldest first, every month present (zeros too)
    versions: list[tuple[str, Tally]]
    currency: str


def report(
    reader: ReportCounters, now: datetime, months: int, timezone: str, currency: str
) -> Report:
    """The last `months` months up to this one, in the freelancer's time zone."""
    wanted = months_back(month_of(now, timezone), months)
    found = reader.counters(wanted[0])
    rows = [(m, found.months.get(m, Tally())) for m in wanted]
    return Report(rows, sorted(found.versions.items()), currency)
