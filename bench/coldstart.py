"""Cold start: a fresh interpreter imports a handler and serves its first event.

Compared with a minimal handler that imports boto3 and makes one DynamoDB call,
both against the same moto server, medians of N runs.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

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


def run(code: str, env: dict[str, str], n: int) -> float:
    times = []
    for _ in range(n):
        out = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def measure(env: dict[str, str], n: int = 15) -> dict[str, float]:
    base = run(BASELINE, env, n)
    api = run(API_SLOTS, env, n)
    return {"baseline_ms": base * 1000, "api_slots_ms": api * 1000, "ratio": api / base}


def measure_with_server(n: int = 15) -> dict[str, float]:
    from infra.local.environment import TABLE_NAME, TOKEN_KEY_PARAM, local_environment
    from infra.local.moto_server import MotoServer
    from infra.local.provision import provision
    from keepslot.adapters.settings import load_config

    server = MotoServer()
    server.start()
    env = local_environment(
        moto_url=server.url, site_url="http://127.0.0.1:8000", config_path=ROOT / "keepslot.yaml"
    )
    os.environ.update(env)
    provision(load_config(ROOT / "keepslot.yaml"), TABLE_NAME, TOKEN_KEY_PARAM)
    try:
        return measure({**os.environ, **env}, n)
    finally:
        server.stop()


if __name__ == "__main__":
    print(json.dumps(measure_with_server(int(sys.argv[1]) if len(sys.argv) > 1 else 15)))
