"""The one DynamoDB table: the use cases' reads, and commit (one Change, one transaction)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from keepslot.adapters.dynamo.codec import (
    BUSY_TYPE,
    Item,
    booking_key,
    dump,
    item_to_booking,
    item_to_credit,
    load,
    plain,
    values,
)
from keepslot.adapters.dynamo.transaction import (
    DEFAULT_RETENTION,
    ConcurrentChange,
    TransactionBuilder,
)
from keepslot.adapters.dynamo.waitlist_items import (
    item_to_entry,
    item_to_freed,
    own_key,
    query_args,
)
from keepslot.domain.availability import Span
from keepslot.domain.booking import Booking
from keepslot.domain.errors import NotFound
from keepslot.domain.instants import iso, parse_iso
from keepslot.domain.waitlist import WaitEntry
from keepslot.service.ports.changes import Change, ClientEvent, Freed, Idempotency, Job, Message
from keepslot.service.ports.snapshots import Agenda, ClientSnapshot, DueItem

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

__all__ = ["ConcurrentChange", "DynamoStore"]


class DynamoStore:
    def __init__(
        self,
        client: Callable[[], DynamoDBClient],
        table: str,
        retention: timedelta = DEFAULT_RETENTION,
        timezone: str | None = None,
    ) -> None:
        self._client = client  # created lazily by the wiring, once
        self.table = table
        self.retention = retention  # how long personal data outlives its last use
        # The freelancer's: the report's counters count in their months (None: not kept).
        self.timezone = timezone

    # ---- reads -------------------------------------------------------------

    def get_booking(self, booking_id: str) -> tuple[Booking, int]:
        res = self._client().get_item(
            TableName=self.table, Key=dump(booking_key(booking_id)), ConsistentRead=True
        )
        if "Item" not in res:
            raise NotFound("no such booking")
        return item_to_booking(load(res["Item"]))

    def client_snapshot(self, email: str) -> ClientSnapshot:
        """Profile, history, credits and open holds of one client: a single Query."""
        items = self._query(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues=values(pk=f"CLIENT#{email}"),
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
            elif sk.startswith("WAIT#"):
                place = int(sk.removeprefix("WAIT#"))
                snap.waiting[place] = (it["entry_id"], date.fromisoformat(it["last"]))
        return snap

    def calendar(self, start: datetime, end: datetime) -> list[Span]:
        """Open bookings starting in [start, end): one Query on the sparse calendar index."""
        return self.agenda(start, end).bookings

    def agenda(self, start: datetime, end: datetime) -> Agenda:
        """Open bookings and busy blocks starting in [start, end): one Query.

        Busy blocks are stored in pieces of at most 12 hours (adapters/dynamo/busy.py),
        so a range read from a day early sees every piece that reaches into it."""
        items = self._query(
            IndexName="calendar",
            KeyConditionExpression="GSI1PK = :cal AND GSI1SK BETWEEN :a AND :b",
            ExpressionAttributeValues=values(cal="CAL", a=iso(start), b=iso(end) + "~"),
            ProjectionExpression="#s, #e, #t",
            ExpressionAttributeNames={"#s": "start", "#e": "end", "#t": "type"},
        )
        agenda = Agenda()
        for it in items:
            span = Span(parse_iso(it["start"]), parse_iso(it["end"]))
            (agenda.blocked if it.get("type") == BUSY_TYPE else agenda.bookings).append(span)
        return agenda

    def freed_between(self, start: datetime, end: datetime) -> list[Freed]:
        """Hours late cancels gave back, starting in [start, end): one Query."""
        args = query_args("FREED", iso(start), iso(end) + "~")
        return [item_to_freed(it) for it in self._query(**args)]

    def waiting_from(self, day: date) -> list[WaitEntry]:
        """Waitlist entries whose last day is `day` or later: one Query."""
        return [item_to_entry(it) for it in self._query(**query_args("WAIT", day.isoformat(), "~"))]

    def waitlist_entry(self, entry_id: str) -> WaitEntry:
        res = self._client().get_item(TableName=self.table, Key=dump(own_key("WAIT", entry_id)))
        if "Item" not in res:
            raise NotFound("no such waitlist entry")
        return item_to_entry(load(res["Item"]))

    def due(self, now: datetime, limit: int = 100) -> list[DueItem]:
        """Jobs and undelivered mail due by `now`: one Query on the sparse due index."""
        items = self._query(
            IndexName="due",
            KeyConditionExpression="GSI2PK = :due AND GSI2SK <= :now",
            ExpressionAttributeValues=values(due="DUE", now=iso(now) + "~"),
            Limit=limit,
        )
        return [DueItem(it["PK"], it["SK"], plain(it)) for it in items]

    def due_between(self, start: datetime, end: datetime, part: str = "DUE") -> list[DueItem]:
        """Pending jobs due in [start, end) (or, with part="FAILED", mail and jobs given up on)."""
        items = self._query(
            IndexName="due",
            KeyConditionExpression="GSI2PK = :p AND GSI2SK BETWEEN :a AND :b",
            ExpressionAttributeValues=values(p=part, a=iso(start), b=iso(end)),
        )
        return [DueItem(it["PK"], it["SK"], plain(it)) for it in items]

    def bookings_between(self, start: datetime, end: datetime) -> list[Booking]:
        """Open bookings starting in [start, end), whole: for the weekly digest."""
        items = self._query(
            IndexName="calendar",
            KeyConditionExpression="GSI1PK = :cal AND GSI1SK BETWEEN :a AND :b",
            ExpressionAttributeValues=values(cal="CAL", a=iso(start), b=iso(end)),
        )
        # The index projects whole items; busy blocks share it and are not bookings.
        return [item_to_booking(it)[0] for it in items if it.get("type") != BUSY_TYPE]

    def ensure_job(self, job: Job) -> bool:
        """Create a singleton job unless it exists (done or not); True if created now."""
        op = TransactionBuilder(self.table, self.retention).job(job).request["Put"]
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
            Key=dump({"PK": f"IDEM#{key}", "SK": "IDEM"}),
            ConsistentRead=True,
        )
        if "Item" not in res:
            return None
        it = plain(load(res["Item"]))
        expires_at = datetime.fromtimestamp(it["expires_at"], UTC)
        return Idempotency(key, it["body_hash"], it["booking_id"], expires_at)

    def _query(self, **kwargs: Any) -> list[Item]:
        out: list[Item] = []
        page: dict[str, Any] = {"TableName": self.table, **kwargs}
        while True:
            res = self._client().query(**page)
            out.extend(load(i) for i in res.get("Items", []))
            if "LastEvaluatedKey" not in res or "Limit" in kwargs:
                return out
            page["ExclusiveStartKey"] = res["LastEvaluatedKey"]

    # ---- writes ------------------------------------------------------------

    def mark_delivered(self, pk: str, sk: str, at: datetime) -> None:
        self._client().update_item(
            TableName=self.table,
            Key=dump({"PK": pk, "SK": sk}),
            UpdateExpression="SET delivered_at = :at REMOVE GSI2PK, GSI2SK",
            ExpressionAttributeValues=values(at=iso(at)),
        )

    def retry_later(self, pk: str, sk: str, attempts: int, due: datetime, *, failed: bool) -> None:
        expr = "SET attempts = :n, GSI2SK = :sk"
        named: dict[str, Any] = {"n": attempts, "sk": f"{iso(due)}#{pk}#{sk}"}
        if failed:  # out of the due index, into the failed partition the digest reads
            expr = "SET attempts = :n, failed = :t, GSI2PK = :f, GSI2SK = :sk"
            named = {"n": attempts, "t": True, "f": "FAILED", "sk": f"{iso(due)}#{pk}#{sk}"}
        self._client().update_item(
            TableName=self.table,
            Key=dump({"PK": pk, "SK": sk}),
            UpdateExpression=expr,
            ExpressionAttributeValues=values(**named),
        )

    def job_attempt_failed(
        self, pk: str, sk: str, attempts: int, due: datetime, *, failed: bool, error: str
    ) -> None:
        """A job that could not run: due again at `due`, or (failed) moved out of the due
        index into the partition the digest reads. Only a job still pending is touched:
        one that another run finished meanwhile stays done."""
        part = "FAILED" if failed else "DUE"
        try:
            self._client().update_item(
                TableName=self.table,
                Key=dump({"PK": pk, "SK": sk}),
                UpdateExpression="SET attempts = :n, last_error = :e, GSI2PK = :p, GSI2SK = :sk",
                ConditionExpression="GSI2PK = :due",
                ExpressionAttributeValues=values(
                    n=attempts, e=error, p=part, sk=f"{iso(due)}#{pk}#{sk}", due="DUE"
                ),
            )
        except ClientError as e:
            if e.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    def set_blocked(self, email: str, blocked: bool, outbox: list[Message]) -> None:
        """PROFILE.blocked, with any farewell mail, in one transaction."""
        update = {
            "Update": {
                "TableName": self.table,
                "Key": dump({"PK": f"CLIENT#{email}", "SK": "PROFILE"}),
                "UpdateExpression": "SET #t = :t, blocked = :b",
                "ExpressionAttributeNames": {"#t": "type"},
                "ExpressionAttributeValues": values(t="client", b=blocked),
            }
        }
        mail = [op.request for op in TransactionBuilder(self.table).ops(Change(outbox=outbox))]
        self._client().transact_write_items(TransactItems=[update, *mail])  # type: ignore[list-item]

    def commit(self, change: Change) -> None:
        ops = TransactionBuilder(self.table, self.retention, self.timezone).ops(change)
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
