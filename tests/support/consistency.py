"""Walks the whole table and says what does not add up: the consistency checker.

    problems = check(boto3.client("dynamodb"), "keepslot-test", schedule)
    assert problems == []            # or: assert_consistent(...)
    problems = check_items(items, schedule)   # a table given as its items (a fake store)

What must hold after any mix of requests, retries and injected faults:
- every open booking has exactly the locks of its lock grid, all pointing at it;
- no lock points at a missing booking or one that gave its slot back;
- each day's counter equals the bookings that still count that day;
- open holds and held bookings match one to one;
- each network's hold counter (IP#<hash>) equals the open holds carrying that hash,
  and a booking keeps its network's hash only while it holds;
- every outbox item is delivered or still due (none given up, none for a missing booking);
- money adds up, ledger row by row (tests/support/money_checks.py): every deposit,
  credit, refund and no-show fee is reconciled against the bookings.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from boto3.dynamodb.types import TypeDeserializer

from keepslot.adapters.dynamo.codec import plain
from keepslot.domain.availability import Span, lock_grid
from keepslot.domain.instants import parse_iso
from keepslot.service.digest import DIGEST_ID
from keepslot.service.ports.changes import WAITLIST_MAIL
from tests.support.money_checks import money_problems

if TYPE_CHECKING:
    from keepslot.domain.availability import Schedule

OPEN = {"held", "pending_approval", "confirmed"}
KEEPS_SLOT = OPEN | {"completed", "no_show"}  # past appointments keep locks until the TTL
HOLDING = {"held", "pending_approval"}
_de = TypeDeserializer()


def scan(client: Any, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
    while True:
        res = client.scan(**page)
        items += [plain({k: _de.deserialize(v) for k, v in it.items()}) for it in res["Items"]]
        if "LastEvaluatedKey" not in res:
            return items
        page["ExclusiveStartKey"] = res["LastEvaluatedKey"]


def check(client: Any, table: str, schedule: Schedule) -> list[str]:
    return check_items(scan(client, table), schedule)


def check_items(items: list[dict[str, Any]], schedule: Schedule) -> list[str]:
    """Every problem in a table given as its items (plain values, as `scan` returns them)."""
    bookings = {it["id"]: it for it in items if it["SK"] == "BOOKING"}
    problems: list[str] = []
    problems += _locks(items, bookings, schedule)
    problems += _days(items, bookings, schedule.timezone)
    problems += _holds(items, bookings)
    problems += _ip_holds(items, bookings)
    problems += _outbox(items, bookings)
    problems += money_problems(items, bookings)
    return problems


def assert_consistent(client: Any, table: str, schedule: Schedule) -> dict[str, int]:
    """Raise with every problem found; return a census of the table for the caller's asserts."""
    problems = check(client, table, schedule)
    assert problems == [], "inconsistent table:\n" + "\n".join(problems[:30])
    items = scan(client, table)
    census: Counter[str] = Counter(str(it.get("type", it["SK"])) for it in items)
    census.update(f"booking:{it['status']}" for it in items if it["SK"] == "BOOKING")
    return dict(census)


def _locks(items: list[dict[str, Any]], bookings: dict[str, Any], schedule: Schedule) -> list[str]:
    out = []
    held_by: dict[str, set[datetime]] = defaultdict(set)
    for it in items:
        if it["SK"] != "LOCK":
            continue
        at, owner = parse_iso(it["PK"].removeprefix("LOCK#")), it["booking_id"]
        b = bookings.get(owner)
        if b is None:
            out.append(f"lock {it['PK']} points at a missing booking {owner}")
        elif b["status"] not in KEEPS_SLOT:
            out.append(f"lock {it['PK']} points at {owner}, which is {b['status']}")
        held_by[owner].add(at)
    for bid, b in bookings.items():
        if b["status"] not in OPEN:
            continue
        want = set(lock_grid(schedule, Span(parse_iso(b["start"]), parse_iso(b["end"]))))
        have = held_by.get(bid, set())
        if want != have:
            out.append(f"{b['status']} booking {bid} at {b['start']}: locks {_diff(want, have)}")
    return out


def _diff(want: set[datetime], have: set[datetime]) -> str:
    missing = sorted(t.isoformat() for t in want - have)
    extra = sorted(t.isoformat() for t in have - want)
    return f"missing {missing}, extra {extra}"


def _days(items: list[dict[str, Any]], bookings: dict[str, Any], tz: str) -> list[str]:
    zone = ZoneInfo(tz)
    expected: Counter[str] = Counter(
        parse_iso(b["start"]).astimezone(zone).date().isoformat()
        for b in bookings.values()
        if b["status"] in KEEPS_SLOT
    )
    stored = {
        it["PK"].removeprefix("DAY#"): int(it.get("booked", 0)) for it in items if it["SK"] == "DAY"
    }
    return [
        f"day {day}: counter {stored.get(day, 0)}, bookings {expected.get(day, 0)}"
        for day in sorted(set(expected) | set(stored))
        if stored.get(day, 0) != expected.get(day, 0)
    ]


def _holds(items: list[dict[str, Any]], bookings: dict[str, Any]) -> list[str]:
    holds = {
        it["SK"].removeprefix("HOLD#"): it["PK"] for it in items if it["SK"].startswith("HOLD#")
    }
    out = []
    for bid, pk in holds.items():
        b = bookings.get(bid)
        if b is None or b["status"] not in HOLDING:
            out.append(f"open hold {pk}/{bid} for a booking that is {b and b['status']}")
        elif pk != f"CLIENT#{b['client']['email'].strip().lower()}":
            out.append(f"hold of {bid} is filed under {pk}")
    out += [
        f"{b['status']} booking {bid} has no open hold"
        for bid, b in bookings.items()
        if b["status"] in HOLDING and bid not in holds
    ]
    return out


def _ip_holds(items: list[dict[str, Any]], bookings: dict[str, Any]) -> list[str]:
    expected: Counter[str] = Counter(
        b["ip_hash"] for b in bookings.values() if b["status"] in HOLDING and b.get("ip_hash")
    )
    stored = {
        it["PK"].removeprefix("IP#"): int(it.get("holds", 0))
        for it in items
        if it["PK"].startswith("IP#") and it["SK"] == "HOLDS"
    }
    out = [
        f"network {h}: counter {stored.get(h, 0)}, open holds {expected.get(h, 0)}"
        for h in sorted(set(expected) | set(stored))
        if stored.get(h, 0) != expected.get(h, 0)
    ]
    out += [
        f"{b['status']} booking {bid} still carries its network's hash"
        for bid, b in bookings.items()
        if b.get("ip_hash") and b["status"] not in HOLDING
    ]
    return out


def _outbox(items: list[dict[str, Any]], bookings: dict[str, Any]) -> list[str]:
    out = []
    for it in items:
        if it["SK"] != "OUTBOX":
            continue
        owner = str(it.get("booking_id", ""))
        if owner not in bookings and owner != DIGEST_ID and not owner.startswith(WAITLIST_MAIL):
            out.append(f"{it['PK']} ({it['template']}) is for a missing booking")
        if it.get("delivered_at"):
            continue
        if it.get("GSI2PK") != "DUE":
            out.append(f"{it['PK']} ({it['template']}) is neither delivered nor due: {it}")
    return out
