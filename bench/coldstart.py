"""Cold start: a fresh interpreter imports a handler and serves its first event.

Every function of template.yaml is measured twice, medians of N runs taken in turns
with a minimal handler that imports boto3 and makes one DynamoDB call, all against
the same moto server:
- on a full core, for the ratio to the boto3 baseline (target <= 1.5x for the API);
- at the CPU share of the function's own `MemorySize` (bench/cpu_share.py), which is
  what a client waits for on Lambda; the API's target is <= 700 ms there. A machine
  that cannot throttle says so and skips only that column.

Both run as Lambda runs them from `make package`'s zip:
- with bytecode: the zip ships it (Lambda cannot write `__pycache__`), so every
  module is compiled once, by an unmeasured first run of each snippet, into the
  bench's own cache (whatever the caller's PYTHONDONTWRITEBYTECODE says);
- with the config as packaged: a keepslot.yaml (the test fixture, so the figures do not
  depend on the freelancer's) and its validated copy (package.place_config).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.cpu_share import CpuShare

ROOT = Path(__file__).resolve().parents[1]
PYCACHE = ROOT / "build" / "bench-pycache"
WEBHOOK_SECRET = "whsec_bench_cold_start"
# The API's first response at other memory sizes: the figures its size is chosen from.
API_SIZES = (512, 1024, 1536, 1769)

BASELINE = """
import time; t = time.perf_counter()
import boto3
boto3.client("dynamodb").get_item(TableName="keepslot", Key={"PK": {"S": "x"}, "SK": {"S": "y"}})
print(time.perf_counter() - t)
"""

# The first event each function gets; `r` is the handler's answer.
FIRST_EVENT = {
    "Api": """
import datetime as dt
day = dt.date.today() + dt.timedelta(days=1)
q = f"service={os.environ['BENCH_SERVICE']}&from={day}&to={day + dt.timedelta(days=30)}"
r = handler(http_event("GET", "/api/slots?" + q), Ctx())
assert r["statusCode"] == 200, r
""",
    "Webhook": """
import hashlib, hmac, json
body = json.dumps({"id": "evt_cold", "type": "customer.created", "data": {"object": {}}})
ts = str(int(time.time()))
mac = hmac.new(os.environ["BENCH_WEBHOOK_SECRET"].encode(), f"{ts}.{body}".encode(), hashlib.sha256)
headers = {"stripe-signature": f"t={ts},v1={mac.hexdigest()}"}
r = handler(http_event("POST", "/api/payments/stripe", body, headers), Ctx())
assert r["statusCode"] == 200, r
""",
    "Clock": """
r = handler({"source": "aws.scheduler"}, Ctx())
""",
    "Dispatcher": """
r = handler({"Records": [{"eventName": "INSERT", "dynamodb": {}}]}, Ctx())
""",
}


def snippet(module: str, function: str) -> str:
    return (
        "import os, time; t = time.perf_counter()\n"
        f"from {module} import handler\n"
        "from tests.support.apigw import http_event, LambdaContext as Ctx\n"
        f"{FIRST_EVENT[function]}\n"
        "print(time.perf_counter() - t)\n"
    )


def functions() -> dict[str, tuple[str, int]]:
    """Each function of template.yaml: its handler's module and its memory size (MB)."""
    from infra.table import load_template

    template = load_template()
    default = int(template["Globals"]["Function"]["MemorySize"])
    out = {}
    for name, res in template["Resources"].items():
        if res["Type"] != "AWS::Serverless::Function":
            continue
        props = res["Properties"]
        out[name] = (props["Handler"].rsplit(".", 1)[0], int(props.get("MemorySize", default)))
    return out


def run(code: str, env: dict[str, str], preexec: Callable[[], None] | None = None) -> float:
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        preexec_fn=preexec,
    )
    if out.returncode:
        raise RuntimeError(f"cold start snippet failed:\n{out.stderr[-2000:]}")
    return float(out.stdout.strip().splitlines()[-1])


def with_bytecode(env: dict[str, str]) -> dict[str, str]:
    """Bytecode written and read in the bench's cache, whatever the caller's setting."""
    env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return env | {"PYTHONPYCACHEPREFIX": str(PYCACHE)}


def medians(
    codes: dict[str, str], env: dict[str, str], n: int, preexec: Callable[[], None] | None = None
) -> dict[str, float]:
    """Median seconds of each snippet, run in turns so a busy moment weighs on all alike."""
    times: dict[str, list[float]] = {name: [] for name in codes}
    for _ in range(n):
        for name, code in codes.items():
            times[name].append(run(code, env, preexec))
    return {name: statistics.median(t) for name, t in times.items()}


def measure(env: dict[str, str], n: int = 15) -> dict[str, Any]:
    env = with_bytecode(env)
    fns = functions()
    codes = {"baseline": BASELINE} | {f: snippet(mod, f) for f, (mod, _) in fns.items()}
    for code in codes.values():  # compiles and caches the bytecode: not measured
        run(code, env)
    full = medians(codes, env, n)
    out: dict[str, Any] = {
        "baseline_ms": full["baseline"] * 1000,
        "api_slots_ms": full["Api"] * 1000,
        "ratio": full["Api"] / full["baseline"],
        "functions": {
            f: {"memory_mb": mb, "full_core_ms": full[f] * 1000} for f, (_, mb) in fns.items()
        },
    }
    share = CpuShare.open()
    if share is None:
        out["cpu_share"] = f"not measured: {CpuShare.why_not()}"
        return out
    out["cpu_share"] = f"cgroup v{share.version} CPU quota of memory/1769 of one core"
    # Fewer runs at the share: each is up to six times longer.
    runs = max(3, n // 3)
    for f, (_, mb) in fns.items():
        with share.limited(mb) as join:
            at = medians({"baseline": BASELINE, f: codes[f]}, env, runs, join)
        out["functions"][f] |= {
            "share_ms": at[f] * 1000,
            "baseline_share_ms": at["baseline"] * 1000,
        }
    api_sizes = {}
    for mb in API_SIZES:
        with share.limited(mb) as join:
            api_sizes[mb] = medians({"Api": codes["Api"]}, env, runs, join)["Api"] * 1000
    out["api_by_memory_ms"] = api_sizes
    return out


def measure_with_server(n: int = 15) -> dict[str, Any]:
    from infra.local.environment import (
        STRIPE_SECRET_PARAM,
        STRIPE_WEBHOOK_PARAM,
        TABLE_NAME,
        TOKEN_KEY_PARAM,
        local_environment,
    )
    from infra.local.moto_server import MotoServer
    from infra.local.provision import provision
    from infra.package import place_config
    from keepslot.config.model import load_config
    from tests.support.configs import FIXTURE

    server = MotoServer()
    server.start()
    with tempfile.TemporaryDirectory() as packaged:
        config = place_config(Path(packaged), FIXTURE)
        env = local_environment(
            moto_url=server.url, site_url="http://127.0.0.1:8000", config_path=config
        )
        os.environ.update(env)
        loaded = load_config(config)
        provision(
            loaded,
            TABLE_NAME,
            TOKEN_KEY_PARAM,
            {STRIPE_SECRET_PARAM: "sk_test_bench", STRIPE_WEBHOOK_PARAM: WEBHOOK_SECRET},
        )
        env |= {"BENCH_SERVICE": loaded.services[0].id, "BENCH_WEBHOOK_SECRET": WEBHOOK_SECRET}
        try:
            return measure({**os.environ, **env}, n)
        finally:
            server.stop()


if __name__ == "__main__":
    print(json.dumps(measure_with_server(int(sys.argv[1]) if len(sys.argv) > 1 else 15), indent=2))
