"""The report's counters: one partition, one item per month (and per policy version) and
shard, added to inside each change's own transaction, read back with one Query.

Items: PK `REPORT`, SK `MONTH#YYYY-MM#<shard>` and `VERSION#<version>#<shard>`. Since
"VERSION" sorts after "MONTH", one Query from `MONTH#<first month>` returns the months
asked for, any later ones, and every version's totals. A month is spread over a few
shards (by booking) so that two bookings written at once rarely touch the same item:
DynamoDB cancels a transaction that meets another one on an item.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from keepslot.adapters.dynamo.codec import dump, load, plain, values
from keepslot.domain.report import Counters, Tally
from keepslot.service.ports.changes import Change
from keepslot.service.ports.report_counters import increments

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

PK = "REPORT"
SHARDS = 4


def shard(booking_id: str) -> int:
    return zlib.crc32(booking_id.encode()) % SHARDS


def counter_updates(table: str, change: Change, timezone: str) -> list[dict[str, Any]]:
    """The Update requests adding `change` to its months' and versions' counters."""
    merged: dict[str, Tally] = {}
    for (month, version, booking_id), tally in increments(change, timezone).items():
        n = shard(booking_id)
        for sk in (f"MONTH#{month}#{n}", f"VERSION#{version}#{n}"):
            merged[sk] = merged.get(sk, Tally()) + tally
    return [_add(table, sk, tally) for sk, tally in sorted(merged.items()) if tally.nonzero()]


def _add(table: str, sk: str, tally: Tally) -> dict[str, Any]:
    counts = tally.nonzero()
    names = {f"#c{i}": name for i, name in enumerate(counts)}
    vals: dict[str, Any] = {f"c{i}": v for i, v in enumerate(counts.values())}
    adds = ", ".join(f"#c{i} :c{i}" for i in range(len(counts)))
    return {
        "Update": {
            "TableName": table,
            "Key": dump({"PK": PK, "SK": sk}),
            "UpdateExpression": f"SET #type = :t ADD {adds}",
            "ExpressionAttributeNames": {"#type": "type", **names},
            "ExpressionAttributeValues": values(t="report", **vals),
        }
    }


class ReportTable:
    def __init__(self, client: Callable[[], DynamoDBClient], table: str) -> None:
        self._client = client
        self.table = table

    def counters(self, first_month: str) -> Counters:
        """Every month from `first_month` on, and every policy version: one Query."""
        out = Counters()
        page: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "PK = :pk AND SK >= :from",
            "ExpressionAttributeValues": values(pk=PK, **{"from": f"MONTH#{first_month}"}),
        }
        while True:
            res = self._client().query(**page)
            for raw in res.get("Items", []):
                self._file(out, plain(load(raw)))
            if "LastEvaluatedKey" not in res:
                return out
            page["ExclusiveStartKey"] = res["LastEvaluatedKey"]

    @staticmethod
    def _file(out: Counters, item: dict[str, Any]) -> None:
        kind, _, rest = str(item["SK"]).partition("#")
        name = rest.rpartition("#")[0]
        into = out.months if kind == "MONTH" else out.versions if kind == "VERSION" else None
        if into is not None:
            into[name] = into.get(name, Tally()) + Tally.of(item)
