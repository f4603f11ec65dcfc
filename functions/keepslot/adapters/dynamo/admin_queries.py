"""The freelancer's own reads over the whole table: listings (erasure.py erases a client;
the store blocks one).

Listings scan the table: a freelancer has thousands of items, not millions, and these
run from the CLI only; no function's role may Scan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from keepslot.adapters.dynamo.codec import Item, item_to_booking, load, plain, values
from keepslot.domain.booking import Booking

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
