"""The local stack after a thousand bookings, then a race: `make bench`'s local-stack rows.

One `python -m infra.local.serve` (what `make serve` runs), driven over HTTP:
`n` bookings, each cancelled at once; the booking latencies of the first and the
last hundred, and the stack process's RSS at the end. moto keeps everything in
that process, so whatever grows per request shows here. Then a hundred clients
press "book" on one free start at once, over HTTP: exactly one may win.

By hand, the same stack in stripe mode with paid bookings, then a race:

    python -m bench.local_stack --paid 300 --race 100
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import requests

from tests.support.configs import INTAKE_ANSWERS, with_payments
from tests.support.stack import LocalStack
from tests.support.stripe_play import confirm_card_setup

TARGET_RSS_MB = 400
TARGET_P50_MS = 60
TARGET_DRIFT = 1.5  # the last hundred's p50 at most this many times the first's
RACE_LIMIT_S = 2.0
# Every bench client books from this one machine: lift the per-network caps that would
# otherwise (rightly) stop the 21st booking of the day.
ONE_NETWORK = {"per_ip": 100_000, "per_ip_daily": 100_000}
MANAGE_LINK = re.compile(r"/manage/(?:\?do=[a-z-]+)?#([\w-]+\.manage\.[\w.-]+)")
RACERS = 100


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used: unlike latency, barely moved by
    other processes sharing the machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(x for x in status.splitlines() if x.startswith("VmRSS:")).split()[1]) / 1024


class Client:
    """A browser's view of the stack: the policy version and the free starts."""

    def __init__(self, stack: LocalStack, version: str = "") -> None:
        self.stack = stack
        self.http = requests.Session()  # one connection, kept alive, as a browser's
        self.version = version or stack.get("/api/config").json()["policy_version"]

    def starts(self, service: str, days: int = 28) -> list[str]:
        first = self.stack.now().date() + timedelta(days=1)
        return [s["start"] for s in self._slots(service, first, first + timedelta(days=days))]

    def _slots(self, service: str, first: date, last: date) -> list[dict[str, str]]:
        r = self.http.get(
            f"{self.stack.url}/api/slots",
            params={"service": service, "from": str(first), "to": str(last)},
            timeout=30,
        )
        r.raise_for_status()
        slots: list[dict[str, str]] = r.json()["slots"]
        return slots

    def book(self, start: str, service: str = "strategia") -> tuple[float, requests.Response]:
        body = {
            "service": service,
            "start": start,
            "mode": "video",
            "name": "Bench Client",
            "email": f"bench-{uuid.uuid4().hex[:12]}@example.com",
            "policy_version": self.version,
            "answers": INTAKE_ANSWERS,
            "elapsed_ms": 5000,
        }
        t = time.perf_counter()
        r = self.http.post(f"{self.stack.url}/api/bookings", json=body, timeout=60)
        return time.perf_counter() - t, r

    def settle(self) -> None:
        """Wait for the clock-and-mail run the stack owes earlier requests (any /_dev/
        call waits for it, infra/local/shared_run.py)."""
        self.http.get(f"{self.stack.url}/_dev/clock", timeout=30).raise_for_status()

    def emailed_token(self, email: str) -> str:
        """The manage link's token from the client's email: only it may cancel (the
        booking answer's link shows the booking and takes the deposit)."""
        for _ in range(100):  # the dispatcher runs just after the response
            r = self.http.get(f"{self.stack.url}/_dev/outbox", params={"to": email}, timeout=30)
            for mail in r.json():
                found = MANAGE_LINK.search(mail["text"])
                if found:
                    return found[1]
            time.sleep(0.02)
        raise RuntimeError(f"no manage link was emailed to {email}")

    def post(self, path: str, token: str) -> requests.Response:
        auth = {"Authorization": f"Bearer {token}"}
        return self.http.post(f"{self.stack.url}{path}", json={}, headers=auth, timeout=60)


def book_and_cancel(
    stack: LocalStack, n: int, pay: Callable[[Client, Any], None]
) -> tuple[list[float], list[float]]:
    """`n` bookings, each paid by `pay` and then cancelled: the booking latencies, and
    the stack's CPU seconds for each whole cycle (booking, payment, cancel)."""
    client = Client(stack)
    starts = client.starts("strategia")
    latencies: list[float] = []
    cpu: list[float] = []
    for i in range(n):
        before = cpu_seconds(stack.pid)
        client.settle()  # the last cancel's mail goes out first: time the booking alone
        seconds, r = client.book(starts[i % len(starts)])
        if r.status_code != 201:
            raise RuntimeError(f"booking {i}: {r.status_code} {r.text}")
        latencies.append(seconds)
        pay(client, r.json())
        token = client.emailed_token(r.json()["booking"]["client"]["email"])
        cancelled = client.post("/api/manage/cancel", token)
        if cancelled.status_code != 200:
            raise RuntimeError(f"cancel {i}: {cancelled.status_code} {cancelled.text}")
        cpu.append(cpu_seconds(stack.pid) - before)
    return latencies, cpu


def unpaid(client: Client, booked: Any) -> None:
    """Offline deposits: the booking stays held until it is cancelled."""


def paid_by_card(client: Client, booked: Any) -> None:
    """What the booking page does: Stripe.js saves the card, then the page says so."""
    api_base = client.stack.get("/_dev/stripe").json()["api_base"]
    confirm_card_setup(api_base, booked["payment"]["client_secret"])
    token = booked["manage_url"].split("#", 1)[1]
    r = client.post("/api/manage/payment", token)
    if r.status_code != 200 or r.json()["booking"]["deposit"]["status"] != "paid":
        raise RuntimeError(f"payment: {r.status_code} {r.text}")


def race(stack: LocalStack, n: int) -> dict[str, Any]:
    """`n` clients press "book" on one free start at once."""
    client = Client(stack)
    start = client.starts("strategia")[-1]

    def attempt(_: int) -> tuple[int, float]:
        browser = Client(stack, client.version)
        with browser.http:
            seconds, r = browser.book(start)
        return r.status_code, seconds

    client.settle()
    before = cpu_seconds(stack.pid)
    with ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(attempt, range(n)))
    statuses = Counter(str(code) for code, _ in results)
    slowest = max(seconds for _, seconds in results)
    return {
        "requests": n,
        "statuses": dict(statuses),
        "slowest_s": round(slowest, 2),
        # The stack answers one request at a time, so the slowest waits for all the
        # others: their CPU time is what a quiet machine's slowest would take.
        "stack_cpu_s": round(cpu_seconds(stack.pid) - before, 2),
    }


def _p(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(len(xs) * q))] * 1000, 1)


def figures(latencies: list[float], cpu: list[float], rss: float) -> dict[str, Any]:
    def hundred(xs: list[float], ys: list[float]) -> dict[str, float]:
        return {
            "p50_ms": _p(xs, 0.5),
            "p95_ms": _p(xs, 0.95),
            "cycle_cpu_ms": round(statistics.mean(ys) * 1000, 1),
        }

    out: dict[str, Any] = {
        "bookings": len(latencies),
        "rss_mb": round(rss, 1),
        "first_100": hundred(latencies[:100], cpu[:100]),
        "last_100": hundred(latencies[-100:], cpu[-100:]),
    }
    out["drift"] = round(out["last_100"]["p50_ms"] / out["first_100"]["p50_ms"], 2)
    out["met"] = (
        out["rss_mb"] < TARGET_RSS_MB
        and max(out["first_100"]["p50_ms"], out["last_100"]["p50_ms"]) < TARGET_P50_MS
        and out["drift"] <= TARGET_DRIFT
    )
    return out


def race_met(race: dict[str, Any]) -> bool:
    """Exactly one wins; every other racer is told the time is taken, none sees a 5xx."""
    statuses = race["statuses"]
    return statuses.get("201") == 1 and statuses.get("409") == race["requests"] - 1


def measure(n: int = 1000) -> dict[str, Any]:
    """`make bench`'s rows: offline deposits, `n` bookings each cancelled, then a race."""
    with tempfile.TemporaryDirectory() as tmp:
        config = with_payments("offline", Path(tmp), holds=ONE_NETWORK)
        with LocalStack(config=config) as stack:
            latencies, cpu = book_and_cancel(stack, n, unpaid)
            out = figures(latencies, cpu, rss_mb(stack.pid))
            out["race"] = race(stack, RACERS)
            out["race"]["met"] = race_met(out["race"])
            return out


def by_hand(paid: int, racers: int) -> dict[str, Any]:
    """Stripe deposits: `paid` bookings paid by card, each cancelled, then a race."""
    with tempfile.TemporaryDirectory() as tmp:
        config = with_payments("stripe", Path(tmp), holds=ONE_NETWORK)
        with LocalStack(config=config) as stack:
            t = time.perf_counter()
            latencies, cpu = book_and_cancel(stack, paid, paid_by_card)
            out = {
                "paid_bookings_cancelled": paid,
                "seconds": round(time.perf_counter() - t, 1),
                **figures(latencies, cpu, rss_mb(stack.pid)),
                "race": race(stack, racers),
                "rss_mb_after_race": round(rss_mb(stack.pid), 1),
            }
            out["race"]["met"] = race_met(out["race"]) and out["race"]["slowest_s"] <= RACE_LIMIT_S
            return out


def row(r: dict[str, Any]) -> tuple[str, str, str, str]:
    return (
        f"local stack, {r['bookings']:,} bookings + cancels",
        f"RSS {r['rss_mb']} MB",
        f"p50/p95 first 100 {r['first_100']['p50_ms']}/{r['first_100']['p95_ms']} ms, "
        f"last 100 {r['last_100']['p50_ms']}/{r['last_100']['p95_ms']} ms "
        f"(x{r['drift']})",
        f"< {TARGET_RSS_MB} MB, p50 < {TARGET_P50_MS} ms, last <= {TARGET_DRIFT}x first: "
        + ("met" if r["met"] else "MISSED"),
    )


def race_row(r: dict[str, Any]) -> tuple[str, str, str, str]:
    statuses = r["statuses"]
    others = ", ".join(f"{code} x{n}" for code, n in sorted(statuses.items()) if code != "201")
    return (
        f"race over HTTP, local stack: {r['requests']} clients book one start",
        f"201 x{statuses.get('201', 0)}",
        f"{others}; slowest {r['slowest_s']} s (stack CPU {r['stack_cpu_s']} s)",
        "exactly 1 wins, the rest 409: " + ("met" if race_met(r) else "MISSED"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.local_stack", description=__doc__)
    parser.add_argument("--bookings", type=int, default=1000)
    parser.add_argument(
        "--paid", type=int, help="stripe mode: this many paid bookings, then a race"
    )
    parser.add_argument("--race", type=int, default=100)
    args = parser.parse_args()
    if args.paid:
        print(json.dumps(by_hand(args.paid, args.race), indent=2))
    else:
        result = measure(args.bookings)
        print(json.dumps(result, indent=2))
        print("  ".join(row(result)))


if __name__ == "__main__":
    main()
