"""Peak memory of a process that runs only the API handler, for a few hundred requests.

moto runs in the parent; the child imports the handler and serves a realistic mix
(config, slots, bookings, manage views, cancels) against it, then reports its own
peak RSS. That is what a Lambda instance holds; the target is under 128 MB.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.support.configs import INTAKE_ANSWERS

ROOT = Path(__file__).resolve().parents[1]
MARK = "API_RSS "
TARGET_MB = 128
EXPECTED = {200, 201}  # slots, config, manage, cancel; bookings of starts just listed free


def child(n: int) -> dict[str, Any]:
    """In the fresh process: serve `n` requests through the real handler."""
    from keepslot.handlers.api import handler
    from tests.support.apigw import LambdaContext, http_event

    ctx: Any = LambdaContext()
    statuses: dict[int, int] = {}

    def call(
        method: str, url: str, body: Any = None, token: str = "", ip: str = "127.0.0.1"
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        res = handler(http_event(method, url, body, headers, source_ip=ip), ctx)
        statuses[res["statusCode"]] = statuses.get(res["statusCode"], 0) + 1
        return json.loads(res.get("body") or "null") or {}

    version = call("GET", "/api/config")["policy_version"]
    first = datetime.now(UTC).date() + timedelta(days=2)
    last = first + timedelta(days=27)
    served, tokens = 1, list[str]()
    # Mostly reads, a booking every other round: moto's transactions copy its whole table, so
    # a write-heavy mix would time moto, not the handler whose memory this measures.
    while served < n:
        slots = call("GET", f"/api/slots?service=strategia&from={first}&to={last}")["slots"]
        body = {
            "service": "strategia",
            "start": slots[(served * 7) % len(slots)]["start"],
            "mode": "video",
            "name": "Bench Client",
            "email": f"rss-{uuid.uuid4().hex[:10]}@example.com",
            "policy_version": version,
            "answers": INTAKE_ANSWERS,
            "elapsed_ms": 5000,
        }
        if served % 10 == 1 or not tokens:
            # Each booking from its own address, as from its own client (holds.per_ip).
            booked = call("POST", "/api/bookings", body, ip=f"10.0.{served // 256}.{served % 256}")
            if "booking" in booked:
                tokens.append(emailed_token(booked["booking"]))
        else:
            call("GET", f"/api/slots?service=strategia&from={first}&to={first}")
        call("GET", "/api/config")
        call("GET", "/api/manage", token=tokens[-1] if tokens else "")
        if served % 20 == 6:
            call("POST", "/api/manage/cancel", {}, token=tokens[-1])
        else:
            call("GET", f"/api/slots?service=conoscitiva&from={first}&to={first}")
        served += 5
    return {"requests": served, "statuses": statuses, "peak_rss_mb": round(peak_mb(), 1)}


def emailed_token(booking: dict[str, Any]) -> str:
    """The manage link's token, as the client's email carries it: only it may cancel (the
    booking answer's link only looks and pays)."""
    from keepslot import bootstrap
    from keepslot.domain.instants import parse_iso

    link = bootstrap.app().links.manage(booking["id"], parse_iso(booking["start"]))
    return link.split("#", 1)[1]


def peak_mb() -> float:
    """This process's high-water RSS. Not ru_maxrss: Linux carries that across exec, so
    a child started from the (moto-laden) bench process would report the parent's."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(next(x for x in status.splitlines() if x.startswith("VmHWM:")).split()[1]) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def measure(n: int = 200) -> dict[str, Any]:
    from infra.local.environment import TABLE_NAME, TOKEN_KEY_PARAM, local_environment
    from infra.local.moto_server import MotoServer
    from infra.local.provision import provision
    from keepslot.config.model import load_config
    from tests.support.configs import with_payments

    server = MotoServer()
    server.start()
    with tempfile.TemporaryDirectory() as tmp:
        config = with_payments("offline", Path(tmp))  # no card step in a memory figure
        env = local_environment(
            moto_url=server.url, site_url="http://127.0.0.1:8000", config_path=config
        )
        saved = dict(os.environ)
        os.environ.update(env)
        try:
            provision(load_config(config), TABLE_NAME, TOKEN_KEY_PARAM)
            out = subprocess.run(
                [sys.executable, "-m", "bench.api_rss", "--child", str(n)],
                env={**os.environ, **env, "POWERTOOLS_METRICS_DISABLED": "true"},
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
        finally:
            os.environ.clear()
            os.environ.update(saved)
            server.stop()
    line = next(x for x in reversed(out.stdout.splitlines()) if x.startswith(MARK))
    result: dict[str, Any] = json.loads(line.removeprefix(MARK))
    return result | {"target_mb": TARGET_MB}


def row(r: dict[str, Any]) -> tuple[str, str, str, str]:
    """The memory figure counts only if every request got the answer it should."""
    statuses = {int(code): n for code, n in r["statuses"].items()}
    answered = set(statuses) <= EXPECTED
    met = answered and r["peak_rss_mb"] < TARGET_MB
    shown = ", ".join(f"{code} x{n}" for code, n in sorted(statuses.items()))
    return (
        "peak RSS, API handler process",
        f"{r['peak_rss_mb']} MB",
        f"{r['requests']} requests, own process: {shown}",
        f"< {TARGET_MB} MB, only 200/201: " + ("met" if met else "MISSED"),
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(MARK + json.dumps(child(int(sys.argv[2]))), flush=True)
    else:
        print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 200)))
