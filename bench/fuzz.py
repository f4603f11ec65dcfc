"""`make bench`: the fuzz run's longer, randomized profile (tests/support/fuzzing.py).

Every API route with the links of real bookings, then the webhook with signed events,
with fresh random cases on each run (`make test` runs a few fixed ones). Prints how many
cases ran and what failed: a 5xx, a response that breaks the OpenAPI document, a crash.
"""

from __future__ import annotations

import time
from typing import Any


def _api(examples: int) -> Any:
    from bench.inproc import in_process
    from tests.support.fuzzing import fuzz_api

    def run(api: Any) -> dict[str, Any]:
        return {"report": fuzz_api(api, examples, derandomize=False)}

    return in_process(run)["report"]


def _webhook(examples: int) -> Any:
    from bench.inproc import in_process
    from tests.support.api import book
    from tests.support.fuzzing import fuzz_webhook

    def run(api: Any) -> dict[str, Any]:
        ids = [book(api).body["booking"]["id"]]
        return {"report": fuzz_webhook(ids, examples * 5, derandomize=False)}

    return in_process(run, "stripe")["report"]


def measure(examples: int = 20) -> dict[str, Any]:
    """`examples` per operation and mode; five times as many signed webhook events."""
    start = time.perf_counter()
    api, webhook = _api(examples), _webhook(examples)
    failures = api.failures + webhook.failures
    return {
        "examples": examples,
        "api_cases": api.cases,
        "operations": len([k for k in api.seen if k.endswith("positive")]),
        "webhook_cases": webhook.cases,
        "failures": failures[:20],
        "failure_count": len(failures),
        "seconds": round(time.perf_counter() - start, 1),
    }


def row(r: dict[str, Any]) -> tuple[str, str, str, str]:
    met = r["failure_count"] == 0
    return (
        "fuzz, random: every route with real links, signed webhook",
        f"{r['api_cases']} + {r['webhook_cases']} cases",
        f"{r['operations']} operations, {r['seconds']} s",
        "no 5xx, no schema break, no crash: "
        + ("met" if met else f"MISSED ({r['failure_count']}: {r['failures'][:1]})"),
    )


if __name__ == "__main__":
    import sys

    result = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
    print("  ".join(row(result)))
