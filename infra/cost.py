"""What keepslot costs a month on AWS, at 100, 1,000 and 10,000 bookings.

    python -m infra.cost > site/cost.md

The per-booking counts are measured, not guessed: tests/infra/test_contract.py
runs one booking's whole life through the real handlers against moto (book,
confirm the deposit, reminders, no-show check, completion), records every AWS
call, prices its DynamoDB capacity with the rules below, and fails when the
numbers here differ from what it saw. What no test can see (visits per
booking, durations, log volume) is an assumption, named and written below.

Prices: AWS list prices for us-east-1 (N. Virginia), pay as you go, in USD, as
published on the services' pricing pages in June 2025 (DynamoDB after its
November 2024 on-demand cut; Lambda bills the INIT phase since August 2025).
Other regions, eu-south-1 (Milan, samconfig.toml's default) among them, list
some of these higher: check the pricing pages before quoting a figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from infra.cost_lambda import (
    COLD_SHARE,
    FULL_CORE_COLD_MS,
    LAMBDA_ARM_GB_SECOND,
    WARM_MS,
    gb_seconds,
    memory_mb,
    memory_section,
)
from infra.table import load_template

PAGE = Path(__file__).resolve().parent.parent / "site" / "cost.md"
PRICES_AS_OF = "June 2025"
PRICES_REGION = "us-east-1"
VOLUMES = (100, 1_000, 10_000)

# ---- list prices (USD) ---------------------------------------------------------------
LAMBDA_REQUEST = 0.20 / 1e6
HTTP_API_REQUEST = 1.00 / 1e6  # first 300 million a month
DYNAMODB_READ_UNIT = 0.125 / 1e6  # on-demand RRU
DYNAMODB_WRITE_UNIT = 0.625 / 1e6  # on-demand WRU
DYNAMODB_GB_MONTH = 0.25
DYNAMODB_PITR_GB_MONTH = 0.20
SES_EMAIL = 0.10 / 1000
CLOUDFRONT_REQUEST = 0.0100 / 10_000  # HTTPS, North America and Europe
CLOUDFRONT_GB_OUT = 0.085  # first 10 TB, North America and Europe
CLOUDFRONT_FUNCTION = 0.10 / 1e6
SCHEDULER_INVOCATION = 1.00 / 1e6
ALARM_MONTH = 0.10  # standard resolution, one metric
LOGS_GB_INGESTED = 0.50
# The optional booking firewall (template.yaml's BookingRateLimit): AWS WAF on CloudFront.
WAF_WEB_ACL_MONTH = 5.00
WAF_RULE_MONTH = 1.00
WAF_REQUEST = 0.60 / 1e6  # every request the distribution serves is inspected
WAF_RULES = 1  # the rate-based rule on POST /api/bookings

# Always-free monthly allowances (the 12-month trials of SES and API Gateway are left out).
FREE = {
    "lambda_requests": 1_000_000,
    "lambda_gb_seconds": 400_000,
    "cloudfront_requests": 10_000_000,
    "cloudfront_gb": 1024,
    "cloudfront_functions": 2_000_000,
    "scheduler": 14_000_000,
    "alarms": 10,
    "logs_gb": 5,
    "dynamodb_gb": 25,
}


# ---- DynamoDB capacity, as AWS bills it --------------------------------------------
def attribute_size(value: dict[str, Any]) -> int:
    """Bytes of one typed attribute value ({"S": ...}, {"N": ...}, {"M": ...}, ...)."""
    ((kind, v),) = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "N":
        digits = str(v).lstrip("-").replace(".", "")
        return len(digits) // 2 + 1 + str(v).startswith("-")
    if kind == "B":
        return len(v)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + attribute_size(x) + 1 for k, x in v.items())
    if kind == "L":
        return 3 + sum(attribute_size(x) + 1 for x in v)
    return 3 + sum(len(str(x)) for x in v)  # SS, NS, BS


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


_INDEX_KEYS = ("GSI1PK", "GSI2PK")
_TRANSACT_KINDS = ("Put", "Update", "Delete", "ConditionCheck")


def _write_units(kind: str, request: dict[str, Any]) -> int:
    """1 KB units of one write, plus one per index it touches (DynamoDB bills those too)."""
    if kind == "ConditionCheck":
        return 1
    if kind == "Put":
        item = request["Item"]
        return math.ceil(max(item_size(item), 1) / 1024) + sum(k in item for k in _INDEX_KEYS)
    touches_index = "GSI" in request.get("UpdateExpression", "")
    return 1 + touches_index  # an update or delete of a small item


def capacity(operation: str, params: dict[str, Any], response: dict[str, Any]) -> tuple[float, int]:
    """(read units, write units) one DynamoDB call consumes."""
    consistent = 1.0 if params.get("ConsistentRead") else 0.5
    if operation == "GetItem":
        size = item_size(response.get("Item", {}))
        return max(1, math.ceil(size / 4096)) * consistent, 0
    if operation in ("Query", "Scan"):
        size = sum(item_size(i) for i in response.get("Items", []))
        return max(1, math.ceil(size / 4096)) * consistent, 0
    if operation in ("PutItem", "UpdateItem", "DeleteItem"):
        return 0.0, _write_units(operation.removesuffix("Item"), params)
    if operation == "TransactWriteItems":
        units = 0
        for entry in params["TransactItems"]:
            ((kind, request),) = entry.items()
            units += 2 * _write_units(kind, request)  # transactions cost double
        return 0.0, units
    raise ValueError(f"no capacity rule for DynamoDB {operation}")


# ---- one booking's life, measured -----------------------------------------------------
@dataclass(frozen=True)
class Lifecycle:
    api_requests: int  # Api invocations the pages make (config, slots, book, manage, admin)
    dispatcher_runs: int  # stream batches with new outbox mail
    emails: int  # SES messages (client and freelancer)
    read_units: float  # DynamoDB RRU, outside the clock's idle ticks
    write_units: int  # DynamoDB WRU, index writes included
    stored_bytes: int  # left for over a year (ledger, personal data), +100 B an item


@dataclass(frozen=True)
class Tick:
    read_units: float  # DynamoDB RRU of a clock tick with nothing due


# Measured by tests/infra/test_contract.py (test_cost_model_matches_the_recorded_lifecycle).
LIFECYCLE = Lifecycle(
    api_requests=6,
    dispatcher_runs=5,
    emails=8,
    read_units=19.0,
    write_units=164,
    stored_bytes=3834,
)
IDLE_TICK = Tick(read_units=1.0)

# ---- assumptions no test can measure ----------------------------------------------------
TICKS_PER_MONTH = 60 * 24 * 30  # rate(1 minute)
VISITS_PER_BOOKING = 4  # one client books, three others only look
SITE_REQUESTS_PER_VISIT = 8  # a page, its CSS and scripts, a second page
SITE_KB_PER_VISIT = 300  # compressed; mkdocs-material's bundle is most of it
LOG_BYTES_PER_INVOCATION = 1000  # START/END/REPORT plus a structured line or two
ACCESS_LOG_BYTES = 300


def alarm_count(template: dict[str, Any]) -> int:
    return sum(r["Type"] == "AWS::CloudWatch::Alarm" for r in template["Resources"].values())


def log_metric_count(template: dict[str, Any]) -> int:
    """The custom metrics counted from log lines (each alarmed), by name."""
    return len(
        {
            t["MetricName"]
            for r in template["Resources"].values()
            if r["Type"] == "AWS::Logs::MetricFilter"
            for t in r["Properties"]["MetricTransformations"]
        }
    )


@dataclass(frozen=True)
class Line:
    service: str
    usage: str
    cost: float
    free: float  # the same usage priced after the always-free allowance


def _billed(quantity: float, allowance: float) -> float:
    return max(0.0, quantity - allowance)


def invocations(bookings: int) -> dict[str, float]:
    lc = LIFECYCLE
    return {
        # The pages' own requests, and one a visit that wakes the API (site/assets/js/warm.js).
        "Api": (lc.api_requests + VISITS_PER_BOOKING) * bookings,
        "Dispatcher": lc.dispatcher_runs * bookings,
        "Clock": TICKS_PER_MONTH,
    }


def month(bookings: int, template: dict[str, Any]) -> list[Line]:
    """Usage and cost of one month at `bookings` bookings."""
    lc = LIFECYCLE
    runs = invocations(bookings)
    gb_s = sum(gb_seconds(f, n, memory_mb(f, template)) for f, n in runs.items())
    requests = sum(runs.values())
    reads = lc.read_units * bookings + IDLE_TICK.read_units * TICKS_PER_MONTH
    writes = lc.write_units * bookings
    stored_gb = lc.stored_bytes * bookings * 12 / 1e9  # a year of bookings kept
    visits = VISITS_PER_BOOKING * bookings
    cf_requests = cloudfront_requests(bookings)
    cf_gb = visits * SITE_KB_PER_VISIT / 1e6
    cf_functions = cf_requests  # the site's directory index and /api's viewer address
    log_gb = (requests * LOG_BYTES_PER_INVOCATION + runs["Api"] * ACCESS_LOG_BYTES) / 1e9
    alarms = alarm_count(template)
    ses = lc.emails * bookings
    return [
        Line(
            "Lambda (arm64)",
            f"{requests:,} invocations, {gb_s:,.0f} GB-s",
            requests * LAMBDA_REQUEST + gb_s * LAMBDA_ARM_GB_SECOND,
            _billed(requests, FREE["lambda_requests"]) * LAMBDA_REQUEST
            + _billed(gb_s, FREE["lambda_gb_seconds"]) * LAMBDA_ARM_GB_SECOND,
        ),
        Line(
            "API Gateway (HTTP API)",
            f"{runs['Api']:,} requests",
            runs["Api"] * HTTP_API_REQUEST,
            runs["Api"] * HTTP_API_REQUEST,
        ),
        Line(
            "DynamoDB requests",
            f"{reads:,.0f} reads, {writes:,} writes (units)",
            reads * DYNAMODB_READ_UNIT + writes * DYNAMODB_WRITE_UNIT,
            reads * DYNAMODB_READ_UNIT + writes * DYNAMODB_WRITE_UNIT,
        ),
        Line(
            "DynamoDB storage and backups",
            f"{stored_gb * 1000:,.1f} MB after a year",
            stored_gb * (DYNAMODB_GB_MONTH + DYNAMODB_PITR_GB_MONTH),
            _billed(stored_gb, FREE["dynamodb_gb"]) * DYNAMODB_GB_MONTH
            + stored_gb * DYNAMODB_PITR_GB_MONTH,
        ),
        Line("SES", f"{ses:,} emails", ses * SES_EMAIL, ses * SES_EMAIL),
        Line(
            "CloudFront",
            f"{cf_requests:,} requests, {cf_gb:,.1f} GB",
            cf_requests * CLOUDFRONT_REQUEST
            + cf_gb * CLOUDFRONT_GB_OUT
            + cf_functions * CLOUDFRONT_FUNCTION,
            _billed(cf_requests, FREE["cloudfront_requests"]) * CLOUDFRONT_REQUEST
            + _billed(cf_gb, FREE["cloudfront_gb"]) * CLOUDFRONT_GB_OUT
            + _billed(cf_functions, FREE["cloudfront_functions"]) * CLOUDFRONT_FUNCTION,
        ),
        Line(
            "EventBridge Scheduler",
            f"{TICKS_PER_MONTH:,} clock ticks",
            TICKS_PER_MONTH * SCHEDULER_INVOCATION,
            _billed(TICKS_PER_MONTH, FREE["scheduler"]) * SCHEDULER_INVOCATION,
        ),
        Line(
            "CloudWatch",
            f"{alarms} alarms, {log_gb * 1000:,.0f} MB of logs",
            alarms * ALARM_MONTH + log_gb * LOGS_GB_INGESTED,
            _billed(alarms, FREE["alarms"]) * ALARM_MONTH
            + _billed(log_gb, FREE["logs_gb"]) * LOGS_GB_INGESTED,
        ),
    ]


def cloudfront_requests(bookings: int) -> float:
    """The site's requests and the API's, all through the distribution."""
    visits = VISITS_PER_BOOKING * bookings
    return visits * SITE_REQUESTS_PER_VISIT + invocations(bookings)["Api"]


def firewall(bookings: int) -> float:
    """A month of the optional booking firewall: the web ACL, its rule, the inspections."""
    inspected = cloudfront_requests(bookings)
    return WAF_WEB_ACL_MONTH + WAF_RULES * WAF_RULE_MONTH + inspected * WAF_REQUEST


def _usd(amount: float) -> str:
    cents = Decimal(str(amount)).quantize(Decimal("0.01"))
    return f"${cents:,}" if cents or not amount else "< $0.01"


def render(template: dict[str, Any]) -> str:
    months = {n: month(n, template) for n in VOLUMES}
    head = " | ".join(f"{n:,} bookings" for n in VOLUMES)
    rule = "|".join(["---"] * (len(VOLUMES) + 1))
    out = [
        "# What keepslot costs on AWS",
        "",
        "A month of keepslot on your own AWS account, by bookings per month. Generated by",
        "`python -m infra.cost` from the calls one booking makes (measured by the test",
        f"suite) and AWS list prices for {PRICES_REGION} as of {PRICES_AS_OF}, in USD; other",
        "regions (eu-south-1, Milan, is the default in `samconfig.toml`) list some of them",
        "higher.",
        "",
        f"| Service | {head} |",
        f"|{rule}|",
    ]
    names = [line.service for line in months[VOLUMES[0]]]
    for i, name in enumerate(names):
        cells = " | ".join(_usd(months[n][i].cost) for n in VOLUMES)
        out.append(f"| {name} | {cells} |")
    totals = " | ".join(f"**{_usd(sum(line.cost for line in months[n]))}**" for n in VOLUMES)
    free = " | ".join(f"**{_usd(sum(line.free for line in months[n]))}**" for n in VOLUMES)
    out += [
        f"| **Total, list price** | {totals} |",
        f"| **Total after AWS's always-free allowances** | {free} |",
        "",
        "## What a month holds",
        "",
        f"| Service | {head} |",
        f"|{rule}|",
    ]
    for i, name in enumerate(names):
        out.append(f"| {name} | " + " | ".join(months[n][i].usage for n in VOLUMES) + " |")
    lc = LIFECYCLE
    out += ["", *memory_section(invocations(1_000), 1_000, template)]
    out += [
        "",
        "## Optional: the booking firewall",
        "",
        "The functions cap bookings per email, per network at once and per network a day.",
        "Behind them, `template.yaml`'s `BookingRateLimit` parameter (off by default) adds an",
        "AWS WAF rate-based rule on `POST /api/bookings`: one IP address sending more than",
        "that many bookings in 5 minutes gets 429 from CloudFront. Its web ACL costs",
        f"{_usd(WAF_WEB_ACL_MONTH)} a month, plus {_usd(WAF_RULE_MONTH)} for the rule and"
        f" {_usd(WAF_REQUEST * 1e6)} per million requests inspected (every request the site"
        " serves), on top of the totals above. CloudFront's web ACLs live in us-east-1, so the",
        "rule needs the stack deployed there.",
        "",
        f"| | {head} |",
        f"|{rule}|",
        "| Booking firewall | " + " | ".join(_usd(firewall(n)) for n in VOLUMES) + " |",
        "",
        "## How it is computed",
        "",
        "One booking's whole life (book, confirm the deposit, two reminders, the no-show",
        "check, completion), run through the real functions in the tests:",
        "",
        f"- {lc.api_requests} API requests from the pages, {lc.dispatcher_runs} dispatcher runs"
        f" (one per write that queues mail), {lc.emails} emails;",
        f"- DynamoDB: {lc.read_units:g} read units and {lc.write_units} write units (a booking"
        " is one transaction with a lock item per 5 minutes it covers; transactions and index"
        f" updates are billed as AWS bills them); {lc.stored_bytes:,} bytes stay stored;",
        f"- the clock runs every minute whatever happens: {TICKS_PER_MONTH:,} ticks a month,"
        f" {IDLE_TICK.read_units:g} read units each when nothing is due.",
        "",
        "SES dominates as bookings grow; below a few hundred bookings a month the"
        f" {alarm_count(template)}",
        "CloudWatch alarms (the first ten are free) are most of the bill.",
        "",
        "Assumptions no test can measure: "
        f"{VISITS_PER_BOOKING} site visits per booking of {SITE_REQUESTS_PER_VISIT} requests"
        f" and {SITE_KB_PER_VISIT} KB each; warm runs of "
        + ", ".join(f"{f} {ms} ms" for f, ms in WARM_MS.items())
        + "; cold starts (billed since August 2025) for "
        + ", ".join(f"{f} {COLD_SHARE[f]:.0%}" for f in COLD_SHARE)
        + " of runs, of "
        + ", ".join(f"{f} {ms} ms" for f, ms in FULL_CORE_COLD_MS.items())
        + " on a full core, longer in proportion below 1,769 MB"
        + f"; about {LOG_BYTES_PER_INVOCATION} bytes of logs per run. Memory sizes and"
        " the number of alarms are read from `template.yaml`.",
        "",
        "Not counted: Stripe's own fees (with `payments: stripe`, two or three webhook calls",
        "per booking add well under a cent per thousand bookings); S3, SQS, SNS, SSM, KMS and",
        f"CloudWatch's {log_metric_count(template) + 1} custom metrics (the alarmed log lines and"
        " the API's bookings), which stay within their free allowances at these volumes;",
        "data transfer between AWS services in one region. The free allowances",
        "applied are the permanent ones (Lambda, CloudFront, Scheduler, CloudWatch, DynamoDB",
        "storage); SES and API Gateway free tiers last only 12 months and are left out.",
        "",
    ]
    return "\n".join(out)


def main() -> None:
    print(render(load_template()), end="")


if __name__ == "__main__":
    main()
