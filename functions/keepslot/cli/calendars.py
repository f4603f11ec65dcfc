"""`keepslot calendars` and `keepslot calendar set <id>`: the freelancer's other calendars.

A feed's address is the calendar's secret: `calendar set` reads it from stdin (so it
stays out of the shell's history), stores it as an SSM SecureString and never prints it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from keepslot import cli_wiring
from keepslot.config.environment import Env
from keepslot.service.ports import FeedFailed

if TYPE_CHECKING:
    from keepslot.cli.main import Cli

COLUMNS = ("calendar", "name", "last_success", "busy_ahead", "etag", "last_error")


def cmd_calendars(cli: Cli) -> int:
    states = cli.tools.busy().states()
    tz = ZoneInfo(cli.config.business.timezone)

    def local(at: datetime | None) -> str:
        return at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if at else "never"

    rows = []
    names = {c.id: c.name for c in cli.config.calendars}
    for cid in [*names, *sorted(set(states) - set(names))]:
        state = states.get(cid)
        rows.append(
            {
                "calendar": cid,
                "name": names.get(cid, "(not in this keepslot.yaml)"),
                "last_success": local(state.last_success if state else None),
                "busy_ahead": sum(1 for b in state.blocks if b.end > cli.now) if state else 0,
                "etag": (state.etag if state else None) or "",
                "last_error": (state.last_error if state else None) or "",
            }
        )
    cli.emit(rows, COLUMNS)
    return 0


def cmd_calendar_set(cli: Cli) -> int:
    cid = cli.args.id
    known = [c.id for c in cli.config.calendars]
    if cid not in known:
        listed = ", ".join(known) or "none"
        print(
            f"keepslot: no calendar {cid!r} in keepslot.yaml (calendars: {listed}); add it first",
            file=sys.stderr,
        )
        return 2
    stdin = cli.stdin or sys.stdin
    if stdin.isatty():
        print(f"Paste the secret address of {cid!r}, then Enter:", file=sys.stderr)
    address = stdin.readline().strip()
    try:
        cli_wiring.check_feed_address(address, loopback_http=cli.args.endpoint is not None)
    except FeedFailed as err:
        print(f"keepslot: {err}", file=sys.stderr)
        return 2
    cli.ssm().put_parameter(
        Name=f"{Env.from_environ().calendar_param_prefix}{cid}",
        Value=address,
        Type="SecureString",
        Overwrite=True,
        Description="keepslot: a calendar's secret feed address (keepslot calendar set)",
    )
    print(
        f"calendar {cid}: address stored (not shown); busy times follow within 5 minutes",
        file=cli.out,
    )
    return 0


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    c = sub.add_parser(
        "calendars",
        help="Your other calendars: last success, busy times ahead, ETag, last error.",
        parents=[common],
    )
    c.set_defaults(func=cmd_calendars)
    cal = sub.add_parser("calendar", help="Set a calendar's secret feed address.")
    actions = cal.add_subparsers(dest="action", required=True, metavar="ACTION")
    s = actions.add_parser(
        "set",
        help="Store the calendar's secret address, read from stdin (never printed).",
        description="Reads the address from stdin: `keepslot calendar set work`, paste, Enter.",
        parents=[common],
    )
    s.add_argument("id", metavar="ID", help="the calendar's id in keepslot.yaml")
    s.set_defaults(func=cmd_calendar_set)
