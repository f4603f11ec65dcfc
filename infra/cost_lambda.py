"""Lambda's share of the cost page: memory sizes, the CPU they buy, and what they cost.

Lambda gives a function CPU in proportion to its memory (1,769 MB is one vCPU). A cold
start is mostly CPU (imports, the config), so below one vCPU it lasts longer in
proportion, and its GB-seconds stay about the same whatever the size: a bigger size
shortens the client's wait at little cost. Warm runs mostly wait on DynamoDB and SES,
so their GB-seconds grow with the size. `make bench` measures the cold starts
(bench/coldstart.py, on a full core and at each function's CPU share).
"""

from __future__ import annotations

from typing import Any

ONE_VCPU_MB = 1769
LAMBDA_ARM_GB_SECOND = 0.0000133334
# SnapStart for Python (us-east-1, as listed at its launch): the snapshot is billed for
# every second it stays cached, and each restore by the GB.
SNAPSTART_CACHE_GB_SECOND = 0.0000015046
SNAPSTART_RESTORE_GB = 0.0001397998
SECONDS_PER_MONTH = 30 * 24 * 3600
SMALLEST_MB = 256  # the template's default size, the comparison on the page

# Assumptions no test can measure, per invocation.
WARM_MS = {"Api": 60, "Dispatcher": 150, "Clock": 40}
COLD_SHARE = {"Api": 1 / 3, "Dispatcher": 1.0, "Clock": 1 / 60}  # invocations starting cold
# Import plus the first event on one full core, from `make bench` (rounded up): INIT is
# billed since August 2025.
FULL_CORE_COLD_MS = {"Api": 450, "Dispatcher": 500, "Clock": 480}


def memory_mb(function: str, template: dict[str, Any]) -> int:
    props = template["Resources"][function]["Properties"]
    return int(props.get("MemorySize", template["Globals"]["Function"]["MemorySize"]))


def memory_gb(function: str, template: dict[str, Any]) -> float:
    return memory_mb(function, template) / 1024


def cold_ms(function: str, mb: int) -> float:
    """A cold start at the CPU share of `mb` (the bound to plan against)."""
    return FULL_CORE_COLD_MS[function] * max(1.0, ONE_VCPU_MB / mb)


def gb_seconds(function: str, invocations: float, mb: int) -> float:
    per_run_ms = WARM_MS[function] + COLD_SHARE[function] * cold_ms(function, mb)
    return invocations * mb / 1024 * per_run_ms / 1000


def memory_section(
    invocations: dict[str, float], bookings: int, template: dict[str, Any]
) -> list[str]:
    """The page's table: each size, the wait it gives, and its price against 256 MB."""
    out = [
        "## Memory sizes",
        "",
        "Lambda gives a function CPU in proportion to its memory (1,769 MB is one vCPU),",
        "and at this traffic almost every visit to the booking page starts the API cold. The",
        "sizes in `template.yaml` are chosen for the wait a client sees; a cold start is",
        "mostly CPU, so a bigger size makes it shorter for about the same GB-seconds.",
        f"At {bookings:,} bookings a month, before the free allowance (400,000 GB-s a month,",
        "which covers all of it):",
        "",
        "| Function | Memory | CPU | Cold start | Lambda a month | At 256 MB |",
        "|---|---|---|---|---|---|",
    ]
    for f, n in invocations.items():
        mb = memory_mb(f, template)
        chosen = gb_seconds(f, n, mb) * LAMBDA_ARM_GB_SECOND
        small = gb_seconds(f, n, SMALLEST_MB) * LAMBDA_ARM_GB_SECOND
        out.append(
            f"| {f} | {mb:,} MB | {min(1.0, mb / ONE_VCPU_MB):.2f} vCPU"
            f" | {cold_ms(f, mb) / 1000:.1f} s | ${chosen:.2f} | ${small:.2f}"
            f" ({cold_ms(f, SMALLEST_MB) / 1000:.1f} s cold) |"
        )
    api_gb = memory_gb("Api", template)
    snap = (
        api_gb * SECONDS_PER_MONTH * SNAPSTART_CACHE_GB_SECOND
        + api_gb * invocations["Api"] * COLD_SHARE["Api"] * SNAPSTART_RESTORE_GB
    )
    out += [
        "",
        "Cold starts here are import plus the first event, measured by `make bench` on one",
        "full core and scaled to each size's CPU share (the bench also measures them in a",
        "cgroup with that quota); Lambda may give the start-up phase more CPU than this.",
        "The home and policy pages wake the API with one small request while the client",
        "reads, so the booking page seldom waits for a cold start at all.",
        "",
        f"Not chosen: SnapStart would keep the API's snapshot cached for about ${snap:.2f} a",
        "month at this traffic (billed per second cached, whatever the traffic), many times",
        "all of Lambda's bill, and it needs published versions, a signing key read after",
        "restore rather than at start-up, and fresh connections after each restore.",
        "",
    ]
    return out
