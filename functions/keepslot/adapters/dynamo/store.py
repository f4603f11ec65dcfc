"""The one DynamoDB table: reads for the use cases, and Change -> TransactWriteItems."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from keepslot.adapters.dynamo.codec import (
    Item,
    booking_key,
    booking_to_item,
    credit_to_item,
    item_to_booking,
    item_to_credit,
    plain,
)
from keepslot.domain.availability import Span
from keepslot.domain.booking import Booking
from keepslot.domain.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    SlotTaken,
)
from keepslot.domain.instants import iso, parse_iso
from keepslot.service.changes import (
    Change,
    ClientEvent,
    EventSeen,
    Idempotency,
    IdempotencyTaken,
    Job,
    Message,
)
from keepslot.service.snapshots import ClientSnapshot, DueItem

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_ser, _de = TypeSerializer(), TypeDeserializer()
LOCK_TTL = timedelta(days=7)  # a lock outlives its slot briefly, then TTL sweeps it
PROVIDER_EVENT_TTL = timedelta(days=60)  # Stripe retries an event for 3 days at most


class ConcurrentChange(DomainError):
    """Someone else changed the same booking or credit first; the caller may retry."""

    code = "not_allowed_now"


def _dump(item: Item) -> dict[str, Any]:
    return {k: _ser.serialize(v) for k, v in item.items() if v is not None}


def _load(raw: dict[str, Any]) -> Item:
    return {k: _de.deserialize(v) for k, v in raw.items()}


def _vals(**values: Any) -> dict[str, Any]:
    return {f":{k}": _ser.serialize(v) for k, v in values.items()}


@dataclass
class _Op:
    """One transaction item, and what its failing condition means."""

    request: dict[str, Any]
    on_conflict: Callable[[], Exception]


class DynamoStore:
    def __init__(self, client: Callable[[], DynamoDBClient], table: str) -> None:
        self._client = client  # created lazily by the wiring, once
        self.table = table

    # ---- reads -------------------------------------------------------------

    def get_booking(self, booking_id: str) -> tuple[Booking, int]:
        res = self._client().get_item(
            TableName=self.table, Key=_dump(booking_key(booking_id)), ConsistentRead=True
        )
        if "Item" not in res:
            raise NotFound("no such booking")
        return item_to_booking(_load(res["Item"]))

    def client_snapshot(self, email: str) -> ClientSnapshot:
        """Profile, history, credits and open holds of one client: a single Query."""
        items = self._query(
            KeyConditionExpression="PK = :pk", ExpressionAttributeValues=_vals(pk=f"CLIENT#{email}")
        )
        snap = ClientSnapshot(email=email)
        for it in items:
            sk = it["SK"]
            if sk == "PROFILE":
                snap.profile = plain(it)
            elif sk.startswith("EVENT#"):
                snap.events.append(
                    ClientEvent(email, it["kind"], parse_iso(it["at"]), it["booking_id"])
                )
            elif sk.startswith("CREDIT#"):
                snap.credits.append(item_to_credit(it))
            elif sk.startswith("HOLD#"):
                snap.holds.append(sk.removeprefix("HOLD#"))
        return snap

    def calendar(self, start: datetime, end: datetime) -> list[Span]:
        """Open bookings starting in [start, end): one Query on the sparse calendar index."""
        items = self._query(
            IndexName="calendar",
            KeyConditionExpression="GSI1PK = :cal AND GSI1SK BETWEEN :a AND :b",
            ExpressionAttributeValues=_vals(cal="CAL", a=iso(start), b=iso(end) + "~"),
            ProjectionExpression="#s, #e",
            ExpressionAttributeNames={"#s": "start", "#e": "end"},
        )
        return [Span(parse_iso(it["start"]), parse_iso(it["end"])) for it in items]

    def due(self, now: datetime, limit: int = 100) -> list[DueItem]:
        """Jobs and undelivered mail due by `now`: one Query on the sparse due index."""
        items = self._query(
            IndexName="due",
            KeyConditionExpression="GSI2PK = :due AND GSI2SK <= :now",
            ExpressionAttributeValues=_vals(due="DUE", now=iso(now) + "~"),
            Limit=limit,
        )
        return [DueItem(it["PK"], it["SK"], plain(it)) for it in items]

    def due_between(self, start: datetime, end: datetime, part: str = "DUE") -> list[DueItem]:
        """Pending jobs due in [start, end) (or, with part="FAILED", mail given up on)."""
        items = self._query(
            IndexName="due",
            KeyConditionExpression="GSI2PK = :p AND GSI2SK BETWEEN :a AND :b",
            ExpressionAttributeValues=_vals(p=part, a=iso(start), b=iso(end)),
        )
        return [DueItem(it["PK"], it["SK"], plain(it)) for it in items]

    def bookings_between(self, start: datetime, end: datetime) -> list[Booking]:
        """Open bookings starting in [start, end), whole: for the weekly digest."""
        items = self._query(
            IndexName="calendar",
            KeyConditionExpression="GSI1PK = :cal AND GSI1SK BETWEEN :a AND :b",
            ExpressionAttributeValues=_vals(cal="CAL", a=iso(start), b=iso(end)),
        )
        return [item_to_booking(it)[0] for it in items]  # the index projects whole items

    def ensure_job(self, job: Job) -> bool:
        """Create a singleton job unless it exists (done or not); True if created now."""
        op = _Translator(self.table)._job(job).request["Put"]
        key = {"PK": op["Item"]["PK"], "SK": op["Item"]["SK"]}
        if "Item" in self._client().get_item(TableName=self.table, Key=key):
            return False
        try:
            self._client().put_item(**op, ConditionExpression="attribute_not_exists(PK)")
        except ClientError as e:
            if e.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def idempotency(self, key: str) -> Idempotency | None:
        res = self._client().get_item(
            TableName=self.table,
            Key=_dump({"PK": f"IDEM#{key}", "SK": "IDEM"}),
            ConsistentRead=True,
        )
        if "Item" not in res:
            return None
        it = plain(_load(res["Item"]))
        return Idempotency(key, it["body_hash"], it["booking_id"], parse_iso(it["created_at"]))

    def _query(self, **kwargs: Any) -> list[Item]:
        out: list[Item] = []
        page: dict[str, Any] = {"TableName": self.table, **kwargs}
        while True:
            res = self._client().query(**page)
            out.extend(_load(i) for i in res.get("Items", []))
            if "LastEvaluatedKey" not in res or "Limit" in kwargs:
                return out
            page["ExclusiveStartKey"] = res["LastEvaluatedKey"]

    # ---- writes ------------------------------------------------------------

    def mark_delivered(self, pk: str, sk: str, at: datetime) -> None:
        self._client().update_item(
            TableName=self.table,
            Key=_dump({"PK": pk, "SK": sk}),
            UpdateExpression="SET delivered_at = :at REMOVE GSI2PK, GSI2SK",
            ExpressionAttributeValues=_vals(at=iso(at)),
        )

    def retry_later(self, pk: str, sk: str, attempts: int, due: datetime, *, failed: bool) -> None:
        expr = "SET attempts = :n, GSI2SK = :sk"
        values = {"n": attempts, "sk": f"{iso(due)}#{pk}#{sk}"}
        if failed:  # out of the due index, into the failed partition the digest reads
            expr = "SET attempts = :n, failed = :t, GSI2PK = :f, GSI2SK = :sk"
            values = {"n": attempts, "t": True, "f": "FAILED", "sk": f"{iso(due)}#{pk}#{sk}"}
        self._client().update_item(
            TableName=self.table,
            Key=_dump({"PK": pk, "SK": sk}),
            UpdateExpression=expr,
            ExpressionAttributeValues=_vals(**values),
        )

    def commit(self, change: Change) -> None:
        ops = _Translator(self.table).ops(change)
        if not ops:
            return
        try:
            self._client().transact_write_items(
                TransactItems=[op.request for op in ops]  # type: ignore[misc]
            )
        except ClientError as e:
            if e.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = e.response.get("CancellationReasons", [])
            for op, reason in zip(ops, reasons, strict=False):
                if reason.get("Code") == "ConditionalCheckFailed":
                    raise op.on_conflict() from e
            raise ConcurrentChange("the booking changed meanwhile; please try again") from e


class _Translator:
    """Builds the transaction items of one Change."""

    def __init__(self, table: str) -> None:
        self.table = table

    def ops(self, c: Change) -> list[_Op]:
        ops: list[_Op] = []
        if c.idempotency:
            ops.append(self._idempotency(c.idempotency))
        for b in c.new_bookings:
            ops.append(
                self._put(booking_to_item(b, 1), "attribute_not_exists(PK)", ConcurrentChange)
            )
        for b, version in c.updated:
            ops.append(self._put_booking_version(b, version))
        for at, booking_id in c.take_locks:
            ops.append(self._lock(at, booking_id))
        for at, booking_id in c.release_locks:
            ops.append(self._release(at, booking_id))
        for at, old, new in c.move_locks:
            ops.append(self._move_lock(at, old, new))
        ops += [self._day(d, delta, cap) for d, delta, cap in c.day_counts]
        ops += [self._put(credit_to_item(cr), None, ConcurrentChange) for cr in c.credits_issued]
        ops += [self._use_credit(cr, used) for cr, used in c.credits_used]
        ops += [self._hold(email, bid) for email, bid in c.holds_open]
        ops += [self._delete({"PK": f"CLIENT#{e}", "SK": f"HOLD#{b}"}) for e, b in c.holds_closed]
        ops += [self._client_seen(b) for b in c.client_seen]
        ops += [self._event(ev) for ev in c.events]
        ops += [self._job(j) for j in c.jobs]
        ops += [self._job_done(bid, key) for bid, key in c.jobs_done]
        ops += [self._message(m) for m in c.outbox]
        ops += [self._provider_event(event_id) for event_id in c.provider_events]
        for n, entry in enumerate(c.ledger):
            item = {
                "PK": f"BOOKING#{entry.booking_id}",
                "SK": f"LEDGER#{iso(entry.at)}#{entry.kind}#{n}",
                "type": "ledger",
                "kind": entry.kind,
                "amount": entry.amount,
                "currency": entry.currency,
                "at": iso(entry.at),
                "ref": entry.ref,
            }
            ops.append(self._put(item, "attribute_not_exists(PK)", ConcurrentChange))
        return ops

    def _put(self, item: Item, condition: str | None, conflict: Callable[..., Exception]) -> _Op:
        put: dict[str, Any] = {"TableName": self.table, "Item": _dump(item)}
        if condition:
            put["ConditionExpression"] = condition
        return _Op({"Put": put}, lambda: conflict("a concurrent change won"))

    def _update(
        self,
        key: Item,
        expr: str,
        conflict: Callable[[], Exception],
        *,
        cond: str | None = None,
        values: dict[str, Any] | None = None,
        names: dict[str, str] | None = None,
    ) -> _Op:
        upd: dict[str, Any] = {"TableName": self.table, "Key": _dump(key), "UpdateExpression": expr}
        if cond:
            upd["ConditionExpression"] = cond
        if values:
            upd["ExpressionAttributeValues"] = _vals(**values)
        if names:
            upd["ExpressionAttributeNames"] = names
        return _Op({"Update": upd}, conflict)

    def _delete(
        self, key: Item, cond: str | None = None, values: dict[str, Any] | None = None
    ) -> _Op:
        d: dict[str, Any] = {"TableName": self.table, "Key": _dump(key)}
        if cond:
            d["ConditionExpression"] = cond
        if values:
            d["ExpressionAttributeValues"] = _vals(**values)
        return _Op({"Delete": d}, lambda: ConcurrentChange("a concurrent change won"))

    def _idempotency(self, idem: Idempotency) -> _Op:
        item = {
            "PK": f"IDEM#{idem.key}",
            "SK": "IDEM",
            "type": "idempotency",
            "body_hash": idem.body_hash,
            "booking_id": idem.booking_id,
            "created_at": iso(idem.expires_at - timedelta(hours=24)),
            "expires_at": int(idem.expires_at.timestamp()),
        }
        return _Op(
            self._put(item, "attribute_not_exists(PK)", ConcurrentChange).request,
            lambda: IdempotencyTaken(idem.key),
        )

    def _put_booking_version(self, b: Booking, version: int) -> _Op:
        item = booking_to_item(b, version + 1)
        put = {
            "TableName": self.table,
            "Item": _dump(item),
            "ConditionExpression": "version = :v",
            "ExpressionAttributeValues": _vals(v=version),
        }
        return _Op({"Put": put}, lambda: ConcurrentChange("the booking changed meanwhile"))

    def _lock(self, at: datetime, booking_id: str) -> _Op:
        item = {
            "PK": f"LOCK#{iso(at)}",
            "SK": "LOCK",
            "type": "lock",
            "booking_id": booking_id,
            "expires_at": int((at + LOCK_TTL).timestamp()),
        }
        return self._put(item, "attribute_not_exists(PK)", SlotTaken)

    def _release(self, at: datetime, booking_id: str) -> _Op:
        return self._delete(
            {"PK": f"LOCK#{iso(at)}", "SK": "LOCK"}, "booking_id = :b", {"b": booking_id}
        )

    def _move_lock(self, at: datetime, old: str, new: str) -> _Op:
        return self._update(
            {"PK": f"LOCK#{iso(at)}", "SK": "LOCK"},
            "SET booking_id = :new",
            lambda: SlotTaken("that time is no longer free"),
            cond="booking_id = :old",
            values={"new": new, "old": old},
        )

    def _day(self, day: Any, delta: int, cap: int | None) -> _Op:
        key = {"PK": f"DAY#{day.isoformat()}", "SK": "DAY"}
        if delta > 0 and cap is not None:
            return self._update(
                key,
                "ADD booked :one",
                lambda: InvalidInput("that day is fully booked", field="start"),
                cond="attribute_not_exists(booked) OR booked < :cap",
                values={"one": delta, "cap": cap},
            )
        return self._update(
            key, "ADD booked :d", lambda: ConcurrentChange("day"), values={"d": delta}
        )

    def _use_credit(self, credit: Any, used: int) -> _Op:
        key = {"PK": f"CLIENT#{credit.client}", "SK": f"CREDIT#{credit.source_booking_id}"}
        if used >= credit.amount:
            return self._delete(key, "amount = :a", {"a": credit.amount})
        return self._update(
            key,
            "SET amount = :left",
            lambda: ConcurrentChange("the credit was used meanwhile"),
            cond="amount = :a",
            values={"left": credit.amount - used, "a": credit.amount},
        )

    def _hold(self, email: str, booking_id: str) -> _Op:
        return self._put(
            {"PK": f"CLIENT#{email}", "SK": f"HOLD#{booking_id}", "type": "hold"},
            None,
            ConcurrentChange,
        )

    def _client_seen(self, b: Booking) -> _Op:
        return self._update(
            {"PK": f"CLIENT#{b.client.key}", "SK": "PROFILE"},
            "SET #t = :t, #n = :n, phone = :p, last_seen = :at ADD bookings :one",
            lambda: ConcurrentChange("client"),
            values={
                "t": "client",
                "n": b.client.name,
                "p": b.client.phone or "",
                "at": iso(b.created_at),
                "one": 1,
            },
            names={"#t": "type", "#n": "name"},
        )

    def _event(self, ev: ClientEvent) -> _Op:
        item = {
            "PK": f"CLIENT#{ev.email}",
            "SK": f"EVENT#{iso(ev.at)}#{ev.booking_id}#{ev.kind}",
            "type": "client_event",
            "kind": ev.kind,
            "at": iso(ev.at),
            "booking_id": ev.booking_id,
        }
        # Counters are derived from these events on read: one item per event, no drift.
        return self._put(item, None, ConcurrentChange)

    def _job(self, job: Job) -> _Op:
        pk = f"BOOKING#{job.booking_id}"
        item = {
            "PK": pk,
            "SK": job.key,
            "type": "job",
            "kind": job.kind.value,
            "booking_id": job.booking_id,
            "due_at": iso(job.due),
            "data": json.dumps(job.data),
            "GSI2PK": "DUE",
            "GSI2SK": f"{iso(job.due)}#{pk}#{job.key}",
        }
        return self._put(item, None, ConcurrentChange)

    def _job_done(self, booking_id: str, key: str) -> _Op:
        # Only a job still pending can be done: a second clock run cannot repeat it.
        return self._update(
            {"PK": f"BOOKING#{booking_id}", "SK": key},
            "REMOVE GSI2PK, GSI2SK",
            lambda: ConcurrentChange("this job already ran"),
            cond="attribute_exists(GSI2PK)",
        )

    def _provider_event(self, event_id: str) -> _Op:
        # In the same transaction as the state change: an event is handled exactly once.
        item: Item = {"PK": f"STRIPE#{event_id}", "SK": "EVENT", "type": "provider_event"}
        item["expires_at"] = int(time.time() + PROVIDER_EVENT_TTL.total_seconds())  # housekeeping
        op = self._put(item, "attribute_not_exists(PK)", ConcurrentChange)
        return _Op(op.request, lambda: EventSeen(event_id))

    def _message(self, m: Message) -> _Op:
        pk = f"OUTBOX#{m.id}"
        item = {
            "PK": pk,
            "SK": "OUTBOX",
            "type": "outbox",
            "template": m.template,
            "to": m.to,
            "booking_id": m.booking_id,
            "context": json.dumps(m.context, default=str),
            "created_at": iso(m.created_at),
            "attempts": 0,
            "GSI2PK": "DUE",
            "GSI2SK": f"{iso(m.created_at)}#{pk}#OUTBOX",
        }
        return self._put(item, "attribute_not_exists(PK)", ConcurrentChange)
