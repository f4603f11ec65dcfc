"""Items of freed hours and waitlist entries: their writes in a Change, and their reads.

- FREED#<booking id>: an hour a late cancel gave back, in the calendar index under its
  own partition ("FREED"), by start; swept by TTL a day after that start.
- WAIT#<entry id>: a waitlist entry, in the calendar index under "WAIT" by its last day
  (offers read the entries still open on a day with one Query); a marker under its
  client (CLIENT#<email> / WAIT#<id>) counts the address's open entries. Both carry the
  retention TTL from the entry's last day: personal data leaves with the entry.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from keepslot.adapters.dynamo.codec import Item
from keepslot.domain.booking import Mode
from keepslot.domain.errors import TooManyEntries
from keepslot.domain.instants import iso, parse_iso
from keepslot.domain.waitlist import Times, WaitEntry
from keepslot.service.ports.changes import Change, Freed

if TYPE_CHECKING:
    from keepslot.adapters.dynamo.transaction import Op, TransactionBuilder

FREED_TTL = timedelta(days=1)


def waitlist_ops(t: TransactionBuilder, c: Change) -> list[Op]:
    """The transaction items for the freed hours and waitlist entries of one change."""
    from keepslot.adapters.dynamo.transaction import ConcurrentChange, ttl

    ops = [
        t._put(freed_to_item(f) | {"expires_at": ttl(f.start + FREED_TTL)}, None, ConcurrentChange)
        for f in c.freed
    ]
    # Without a condition: the refill job deletes it when it gives the refill, which the
    # cancelled booking's own version makes happen once.
    ops += [t._delete(own_key("FREED", bid)) for bid in c.freed_taken]
    for e, replaces in c.waitlist_joined:
        expires = {"expires_at": ttl(_day_end(e.last) + t.retention)}
        ops.append(t._put(entry_to_item(e) | expires, "attribute_not_exists(PK)", ConcurrentChange))
        ops.append(_take_place(t, e, replaces, expires))
    for e in c.waitlist_ended:
        ops.append(t._delete(own_key("WAIT", e.id)))
        # Only while the place is still this entry's: an ended entry's place may be taken.
        ops.append(t._delete(_place_key(e), "entry_id = :e", {"e": e.id}))
    return ops


def _place_key(e: WaitEntry) -> Item:
    return {"PK": f"CLIENT#{e.email}", "SK": f"WAIT#{e.place}"}


def _take_place(t: TransactionBuilder, e: WaitEntry, replaces: str | None, expires: Item) -> Op:
    """One of the address's places, taken only as it was read (empty, or held by the ended
    entry `replaces`): two joins at once cannot both take the last place."""
    from keepslot.adapters.dynamo.codec import dump, values
    from keepslot.adapters.dynamo.transaction import Op

    item = _place_key(e) | {"type": "waiting", "entry_id": e.id, "last": e.last.isoformat()}
    put: dict[str, Any] = {"TableName": t.table, "Item": dump(item | expires)}
    if replaces is None:
        put["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        put["ConditionExpression"] = "entry_id = :old"
        put["ExpressionAttributeValues"] = values(old=replaces)
    return Op({"Put": put}, lambda: TooManyEntries("another request took this place; try again"))


def _day_end(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, UTC)


def own_key(partition: str, item_id: str) -> Item:
    """The key of a freed hour or an entry: its own partition, `<partition>#<id>`."""
    return {"PK": f"{partition}#{item_id}", "SK": partition}


def _listed(partition: str, item_id: str, by: str, fields: Item) -> Item:
    """An item in its own partition, listed in the calendar index under `partition` by
    `by` (then its id, so two items listed at one moment stay apart)."""
    index = {"GSI1PK": partition, "GSI1SK": f"{by}#{item_id}"}
    return own_key(partition, item_id) | fields | index


def freed_to_item(f: Freed) -> Item:
    start = iso(f.start)
    fields: Item = {"type": "freed", "booking_id": f.booking_id, "start": start, "end": iso(f.end)}
    return _listed("FREED", f.booking_id, start, fields)


def item_to_freed(it: Item) -> Freed:
    return Freed(it["booking_id"], parse_iso(it["start"]), parse_iso(it["end"]))


def entry_to_item(e: WaitEntry) -> Item:
    fields: Item = {
        "type": "waitlist",
        "id": e.id,
        "service": e.service,
        "email": e.email,
        "name": e.name,
        "phone": e.phone,
        "from": e.first.isoformat(),
        "to": e.last.isoformat(),
        "mode": e.mode.value if e.mode else None,
        "times": [str(w) for w in e.times],
        "timezone": e.timezone,
        "created_at": iso(e.created_at),
        "place": e.place,
    }
    return _listed("WAIT", e.id, e.last.isoformat(), fields)


def item_to_entry(it: Item) -> WaitEntry:
    return WaitEntry(
        id=it["id"],
        service=it["service"],
        email=it["email"],
        name=it["name"],
        first=date.fromisoformat(it["from"]),
        last=date.fromisoformat(it["to"]),
        created_at=parse_iso(it["created_at"]),
        mode=Mode(it["mode"]) if it.get("mode") else None,
        times=tuple(_times(w) for w in it.get("times") or []),
        phone=it.get("phone"),
        timezone=it.get("timezone"),
        place=int(it.get("place", 0)),
    )


def _times(raw: str) -> Times:
    a, b = raw.split("-")
    return Times(time.fromisoformat(a), time.fromisoformat(b))


def query_args(partition: str, low: str, high: str) -> dict[str, Any]:
    """A calendar-index Query of one partition between two sort keys."""
    from keepslot.adapters.dynamo.codec import values

    return {
        "IndexName": "calendar",
        "KeyConditionExpression": "GSI1PK = :p AND GSI1SK BETWEEN :a AND :b",
        "ExpressionAttributeValues": values(p=partition, a=low, b=high),
    }
