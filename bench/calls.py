"""`make bench`: DynamoDB calls per operation in both payment modes, with their targets.

Counted on the app's own client (tests/support/counting.py) while the real API handler
serves the request against in-process moto; in stripe mode the card steps go to
localstripe. A target is reads and writes: a booking by card makes at most 1 read and
2 writes, and looking at a booking (GET /api/manage) writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
# operation -> (most reads, most writes)
TARGETS: dict[str, tuple[int, int]] = {
    "offline booking": (1, 1),
    "offline reschedule": (1, 1),
    "offline cancel": (1, 1),
    "offline GET /api/manage": (1, 0),
    "offline slots 31 days": (1, 0),
    "offline idle clock": (1, 0),
    "stripe booking": (1, 2),
    "stripe GET /api/manage, card not saved yet": (1, 0),
    "stripe GET /api/manage, card saved": (1, 0),
}


def _count(action: Callable[[], Any]) -> dict[str, int]:
    from tests.support.counting import counting

    with counting() as calls:
        action()
    return dict(calls)


def offline(api: Any) -> dict[str, Any]:
    from tests.support.api import body, confirmed_in_service, token_of

    out: dict[str, Any] = {}
    payload = body(api, start="2026-12-04T09:00:00Z")
    booked: dict[str, Any] = {}
    out["offline booking"] = _count(lambda: booked.update(api.post("/api/bookings", payload).body))
    look = token_of(booked["manage_url"])
    out["offline GET /api/manage"] = _count(lambda: api.get("/api/manage", token=look))
    token = confirmed_in_service(api)
    move = {"start": "2026-12-03T10:30:00Z"}
    out["offline reschedule"] = _count(
        lambda: api.post("/api/manage/reschedule", move, token=token)
    )
    other = confirmed_in_service(api, start="2026-12-07T09:00:00Z", email="b@example.com")
    out["offline cancel"] = _count(lambda: api.post("/api/manage/cancel", {}, token=other))
    url = "/api/slots?service=strategia&from=2026-12-01&to=2026-12-31"
    out["offline slots 31 days"] = _count(lambda: api.get(url))
    api.tick()
    out["offline idle clock"] = _count(lambda: api.tick())
    return out


def stripe(api: Any) -> dict[str, Any]:
    from keepslot import bootstrap
    from tests.support.api import body, token_of
    from tests.support.stripe_play import confirm_card_setup

    out: dict[str, Any] = {}
    booked: dict[str, Any] = {}
    payload = body(api, start="2026-12-04T09:00:00Z")
    out["stripe booking"] = _count(lambda: booked.update(api.post("/api/bookings", payload).body))
    look = token_of(booked["manage_url"])
    out["stripe GET /api/manage, card not saved yet"] = _count(
        lambda: api.get("/api/manage", token=look)
    )
    api_base = bootstrap.app().env.stripe_api_base
    assert api_base, "stripe mode runs against localstripe"
    confirm_card_setup(api_base, booked["payment"]["client_secret"])  # what Stripe.js does
    out["stripe GET /api/manage, card saved"] = _count(lambda: api.get("/api/manage", token=look))
    return out


def measure() -> dict[str, Any]:
    from bench.inproc import in_process

    return in_process(offline) | in_process(stripe, "stripe")


def split(calls: dict[str, int]) -> tuple[int, int]:
    reads = sum(n for op, n in calls.items() if op in READS)
    writes = sum(n for op, n in calls.items() if op in WRITES)
    return reads, writes


def rows(counts: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    out = []
    for op, calls in counts.items():
        reads, writes = split(calls)
        most_reads, most_writes = TARGETS[op]
        met = reads <= most_reads and writes <= most_writes
        out.append(
            (
                f"DynamoDB calls: {op}",
                f"{reads} read, {writes} write",
                json.dumps(calls),
                f"<= {most_reads} read + {most_writes} write: {'met' if met else 'MISSED'}",
            )
        )
    return out


if __name__ == "__main__":
    for row in rows(measure()):
        print("  ".join(row))
