"""The freelancer's own reads and writes over the whole table: listings and blocking
(erasure.py erases a client).

Listings scan the table: a freelancer has thousands of items, not millions, and these
run from the CLI, never on a client's request path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from keepslot.adapters.dynamo.codec import Item, dump, item_to_booking, load, plain, values
from keepslot.adapters.dynamo.transaction import Translator
from keepslot.domain.booking import Booking
from keepslot.service.changes import Change, Message

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class ClientAdmin:
    def __init__(self, client: Callable[[], DynamoDBClient], table: str) -> None:
        self._client = client
        self.table = table

    # ---- reads -------------------------------------------------------------

    def scan(self, item_type: str | None = None) -> Iterator[Item]:
        kwargs: dict[str, Any] = {"TableName": self.table}
        if item_type:
            kwargs |= {
                "FilterExpression": "#t = :t",
                "ExpressionAttributeNames": {"#t": "type"},
                "ExpressionAttributeValues": values(t=item_type),
            }
        while True:
            res = self._client().scan(**kwargs)
            for raw in res.get("Items", []):
                yield plain(load(raw))
            if "LastEvaluatedKey" not in res:
                return
            kwargs["ExclusiveStartKey"] = res["LastEvaluatedKey"]

    def bookings(self) -> list[Booking]:
        return sorted(
            (item_to_booking(it)[0] for it in self.scan("booking")), key=lambda b: b.start
        )

    def ledger(self) -> list[Item]:
        rows = [
            it | {"booking_id": it["PK"].removeprefix("BOOKING#")} for it in self.scan("ledger")
        ]
        return sorted(rows, key=lambda r: (r["at"], r["SK"]))

    def client_emails(self) -> list[str]:
        return sorted(it["PK"].removeprefix("CLIENT#") for it in self.scan("client"))

    # ---- writes ------------------------------------------------------------

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
        mail = [op.request for op in Translator(self.table).ops(Change(outbox=outbox))]
        self._client().transact_write_items(TransactItems=[update, *mail])  # type: ignore[list-item]
