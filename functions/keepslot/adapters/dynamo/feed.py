"""The freelancer's calendar feed: the bookings it lists, read with one Query.

Its own module, so only the API (which serves the feed) reaches the feed index.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from keepslot.adapters.dynamo.codec import item_to_booking, load, values
from keepslot.domain.booking import Booking
from keepslot.domain.instants import iso

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class FeedBookings:
    def __init__(self, client: Callable[[], DynamoDBClient], table: str) -> None:
        self._client = client
        self.table = table

    def since(self, start: datetime) -> list[Booking]:
        """Every booking starting from `start` on, whatever its status (a cancelled one
        must leave the calendar too), by start; the feed index projects whole items."""
        page: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": "feed",
            "KeyConditionExpression": "GSI3PK = :feed AND GSI3SK >= :a",
            "ExpressionAttributeValues": values(feed="FEED", a=iso(start)),
        }
        out: list[Booking] = []
        while True:
            res = self._client().query(**page)
            out.extend(item_to_booking(load(raw))[0] for raw in res.get("Items", []))
            if "LastEvaluatedKey" not in res:
                return out
            page["ExclusiveStartKey"] = res["LastEvaluatedKey"]
