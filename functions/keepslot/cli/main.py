"""keepslot: look after your bookings and clients from the terminal.

Against the local stack by default: `make serve` writes where it runs to
.local/stack.json, found from this folder or any above it (or give --endpoint, or
export AWS_ENDPOINT_URL); against AWS with --profile and/or --region.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from keepslot import cli_wiring
from keepslot.cli import calendars, output, report, reports
from keepslot.cli.local_stack import LocalStack, find
from keepslot.cli_wiring import TableTools
from keepslot.config.environment import Env
from keepslot.config.model import ConfigError, KeepslotConfig, load_config
from keepslot.domain.booking import BookingStatus
from keepslot.service.ports import AdminReads, Customers, Profiles, Store

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_ssm import SSMClient


class ClientTable(Store, Profiles, Protocol):
    """The table as the command line uses it: a client's snapshot, and blocking them."""


LOCAL_REGION = "eu-south-1"
LEDGER_COLUMNS = ("at", "booking_id", "kind", "amount", "currency", "ref", "client")


class NoStack(Exception):
    """Neither AWS (--profile/--region), an endpoint, nor a running local stack."""


class Cli:
    """What every subcommand needs: the table, the config, a clock, where to print."""

    def __init__(self, args: argparse.Namespace, out: TextIO, stdin: TextIO | None = None) -> None:
        self.args = args
        self.out = out
        self.stdin = stdin  # None: sys.stdin
        self.env = env = Env.from_environ()
        self.aws = bool(args.profile or args.region)
        self.local = None if self.aws else _local_stack(args)
        self.endpoint: str | None = args.endpoint or (self.local.aws if self.local else None)
        self.table = args.table or (self.local.table if self.local else env.table_name)
        self._config_path = args.config or (self.local.config if self.local else env.config_path)
        self._now: datetime | None = args.now
        self._dynamodb: DynamoDBClient | None = None

    @cached_property
    def config(self) -> KeepslotConfig:
        """Read when a command needs it: a missing stack is the first thing to hear about."""
        return load_config(self._config_path)

    @property
    def now(self) -> datetime:
        """When strikes and tiers are judged: --now, the local stack's dev clock, or now."""
        if self._now is None:
            self._now = self.local.clock() if self.local else datetime.now(UTC)
        return self._now

    def dynamodb(self) -> DynamoDBClient:
        if self._dynamodb is None:
            self._dynamodb = self._aws("dynamodb")
        return self._dynamodb

    def secret(self, name: str) -> str:
        """A SecureString from SSM (the token key, Stripe's secret key)."""
        found = self._aws("ssm").get_parameter(Name=name, WithDecryption=True)
        return str(found["Parameter"].get("Value", ""))

    def ssm(self) -> SSMClient:
        return self._aws("ssm")  # type: ignore[no-any-return]

    def _aws(self, service: str) -> Any:
        import boto3

        a = self.args
        if self.aws:  # AWS: the developer's own credentials
            aws = boto3.Session(profile_name=a.profile, region_name=a.region)
            return aws.client(service)  # type: ignore[call-overload]
        # local: fake keys, so nothing here can reach a real account
        session = boto3.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=LOCAL_REGION
        )
        client = session.client(service, endpoint_url=self.endpoint)  # type: ignore[call-overload]
        if client.meta.endpoint_url.endswith(".amazonaws.com"):  # and no $AWS_ENDPOINT_URL
            raise NoStack(
                "no local stack found: start one with `make serve` (it writes "
                ".local/stack.json), or pass --endpoint URL; for AWS use --profile/--region"
            )
        return client

    @property
    def tools(self) -> TableTools:
        return TableTools(self.dynamodb, self.table)

    @property
    def admin(self) -> AdminReads:
        return self.tools.admin()

    @property
    def store(self) -> ClientTable:
        return self.tools.store(timezone=self.config.business.timezone)

    def emit(self, rows: list[dict[str, Any]], columns: Sequence[str]) -> None:
        if self.args.json:
            output.as_json(rows, self.out)
        else:
            output.table(rows, columns, self.out)


def _local_stack(args: argparse.Namespace) -> LocalStack | None:
    """The stack `make serve` runs, when it is the one the CLI talks to."""
    found = find(Path.cwd())
    return found if found and args.endpoint in (None, found.aws) else None


# ---- subcommands -------------------------------------------------------------


def cmd_bookings(cli: Cli) -> int:
    a = cli.args
    chosen = reports.select_bookings(cli.admin.bookings(), cli.config, a.from_, a.to, a.status)
    cli.emit([reports.booking_row(b, cli.config) for b in chosen], reports.BOOKING_COLUMNS)
    return 0


def cmd_client(cli: Cli) -> int:
    email = cli.args.email.strip().lower()
    snap = cli.store.client_snapshot(email)
    if not snap.profile and not snap.events:
        print(f"keepslot: no client {email}", file=sys.stderr)
        return 1
    mine = [b for b in cli.admin.bookings() if b.client.key == email]
    site = cli.local.site if cli.local else cli.config.business.site_url
    record = reports.client_record(snap, cli.config, cli.now, mine, site)
    if cli.args.json:
        output.as_json(record, cli.out)
        return 0
    output.pairs(record["standing"], cli.out)
    print("\nBookings", file=cli.out)
    output.table(record["bookings"], ("start", "id", "status", "service", "policy"), cli.out)
    print("\nPolicy accepted", file=cli.out)
    for p in record["policies"]:
        where = f"published now: {p['read']}" if p["current"] else "an earlier version"
        print(f"{p['version']}  {where}\n  rules: {p['rules']}", file=cli.out)
    print("\nCredits", file=cli.out)
    output.table(record["credits"], ("amount", "until", "from_booking"), cli.out)
    print("\nHistory", file=cli.out)
    output.table(record["history"], ("at", "event", "booking", "strike"), cli.out)
    return 0


def cmd_clients(cli: Cli) -> int:
    rows = [
        reports.standing(cli.store.client_snapshot(email), cli.config, cli.now)
        for email in cli.admin.client_emails()
    ]
    if cli.args.at_risk:
        rows = [r for r in rows if reports.at_risk(r)]
    cli.emit(rows, reports.CLIENT_COLUMNS)
    return 0


def _set_blocked(cli: Cli, blocked: bool) -> int:
    email = cli.args.email.strip().lower()
    cli.store.set_blocked(email, blocked, [])
    print(f"{email}: {'blocked' if blocked else 'unblocked'}", file=cli.out)
    return 0


def cmd_block(cli: Cli) -> int:
    return _set_blocked(cli, True)


def cmd_unblock(cli: Cli) -> int:
    return _set_blocked(cli, False)


def cmd_export(cli: Cli) -> int:
    rows = [reports.booking_row(b, cli.config) for b in cli.admin.bookings()]
    ledger = cli.admin.ledger()
    if cli.args.out == "-":
        output.as_csv(rows, reports.EXPORT_COLUMNS, cli.out)
        print(file=cli.out)
        output.as_csv(ledger, LEDGER_COLUMNS, cli.out)
        return 0
    folder = Path(cli.args.out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data, columns in (
        ("bookings.csv", rows, reports.EXPORT_COLUMNS),
        ("ledger.csv", ledger, LEDGER_COLUMNS),
    ):
        with (folder / name).open("w", newline="", encoding="utf-8") as f:
            output.as_csv(data, columns, f)
        print(f"wrote {folder / name} ({len(data)} rows)", file=cli.out)
    return 0


def cmd_erase(cli: Cli) -> int:
    from keepslot.domain.errors import DomainError
    from keepslot.service.erase import erase_client

    email = cli.args.email.strip().lower()
    if not cli.args.yes:
        print(f"keepslot: this erases {email} for good; add --yes to go ahead", file=sys.stderr)
        return 2
    env = cli.env
    signer = cli_wiring.token_signer(cli.secret(env.token_key_param))
    payments: Customers | None = None
    if cli.config.payments.mode == "stripe":
        payments = cli_wiring.card_customers(
            cli.secret(env.stripe_secret_param), env.stripe_api_base
        )
    try:
        # "client:" keeps these pseudonyms apart from those of networks (same key).
        done = erase_client(
            cli.tools.erasure(),
            payments,
            lambda e: signer.pseudonym(f"client:{e}"),
            email,
        )
    except DomainError as err:
        print(f"keepslot: {err}; run the same erase again", file=sys.stderr)
        return 1
    if cli.args.json:
        output.as_json(done.counts, cli.out)
    else:
        output.pairs(done.counts, cli.out)
    for customer in done.customers_left:
        print(f"keepslot: delete Stripe customer {customer} in the Dashboard", file=sys.stderr)
    return 0


# ---- parser ------------------------------------------------------------------


def _day(raw: str) -> date:
    return date.fromisoformat(raw)


def _instant(raw: str) -> datetime:
    dt = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time zone, e.g. 2026-12-01T09:00:00Z")
    return dt.astimezone(UTC)


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    where = common.add_argument_group("where the data is")
    where.add_argument(
        "--endpoint",
        metavar="URL",
        help="the local stack's AWS URL; default: $AWS_ENDPOINT_URL, else the one "
        "`make serve` wrote to .local/stack.json",
    )
    where.add_argument("--profile", help="an AWS profile: talk to AWS instead of the local stack")
    where.add_argument("--region", help="the AWS region of the stack (implies AWS)")
    where.add_argument("--table", help="the DynamoDB table (default: $TABLE_NAME or keepslot)")
    where.add_argument("--config", type=Path, help="keepslot.yaml (default: $KEEPSLOT_CONFIG)")
    common.add_argument("--json", action="store_true", help="print JSON instead of a table")
    common.add_argument(
        "--now",
        type=_instant,
        metavar="ISO",
        help="judge strikes and tiers as of this moment (default: the local stack's dev "
        "clock, or now on AWS)",
    )

    p = argparse.ArgumentParser(
        prog="keepslot",
        description="Look after your bookings and clients: list, inspect, block, export, erase.",
        epilog="Every command takes --endpoint/--profile/--region/--table/--config/--json/--now "
        "after its name; `keepslot COMMAND --help` shows them.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, helptext: str, func: Any) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=helptext, description=helptext, parents=[common])
        sp.set_defaults(func=func)
        return sp

    b = add("bookings", "List bookings, by start time (in your time zone).", cmd_bookings)
    b.add_argument("--from", dest="from_", type=_day, metavar="DAY", help="first day, YYYY-MM-DD")
    b.add_argument("--to", type=_day, metavar="DAY", help="last day, YYYY-MM-DD (included)")
    b.add_argument("--status", choices=[s.value for s in BookingStatus], help="only this status")

    c = add("client", "One client: contact, strikes, tier, credits and full history.", cmd_client)
    c.add_argument("email", metavar="EMAIL")

    cs = add("clients", "Every client with counters, strikes and tier.", cmd_clients)
    cs.add_argument("--at-risk", action="store_true", help="only clients with a strike, or blocked")

    for name, helptext, func in (
        ("block", "Block a client from booking online (open bookings stay).", cmd_block),
        ("unblock", "Let a blocked client book online again.", cmd_unblock),
    ):
        add(name, helptext, func).add_argument("email", metavar="EMAIL")

    e = add("export", "Export bookings and the money ledger as CSV.", cmd_export)
    e.add_argument("--csv", action="store_true", help="CSV (the default and only format)")
    e.add_argument(
        "--out",
        default=".",
        metavar="DIR",
        help="folder for bookings.csv and ledger.csv (default: here; '-' prints both)",
    )

    er = add(
        "erase",
        "GDPR erasure: delete a client's personal data, here and their Customer at Stripe. "
        "Bookings stay without name, email, phone, notes or answers; credits and ledger rows "
        "stay under a keyed pseudonym (made with the token key in SSM).",
        cmd_erase,
    )
    er.add_argument("email", metavar="EMAIL")
    er.add_argument("--yes", action="store_true", help="really erase (there is no undo)")
    calendars.add_commands(sub, common)
    report.add_commands(sub, common)
    return p


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, stdin: TextIO | None = None
) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    args = parser().parse_args(argv)
    cli = Cli(args, out or sys.stdout, stdin)
    try:
        return int(args.func(cli))
    except (NoStack, ConfigError) as err:
        print(f"keepslot: {err}", file=sys.stderr)
        return 2
    except (BotoCoreError, ClientError, OSError) as err:
        # One line that says where it failed, not a traceback.
        where = "AWS" if cli.aws else f"the local stack at {cli.endpoint}"
        hint = "" if cli.aws else " (is `make serve` still running?)"
        print(f"keepslot: cannot read {cli.table} from {where}{hint}: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
