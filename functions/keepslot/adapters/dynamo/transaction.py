"""A Change -> the items of one TransactWriteItems, each with what its failed condition means."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from keepslot.adapters.dynamo.codec import Item, booking_to_item, credit_to_item, dump, values
from keepslot.adapters.dynamo.ledger import ledger_items
from keepslot.adapters.dynamo.needs import needs_requests
from keepslot.adapters.dynamo.report import counter_updates
from keepslot.adapters.dynamo.waitlist_items import waitlist_ops
from keepslot.domain.booking import Booking
from keepslot.domain.credit import Credit
from keepslot.domain.errors import Conflict, InvalidInput, SlotTaken, TooManyHolds
from keepslot.domain.instants import iso
from keepslot.service.ports.changes import (
    NEW_VERSION,
    Change,
    ClientEvent,
    EventSeen,
    Hold,
    Idempotency,
    IdempotencyTaken,
    Job,
    Message,
    NetworkDay,
)

LOCK_TTL = timedelta(days=7)  # a lock outlives its slot briefly, then TTL sweeps it
PROVIDER_EVENT_TTL = timedelta(days=60)  # Stripe retries an event for 3 days at most
# Personal data is kept for `privacy.retention_days` after it was last needed, then the
# table's TTL deletes it (privacy.retention_days). Ledger rows carry no personal data and stay.
DEFAULT_RETENTION = timedelta(days=730)
MAIL_TTL = timedelta(days=90)  # a message is sent in minutes; failures show in the digest


def ttl(at: datetime) -> int:
    """DynamoDB's TTL attribute: epoch seconds."""
    return int(at.timestamp())


def _day_end(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=2), datetime.min.time(), UTC)


class ConcurrentChange(Conflict):
    """Someone else changed the same booking or credit first; the caller may retry."""

    code = "not_allowed_now"


@dataclass
class Op:
    """One transaction item, and what its failing condition means."""

    request: dict[str, Any]
    on_conflict: Callable[[], Exception]


class TransactionBuilder:
    """Builds the transaction items of one Change."""

    def __init__(
        self, table: str, retention: timedelta = DEFAULT_RETENTION, timezone: str | None = None
    ) -> None:
        self.table = table
        self.retention = retention
        self.timezone = timezone  # the report's months are the freelancer's; None: no report

    def ops(self, c: Change) -> list[Op]:
        ops: list[Op] = []
        if c.idempotency:
            ops.append(self._idempotency(c.idempotency))
        for b in c.new_bookings:
            ops.append(
                self._put(
                    self._booking(b, NEW_VERSION), "attribute_not_exists(PK)", ConcurrentChange
                )
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
        ops += [self._credit(cr) for cr in c.credits_issued]
        ops += [self._use_credit(cr, used) for cr, used in c.credits_used]
        for hold in c.holds_open:
            ops.append(self._hold(hold))
            if hold.ip_hash:
                ops.append(self._ip_holds(hold, +1))
        for hold in c.holds_closed:
            ops.append(
                self._delete({"PK": f"CLIENT#{hold.email}", "SK": f"HOLD#{hold.booking_id}"})
            )
            if hold.ip_hash:
                ops.append(self._ip_holds(hold, -1))
        ops += [self._network_day(n) for n in c.network_days]
        ops += [self._client_seen(b) for b in c.client_seen]
        ops += [self._event(ev) for ev in c.events]
        ops += [self.job(j) for j in c.jobs]
        ops += [self._job_done(bid, key) for bid, key in c.jobs_done]
        ops += [self._message(m) for m in c.outbox]
        ops += [self._provider_event(event_id, at) for event_id, at in c.provider_events]
        ops += [
            self._put(item, "attribute_not_exists(PK)", ConcurrentChange)
            for item in ledger_items(c)
        ]
        ops += [Op(r, lambda: ConcurrentChange("needs")) for r in needs_requests(self.table, c)]
        if self.timezone:  # the report's counters move with the change they count
            report = counter_updates(self.table, c, self.timezone)
            ops += [Op(r, lambda: ConcurrentChange("report")) for r in report]
        ops += waitlist_ops(self, c)
        return ops

    def job(self, job: Job) -> Op:
        """A pending job's item (also how the store creates a singleton job on its own)."""
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
            "expires_at": ttl(job.due + self.retention),  # its data may name the client
        }
        return self._put(item, None, ConcurrentChange)

    # ---- item shapes -------------------------------------------------------

    def _put(self, item: Item, condition: str | None, conflict: Callable[..., Exception]) -> Op:
        put: dict[str, Any] = {"TableName": self.table, "Item": dump(item)}
        if condition:
            put["ConditionExpression"] = condition
        return Op({"Put": put}, lambda: conflict("a concurrent change won"))

    def _update(
        self,
        key: Item,
        expr: str,
        conflict: Callable[[], Exception],
        *,
        cond: str | None = None,
        vals: dict[str, Any] | None = None,
        names: dict[str, str] | None = None,
    ) -> Op:
        upd: dict[str, Any] = {"TableName": self.table, "Key": dump(key), "UpdateExpression": expr}
        if cond:
            upd["ConditionExpression"] = cond
        if vals:
            upd["ExpressionAttributeValues"] = values(**vals)
        if names:
            upd["ExpressionAttributeNames"] = names
        return Op({"Update": upd}, conflict)

    def _delete(self, key: Item, cond: str | None = None, vals: dict[str, Any] | None = None) -> Op:
        d: dict[str, Any] = {"TableName": self.table, "Key": dump(key)}
        if cond:
            d["ConditionExpression"] = cond
        if vals:
            d["ExpressionAttributeValues"] = values(**vals)
        return Op({"Delete": d}, lambda: ConcurrentChange("a concurrent change won"))

    # ---- one builder per kind of change -------------------------------------

    def _idempotency(self, idem: Idempotency) -> Op:
        item = {
            "PK": f"IDEM#{idem.key}",
            "SK": "IDEM",
            "type": "idempotency",
            "body_hash": idem.body_hash,
            "booking_id": idem.booking_id,
            "created_at": iso(idem.expires_at - timedelta(hours=24)),
            "expires_at": int(idem.expires_at.timestamp()),
        }
        return Op(
            self._put(item, "attribute_not_exists(PK)", ConcurrentChange).request,
            lambda: IdempotencyTaken(idem.key),
        )

    def _booking(self, b: Booking, version: int) -> Item:
        return booking_to_item(b, version) | {"expires_at": ttl(b.end + self.retention)}

    def _credit(self, credit: Credit) -> Op:
        item = credit_to_item(credit) | {"expires_at": ttl(credit.until + self.retention)}
        # Never over another credit under the same key: that one's money would be lost.
        return self._put(item, "attribute_not_exists(PK)", ConcurrentChange)

    def _put_booking_version(self, b: Booking, version: int) -> Op:
        item = self._booking(b, version + 1)
        put = {
            "TableName": self.table,
            "Item": dump(item),
            "ConditionExpression": "version = :v",
            "ExpressionAttributeValues": values(v=version),
        }
        return Op({"Put": put}, lambda: ConcurrentChange("the booking changed meanwhile"))

    def _lock(self, at: datetime, booking_id: str) -> Op:
        item = {
            "PK": f"LOCK#{iso(at)}",
            "SK": "LOCK",
            "type": "lock",
            "booking_id": booking_id,
            "expires_at": int((at + LOCK_TTL).timestamp()),
        }
        return self._put(item, "attribute_not_exists(PK)", SlotTaken)

    def _release(self, at: datetime, booking_id: str) -> Op:
        return self._delete(
            {"PK": f"LOCK#{iso(at)}", "SK": "LOCK"}, "booking_id = :b", {"b": booking_id}
        )

    def _move_lock(self, at: datetime, old: str, new: str) -> Op:
        return self._update(
            {"PK": f"LOCK#{iso(at)}", "SK": "LOCK"},
            "SET booking_id = :new",
            lambda: SlotTaken("that time is no longer free"),
            cond="booking_id = :old",
            vals={"new": new, "old": old},
        )

    def _day(self, day: Any, delta: int, cap: int | None) -> Op:
        key = {"PK": f"DAY#{day.isoformat()}", "SK": "DAY"}
        if delta > 0 and cap is not None:
            return self._update(
                key,
                "ADD booked :one",
                lambda: InvalidInput("that day is fully booked", field="start"),
                cond="attribute_not_exists(booked) OR booked < :cap",
                vals={"one": delta, "cap": cap},
            )
        return self._update(
            key, "ADD booked :d", lambda: ConcurrentChange("day"), vals={"d": delta}
        )

    def _use_credit(self, credit: Any, used: int) -> Op:
        key = {"PK": f"CLIENT#{credit.client}", "SK": f"CREDIT#{credit.source_booking_id}"}
        if used >= credit.amount:
            return self._delete(key, "amount = :a", {"a": credit.amount})
        return self._update(
            key,
            "SET amount = :left",
            lambda: ConcurrentChange("the credit was used meanwhile"),
            cond="amount = :a",
            vals={"left": credit.amount - used, "a": credit.amount},
        )

    def _hold(self, hold: Hold) -> Op:
        return self._put(
            {"PK": f"CLIENT#{hold.email}", "SK": f"HOLD#{hold.booking_id}", "type": "hold"},
            None,
            ConcurrentChange,
        )

    def _ip_holds(self, hold: Hold, delta: int) -> Op:
        """The open holds of one network: a counter, capped like the day's bookings.

        Opening a hold refreshes the counter's TTL past the longest hold, so every hold
        open now closes before the item can be swept; a decrement lost to a bug leaves
        the count high only until that network has been quiet that long."""
        key = {"PK": f"IP#{hold.ip_hash}", "SK": "HOLDS"}
        vals: dict[str, Any] = {"d": delta, "t": "ip_holds"}
        sets = "#type = :t"
        if hold.ip_until:
            vals["until"] = int(hold.ip_until.timestamp())
            # A counter swept meanwhile comes back with a TTL, never as a stray item.
            sets += ", expires_at = " + (
                ":until" if delta > 0 else "if_not_exists(expires_at, :until)"
            )
        expr, names = f"SET {sets} ADD holds :d", {"#type": "type"}
        if delta > 0 and hold.ip_cap is not None:
            vals["cap"] = hold.ip_cap
            return self._update(
                key,
                expr,
                lambda: TooManyHolds(
                    "several bookings from this connection are already waiting for payment; "
                    "please complete or cancel one of them first"
                ),
                cond="attribute_not_exists(holds) OR holds < :cap",
                vals=vals,
                names=names,
            )
        return self._update(key, expr, lambda: ConcurrentChange("ip holds"), vals=vals, names=names)

    def _network_day(self, n: NetworkDay) -> Op:
        """A network's bookings of one day: only ever counted up, swept the day after."""
        return self._update(
            {"PK": f"IP#{n.ip_hash}", "SK": f"DAY#{n.day.isoformat()}"},
            "SET #type = :t, expires_at = :until ADD booked :one",
            lambda: TooManyHolds(
                "many bookings came from this connection today; please try again tomorrow"
            ),
            cond="attribute_not_exists(booked) OR booked < :cap",
            vals={"t": "ip_day", "until": ttl(_day_end(n.day)), "one": 1, "cap": n.cap},
            names={"#type": "type"},
        )

    def _client_seen(self, b: Booking) -> Op:
        return self._update(
            {"PK": f"CLIENT#{b.client.key}", "SK": "PROFILE"},
            "SET #t = :t, #n = :n, phone = :p, last_seen = :at, expires_at = :exp"
            " ADD bookings :one",
            lambda: ConcurrentChange("client"),
            vals={
                "t": "client",
                "n": b.client.name,
                "p": b.client.phone or "",
                "at": iso(b.created_at),
                "one": 1,
                # A client's record lives as long as their latest booking's does.
                "exp": ttl(b.end + self.retention),
            },
            names={"#t": "type", "#n": "name"},
        )

    def _event(self, ev: ClientEvent) -> Op:
        item = {
            "PK": f"CLIENT#{ev.email}",
            "SK": f"EVENT#{iso(ev.at)}#{ev.booking_id}#{ev.kind}",
            "type": "client_event",
            "kind": ev.kind,
            "at": iso(ev.at),
            "booking_id": ev.booking_id,
            "expires_at": ttl(ev.at + self.retention),
        }
        # Counters are derived from these events on read: one item per event, no drift.
        return self._put(item, None, ConcurrentChange)

    def _job_done(self, booking_id: str, key: str) -> Op:
        # Only a job still pending can be done: a second clock run cannot repeat it.
        return self._update(
            {"PK": f"BOOKING#{booking_id}", "SK": key},
            "REMOVE GSI2PK, GSI2SK",
            lambda: ConcurrentChange("this job already ran"),
            cond="attribute_exists(GSI2PK)",
        )

    def _provider_event(self, event_id: str, at: datetime) -> Op:
        # In the same transaction as the state change: an event is handled exactly once.
        item: Item = {"PK": f"STRIPE#{event_id}", "SK": "EVENT", "type": "provider_event"}
        item["expires_at"] = ttl(at + PROVIDER_EVENT_TTL)  # housekeeping
        op = self._put(item, "attribute_not_exists(PK)", ConcurrentChange)
        return Op(op.request, lambda: EventSeen(event_id))

    def _message(self, m: Message) -> Op:
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
            "expires_at": ttl(m.created_at + MAIL_TTL),
        }
        return self._put(item, "attribute_not_exists(PK)", ConcurrentChange)
