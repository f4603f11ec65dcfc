"""Cold start: a fresh interpreter imports a handler and serves its first event.

Compared with a minimal handler that imports boto3 and makes one DynamoDB call,
both against the same moto server, medians of N runs taken in turns.

Both run as Lambda runs them from `make package`'s zip:
- with bytecode: the zip ships it (Lambda cannot write `__pycache__`), so every
  module is compiled once, by an unmeasured first run of each snippet, into the
  bench's own cache (whatever the caller's PYTHONDONTWRITEBYTECODE says);
- with the config as packaged: keepslot.yaml and its validated copy (package.place_config).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYCACHE = ROOT / "build" / "bench-pycache"

BASELINE = """
import time; t = time.perf_counter()
import boto3
boto3.client("dynamodb").get_item(TableName="keepslot", Key={"PK": {"S": "x"}, "SK": {"S": "y"}})
print(time.perf_counter() - t)
"""

API_SLOTS = """
import time; t = time.perf_counter()
from keepslot.handlers.api import handler
from tests.support.apigw import http_event, LambdaContext as Ctx
r = handler(http_event("GET", "/api/slots?service=strategia&from=2026-12-01&to=2026-12-31"), Ctx())
assert r["statusCode"] == 200, r
print(time.perf_counter() - t)
"""


def run(code: str, env: dict[str, str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def with_bytecode(env: dict[str, str]) -> dict[str, str]:
    """Bytecode written and read in the bench's cache, whatever the caller's setting."""
    env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return env | {"PYTHONPYCACHEPREFIX": str(PYCACHE)}


def measure(env: dict[str, str], n: int = 15) -> dict[str, float]:
    env = with_bytecode(env)
    for code in (BASELINE, API_SLOTS):  # compiles and caches the bytecode: not measured
        run(code, env)
    base, api = [], []
    for _ in range(n):  # in turns, so a busy moment of the machine weighs on both alike
        base.append(run(BASELINE, env))
        api.append(run(API_SLOTS, env))
    b, a = statistics.median(base), statistics.median(api)
    return {"baseline_ms": b * 1000, "api_slots_ms": a * 1000, "ratio": a / b}


def measure_with_server(n: int = 15) -> dict[str, float]:
    from infra.local.environment import TABLE_NAME, TOKEN_KEY_PARAM, local_environment
    from infra.local.moto_server import MotoServer
    from infra.local.provision import provision
    from infra.package import place_config
    from keepslot.adapters.settings import load_config

    server = MotoServer()
    server.start()
    with tempfile.TemporaryDirectory() as packaged:
        config = place_config(Path(packaged))
        env = local_environment(
            moto_url=server.url, site_url="http://127.0.0.1:8000", config_path=config
        )
        os.environ.update(env)
        provision(load_config(config), TABLE_NAME, TOKEN_KEY_PARAM)
        try:
            return measure({**os.environ, **env}, n)
        finally:
            server.stop()


if __name__ == "__main__":
    print(json.dumps(measure_with_server(int(sys.argv[1]) if len(sys.argv) > 1 else 15)))
