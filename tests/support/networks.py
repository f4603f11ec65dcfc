"""Bookings from a given network, and a fresh app on another config: what the per-network
hold tests and the address-ownership tests share."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from keepslot import bootstrap
from tests.support.api import Api, Reply, body
from tests.support.apigw import LambdaContext, http_event

HOME, OFFICE, EDGE = "203.0.113.7", "198.51.100.20", "130.176.9.9"  # EDGE: a CloudFront node
# Thursday to the next Wednesday, 10:00 in Rome: one booking a day stays under daily_cap.
DAYS = ["2026-12-03", "2026-12-04", "2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10"]


def restart(api: Api, monkeypatch: pytest.MonkeyPatch, config: Path, **env: str) -> None:
    """A fresh App (as a new Lambda instance would be) reading `config` and `env`."""
    monkeypatch.setenv("KEEPSLOT_CONFIG", str(config))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    bootstrap.reset()
    bootstrap.use_clock(api.clock)


def book_from(
    api: Api, source_ip: str, n: int, headers: dict[str, str] | None = None, **over: Any
) -> Reply:
    """Booking number `n` (its own client, its own day) from `source_ip`."""
    from keepslot.handlers import api as handler

    payload = body(
        api,
        start=f"{DAYS[n]}T09:00:00Z",
        name=f"Cliente {n}",
        email=f"client{n}@example.com",
        **over,
    )
    event = http_event("POST", "/api/bookings", payload, headers, source_ip=source_ip)
    res = handler.handler(event, LambdaContext())  # type: ignore[arg-type]
    return Reply(res["statusCode"], json.loads(res["body"]), res.get("headers", {}))
