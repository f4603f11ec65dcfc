"""`keepslot report`: the reliability report, month by month, from the counters."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from keepslot.domain.report import COUNTERS, rates, total

if TYPE_CHECKING:
    from keepslot.cli.main import Cli

COLUMNS = ("month", *COUNTERS, "late_cancel_rate", "no_show_rate")


def cmd_report(cli: Cli) -> int:
    from keepslot.service.report import report

    b = cli.config.business
    reader = cli.tools.report()
    r = report(reader, cli.now, cli.args.months, b.timezone, b.currency)
    rows: list[dict[str, Any]] = [{"month": m} | t.as_dict() | _rates(t) for m, t in r.months]
    rows.append({"month": "total"} | (t := total(t for _, t in r.months)).as_dict() | _rates(t))
    rows += [{"month": f"policy {v}"} | t.as_dict() | _rates(t) for v, t in r.versions]
    cli.emit(rows, COLUMNS)
    return 0


def _rates(t: Any) -> dict[str, str]:
    return {k: "" if v is None else f"{v:.1%}" for k, v in rates(t).items()}


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    r = sub.add_parser(
        "report",
        help="Month by month: bookings, late cancels, no-shows, refills and money kept "
        "(in minor units), then totals per policy version.",
        parents=[common],
    )
    r.add_argument("--months", type=int, default=12, help="how many months back (default 12)")
    r.set_defaults(func=cmd_report)
