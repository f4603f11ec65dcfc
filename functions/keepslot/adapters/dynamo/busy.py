"""Busy times in the table: what each calendar's sync writes, and what it remembers.

- `CALENDARS` / `<id>`: one calendar's state (validators, last success and error,
  its blocks), all in one partition: one Query reads every calendar's state.
- `BUSY#<id>` / `<start>#<end>`: one piece (at most 12 h) of a busy block, in the
  `calendar` index beside the open bookings: the slots of a range stay one Query.
- `LOCK#<iso>` / `LOCK` with `busy`: a busy 5-minute cell, the very item a booking's
  transaction must create (`attribute_not_exists`), so a booking over a busy time
  is refused by its own transaction. A cell a booking holds is never overwritten.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.exceptions import ClientError

from keepslot.adapters.dynamo.codec import BUSY_TYPE, Item, dump, load, plain, values
from keepslot.adapters.dynamo.transaction import LOCK_TTL, TransactionBuilder, ttl
from keepslot.domain.availability import Span
from keepslot.domain.instants import iso, parse_iso
from keepslot.service.ports import CalendarState, StateChanged
from keepslot.service.ports.changes import Change, Message

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

T = TypeVar("T")
STATES_PK = "CALENDARS"
_WORKERS = 8  # boto3 clients are thread-safe; a first sync writes thousands of cells
_PARALLEL_FROM = 50


def busy_piece_item(calendar_id: str, piece: Span) -> Item:
    return {
        "PK": f"BUSY#{calendar_id}",
        "SK": f"{iso(piece.start)}#{iso(piece.end)}",
        "type": BUSY_TYPE,
        "calendar": calendar_id,
        "start": iso(piece.start),
        "end": iso(piece.end),
        "GSI1PK": "CAL",
        "GSI1SK": f"{iso(piece.start)}#busy#{calendar_id}",
        "expires_at": ttl(piece.end + LOCK_TTL),
    }


class DynamoBusyTable:
    def __init__(self, client: Callable[[], DynamoDBClient], table: str) -> None:
        self._client = client
        self.table = table

    # ---- state ---------------------------------------------------------------

    def states(self) -> dict[str, CalendarState]:
        out: dict[str, CalendarState] = {}
        page: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": values(pk=STATES_PK),
            "ConsistentRead": True,
        }
        while True:
            res = self._client().query(**page)
            for raw in res.get("Items", []):
                state = _state_of(plain(load(raw)))
                out[state.calendar_id] = state
            if "LastEvaluatedKey" not in res:
                return out
            page["ExclusiveStartKey"] = res["LastEvaluatedKey"]

    def save_state(self, state: CalendarState, alerts: list[Message]) -> None:
        item = _state_item(state) | {"version": state.version + 1}
        put: dict[str, Any] = {"TableName": self.table, "Item": dump(item)}
        if state.version:
            put["ConditionExpression"] = "version = :v"
            put["ExpressionAttributeValues"] = values(v=state.version)
        else:
            put["ConditionExpression"] = "attribute_not_exists(PK)"
        items: list[Any] = [{"Put": put}]
        items += [op.request for op in TransactionBuilder(self.table).ops(Change(outbox=alerts))]
        try:
            if len(items) == 1:  # most syncs: no alert, a plain conditional write
                self._client().put_item(**put)
            else:
                self._client().transact_write_items(TransactItems=items)
        except ClientError as e:
            code = e.response["Error"]["Code"]
            if code in ("TransactionCanceledException", "ConditionalCheckFailedException"):
                raise StateChanged(state.calendar_id) from e
            raise

    def forget(self, calendar_id: str) -> None:
        self._client().delete_item(
            TableName=self.table, Key=dump({"PK": STATES_PK, "SK": calendar_id})
        )

    # ---- the pieces the slots read -------------------------------------------

    def put_blocks(self, calendar_id: str, blocks: set[Span]) -> None:
        def put(piece: Span) -> bool:
            self._client().put_item(
                TableName=self.table, Item=dump(busy_piece_item(calendar_id, piece))
            )
            return True

        self._each(put, sorted(blocks, key=lambda p: p.start))

    def delete_blocks(self, calendar_id: str, blocks: set[Span]) -> None:
        def delete(piece: Span) -> bool:
            item = busy_piece_item(calendar_id, piece)
            self._client().delete_item(
                TableName=self.table, Key=dump({"PK": item["PK"], "SK": item["SK"]})
            )
            return True

        self._each(delete, sorted(blocks, key=lambda p: p.start))

    # ---- the cells a booking's transaction meets -----------------------------

    def take_cells(self, cells: set[datetime]) -> dict[datetime, str]:
        """Busy cells, one conditional write each; a cell a booking holds is left to it.

        One write per cell, not transactions of 100: each cell stands alone, and a
        refused one must not hold back the others."""

        def put(at: datetime) -> bool:
            return self._conditional(
                self._client().put_item,
                Item=dump(_cell(at)),
                # Written again by a second calendar, or a retry: never over a booking's.
                ConditionExpression="attribute_not_exists(PK) OR attribute_exists(busy)",
            )

        order = sorted(cells)
        refused = [at for at, ok in zip(order, self._each(put, order), strict=True) if not ok]
        return {at: self._holder(at) for at in refused}

    def release_cells(self, cells: set[datetime]) -> None:
        def delete(at: datetime) -> bool:
            return self._conditional(
                self._client().delete_item,
                Key=dump({"PK": f"LOCK#{iso(at)}", "SK": "LOCK"}),
                ConditionExpression="attribute_not_exists(booking_id)",
            )

        self._each(delete, sorted(cells))

    def _conditional(self, call: Callable[..., Any], **kwargs: Any) -> bool:
        try:
            call(TableName=self.table, **kwargs)
        except ClientError as e:
            if e.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def _each(self, write: Callable[[T], bool], items: list[T]) -> list[bool]:
        if len(items) < _PARALLEL_FROM:
            return [write(it) for it in items]
        with ThreadPoolExecutor(max_workers=_WORKERS) as pool:  # a first sync: thousands
            return list(pool.map(write, items))

    def _holder(self, at: datetime) -> str:
        res = self._client().get_item(
            TableName=self.table,
            Key=dump({"PK": f"LOCK#{iso(at)}", "SK": "LOCK"}),
            ConsistentRead=True,
        )
        return str(plain(load(res.get("Item", {}))).get("booking_id", ""))


def _cell(at: datetime) -> Item:
    return {
        "PK": f"LOCK#{iso(at)}",
        "SK": "LOCK",
        "type": "lock",
        "busy": True,
        "expires_at": ttl(at + LOCK_TTL),
    }


def _spans(raw: str) -> tuple[Span, ...]:
    """Blocks as compact JSON: [[start, end], ...] in epoch minutes."""
    return tuple(Span(_minute(a), _minute(b)) for a, b in json.loads(raw or "[]"))


def _spans_text(spans: Iterable[Span]) -> str:
    return json.dumps([[_epoch_min(s.start), _epoch_min(s.end)] for s in spans])


def _epoch_min(at: datetime) -> int:
    return int(at.timestamp()) // 60


def _minute(n: int) -> datetime:
    return datetime.fromtimestamp(n * 60, UTC)


def _state_item(s: CalendarState) -> Item:
    return {
        "PK": STATES_PK,
        "SK": s.calendar_id,
        "type": "calendar_state",
        "blocks": _spans_text(s.blocks),
        "pending": json.dumps([_epoch_min(at) for at in s.pending]),
        "etag": s.etag,
        "last_modified": s.last_modified,
        "expanded_until": iso(s.expanded_until) if s.expanded_until else None,
        "last_attempt": iso(s.last_attempt) if s.last_attempt else None,
        "last_success": iso(s.last_success) if s.last_success else None,
        "last_error": s.last_error,
        "failures": s.failures,
        "failing_alerted": s.failing_alerted,
    }


def _state_of(it: Item) -> CalendarState:
    def when(key: str) -> datetime | None:
        return parse_iso(it[key]) if it.get(key) else None

    return CalendarState(
        calendar_id=it["SK"],
        version=int(it.get("version", 0)),
        blocks=_spans(it.get("blocks", "")),
        pending=tuple(_minute(n) for n in json.loads(it.get("pending") or "[]")),
        etag=it.get("etag"),
        last_modified=it.get("last_modified"),
        expanded_until=when("expanded_until"),
        last_attempt=when("last_attempt"),
        last_success=when("last_success"),
        last_error=it.get("last_error"),
        failures=int(it.get("failures", 0)),
        failing_alerted=bool(it.get("failing_alerted", False)),
    )
