"""A bounded load run on the local stack: slots, bookings, cancels and reschedules.

Threads on loopback for LOAD_SECONDS (20 by default; `make bench` may ask for 60),
then the figures are printed and the consistency checker walks moto's table. The
local stack runs one API invocation at a time, like one warm Lambda: the figures
are that instance's throughput on moto, not the deployed API's.
"""

from __future__ import annotations

import os
import random
import re
import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from requests.adapters import HTTPAdapter

from infra.local.environment import REGION, TABLE_NAME
from keepslot.config.model import load_config
from tests.support.configs import INTAKE_ANSWERS, with_payments
from tests.support.consistency import assert_consistent
from tests.support.stack import LocalStack

pytestmark = pytest.mark.slow

SECONDS = float(os.environ.get("LOAD_SECONDS", "20"))
WORKERS = 4  # the stack serves one API call at a time: more threads only queue
MIX = {"slots": 45, "book": 25, "cancel": 12, "reschedule": 18}  # weights, per request


@dataclass
class Tally:
    """What every worker saw, under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latency: dict[str, list[float]] = field(default_factory=dict)
    status: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # manage tokens that can be cancelled
    movable: list[str] = field(default_factory=list)  # confirmed: can be moved or cancelled
    starts: dict[str, list[str]] = field(default_factory=dict)  # service -> free starts seen

    def record(self, op: str, seconds: float, r: requests.Response | None, err: str = "") -> None:
        with self.lock:
            self.latency.setdefault(op, []).append(seconds)
            code = str(r.status_code) if r is not None else "exception"
            self.status[f"{op} {code}"] += 1
            if r is None or r.status_code >= 500:
                self.errors.append(f"{op}: {code} {err or (r.text[:200] if r else '')}")

    def take(self, pool: list[str], rng: random.Random) -> str | None:
        with self.lock:
            return pool.pop(rng.randrange(len(pool))) if pool else None


class FromAddress(HTTPAdapter):
    """Connects from one loopback address (any of 127/8 works on Linux): each simulated
    client books from its own IP, as real ones do, so holds.per_ip stays out of the way."""

    def __init__(self, ip: str) -> None:
        self.ip = ip  # before super().__init__, which builds the pool
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, source_address=(self.ip, 0), **kwargs)


def client_address(rng: random.Random) -> str:
    return f"127.{rng.randrange(1, 255)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalStack, Path]]:
    # Offline deposits (no card step to fake) and room for a day's worth of load.
    config = with_payments("offline", tmp_path_factory.mktemp("load"), hours={"daily_cap": 400})
    with LocalStack(config=config) as running:
        yield running, config


def moto_client(stack: LocalStack) -> Any:
    found = re.search(r"moto at (http://\S+)", stack.output())
    assert found, stack.output()
    return boto3.client(
        "dynamodb",
        endpoint_url=found.group(1),
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_bounded_load_mixes_every_operation_without_a_5xx_and_stays_consistent(
    stack: tuple[LocalStack, Path],
) -> None:
    local, config = stack
    version = local.get("/api/config").json()["policy_version"]
    today = local.now().date()
    tally = Tally()
    deadline = time.monotonic() + SECONDS

    def worker(n: int) -> None:
        rng, session = random.Random(n), requests.Session()
        while time.monotonic() < deadline:
            op = rng.choices(list(MIX), weights=list(MIX.values()))[0]
            try:
                _one(op, rng, session, local.url, version, today, tally)
            except requests.RequestException as e:
                tally.record(op, 0.0, None, repr(e))

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(worker, range(WORKERS)))
    elapsed = time.monotonic() - started
    report = _report(tally, elapsed)
    print("\n" + report)
    assert tally.errors == [], tally.errors[:10]
    for op, code in (("slots", "200"), ("book", "201"), ("cancel", "200"), ("reschedule", "200")):
        assert tally.status[f"{op} {code}"] > 0, (op, report)  # the mix really ran
    assert tally.status["book 429"] == 0, report  # each client its own address: none capped
    local.now()  # a /_dev/ call: the stack finishes the runs it owes the last requests
    census = assert_consistent(moto_client(local), TABLE_NAME, load_config(config).schedule())
    print("table:", dict(sorted(census.items())))
    assert census["booking"] == tally.status["book 201"] + tally.status["reschedule 200"]


def _one(
    op: str,
    rng: random.Random,
    s: requests.Session,
    url: str,
    version: str,
    today: date,
    tally: Tally,
) -> None:
    service = rng.choice(["strategia", "conoscitiva"])
    t = time.perf_counter()
    if op == "slots":
        first = today + timedelta(days=rng.randrange(1, 50))
        r = s.get(
            f"{url}/api/slots",
            params={"service": service, "from": str(first), "to": str(first + timedelta(days=6))},
            timeout=30,
        )
        tally.record(op, time.perf_counter() - t, r)
        if r.status_code == 200:
            with tally.lock:
                tally.starts[service] = [x["start"] for x in r.json()["slots"]]
        return
    if op == "book":
        start = _a_start(tally, service, rng)
        if start is None:
            return
        body: dict[str, Any] = {
            "service": service,
            "start": start,
            "mode": "video",
            "name": "Load Client",
            "email": f"load-{uuid.uuid4().hex[:12]}@example.com",
            "policy_version": version,
            "answers": INTAKE_ANSWERS,
            "elapsed_ms": 5000,
        }
        with requests.Session() as client:  # a new client: a connection from its own address
            client.mount("http://", FromAddress(client_address(rng)))
            r = client.post(f"{url}/api/bookings", json=body, timeout=30)
        tally.record(op, time.perf_counter() - t, r)
        if r.status_code == 201:
            booked = r.json()["booking"]
            token = _emailed_token(s, url, body["email"], booked["id"])
            free = booked["deposit"]["status"] == "none"
            if free:  # nothing to pay: the client confirms from the email
                t = time.perf_counter()
                auth = {"Authorization": f"Bearer {token}"}
                done = s.post(f"{url}/api/manage/confirm", json={}, headers=auth, timeout=30)
                tally.record("confirm", time.perf_counter() - t, done)
                free = done.status_code == 200
            with tally.lock:
                (tally.movable if free else tally.held).append(token)
        return
    pool = tally.movable if op == "reschedule" or rng.random() < 0.5 else tally.held
    token = tally.take(pool, rng)
    if token is None:
        return
    auth = {"Authorization": f"Bearer {token}"}
    if op == "cancel":
        r = s.post(f"{url}/api/manage/cancel", json={}, headers=auth, timeout=30)
        tally.record(op, time.perf_counter() - t, r)
        return
    start = _a_start(tally, "conoscitiva", rng)
    if start is None:
        return
    r = s.post(f"{url}/api/manage/reschedule", json={"start": start}, headers=auth, timeout=30)
    tally.record(op, time.perf_counter() - t, r)
    new = r.json().get("manage_url") if r.status_code == 200 else None
    with tally.lock:
        tally.movable.append(new.split("#", 1)[1] if new else token)


def _emailed_token(s: requests.Session, url: str, email: str, booking_id: str) -> str:
    """The manage link emailed to the client (the booking answer's link only looks)."""
    mail = s.get(f"{url}/_dev/outbox", params={"to": email}, timeout=30).json()
    link = re.compile(rf"/manage/(?:\?do=[a-z-]+)?#({re.escape(booking_id)}\.manage\.[\w.-]+)")
    found = [m[1] for e in mail if (m := link.search(e["text"]))]
    assert found, f"no manage link emailed to {email}"
    return found[0]


def _a_start(tally: Tally, service: str, rng: random.Random) -> str | None:
    with tally.lock:
        seen = tally.starts.get(service) or []
        return rng.choice(seen) if seen else None


def _report(tally: Tally, elapsed: float) -> str:
    every = sorted(x for xs in tally.latency.values() for x in xs)
    lines = [
        f"load: {len(every)} requests in {elapsed:.1f} s = {len(every) / elapsed:.1f} req/s, "
        f"{WORKERS} threads, errors {len(tally.errors)}",
        "  all        " + _percentiles(every),
    ]
    for op, xs in sorted(tally.latency.items()):
        lines.append(f"  {op:<10} " + _percentiles(sorted(xs)))
    lines.append("  statuses   " + ", ".join(f"{k}: {v}" for k, v in sorted(tally.status.items())))
    return "\n".join(lines)


def _percentiles(xs: list[float]) -> str:
    if not xs:
        return "-"
    q = statistics.quantiles(xs, n=100, method="inclusive") if len(xs) > 1 else xs * 99
    p50, p95, p99 = (q[i] * 1000 for i in (49, 94, 98))
    return f"n={len(xs):<5} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms"
