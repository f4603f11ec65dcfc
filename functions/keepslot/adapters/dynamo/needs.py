"""What waits for the freelancer and no index finds: open waiver requests.

A request writes an item under PK `NEEDS` in the change's own transaction; the waiver
or its refusal deletes it. The dashboard reads them with one Query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from keepslot.adapters.dynamo.codec import dump, load, plain, values
from keepslot.domain.instants import iso
from keepslot.service.ports.changes import Change

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

PK = "NEEDS"
OPENS = "waiver_requested"
CLOSES = frozenset({"waiver", "waiver_declined"})


def needs_requests(table: str, change: Change) -> list[dict[str, Any]]:
    """Put or Delete requests for the waiver requests `change` opens or closes."""
    last: dict[str, tuple[str, Any]] = {}  # one action per item in a transaction
    for ev in change.events:
        if ev.kind == OPENS or ev.kind in CLOSES:
            last[ev.booking_id] = (ev.kind, ev.at)
    out: list[dict[str, Any]] = []
    for booking_id, (kind, at) in sorted(last.items()):
        key = {"PK": PK, "SK": f"WAIVER#{booking_id}"}
        if kind == OPENS:
            item = key | {"type": "needs", "booking_id": booking_id, "at": iso(at)}
            out.append({"Put": {"TableName": table, "Item": dump(item)}})
        else:
            out.append({"Delete": {"TableName": table, "Key": dump(key)}})
    return out


class NeedsTable:
    def __init__(self, client: Callable[[], DynamoDBClient], table: str) -> None:
        self._client = client
        self.table = table

    def waiver_requests(self) -> list[str]:
        """Booking ids with an open waiver request, oldest request first."""
        res = self._client().query(
            TableName=self.table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :w)",
            ExpressionAttributeValues=values(pk=PK, w="WAIVER#"),
        )
        items = [plain(load(raw)) for raw in res.get("Items", [])]
        return [str(it["booking_id"]) for it in sorted(items, key=lambda it: str(it["at"]))]
