"""Erasing one client from the table (the CLI's `erase`; service/erase.py runs it).

The client's partition goes; their bookings and jobs are scrubbed; mail about them is
deleted. Credits and ledger rows stay, under a keyed pseudonym, so the accounts still
add up. Every overwrite is conditional on what was read: a booking cancelled or a
credit spent meanwhile is read again and scrubbed as it is now, never put back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from keepslot.adapters.dynamo.admin_queries import ClientAdmin
from keepslot.adapters.dynamo.codec import Item, dump, load, plain, values
from keepslot.adapters.dynamo.transaction import ConcurrentChange
from keepslot.service.ports.changes import WAITLIST_MAIL

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ERASED = "erased"
ATTEMPTS = 5  # reads and conditional writes of one item before giving up


class TableErasure:
    def __init__(self, client: Callable[[], DynamoDBClient], table: str) -> None:
        self._client = client
        self.table = table
        self._admin = ClientAdmin(client, table)

    def customers(self, email: str) -> list[str]:
        found = {
            str((it.get("payment_ref") or {}).get("customer") or "")
            for it in self._admin.scan("booking")
            if _of(it, email)
        }
        return sorted(found - {""})

    def erase(self, email: str, pseudonym: str) -> dict[str, int]:
        anon = f"{ERASED}-{pseudonym}"
        counts = {
            "client_items": 0,
            "bookings": 0,
            "mail": 0,
            "jobs": 0,
            "credits": 0,
            "waitlist": 0,
        }
        booking_ids: set[str] = set()
        for it in self._admin.scan("booking"):
            if _of(it, email):
                booking_ids.add(it["id"])
                self._retry(it, lambda b: _of(b, email), lambda b: self._scrub(b, anon))
                counts["bookings"] += 1
        items = list(self._admin.scan())
        # Waitlist entries name the client; their mail is filed under `waitlist-<id>`.
        waiting = {it["id"] for it in items if it.get("type") == "waitlist" and _waits(it, email)}
        mail_of = booking_ids | {WAITLIST_MAIL + i for i in waiting}
        for it in items:
            pk, kind = it["PK"], it.get("type")
            if pk == f"CLIENT#{email}":
                if it["SK"].startswith("CREDIT#"):
                    self._retry(it, lambda c: True, lambda c: self._move_credit(c, anon))
                    counts["credits"] += 1
                else:
                    self._delete(it)
                counts["client_items"] += 1
            elif kind == "waitlist" and it["id"] in waiting:
                self._delete(it)
                counts["waitlist"] += 1
            elif kind == "outbox" and it.get("booking_id") in mail_of:
                self._delete(it)
                counts["mail"] += 1
            elif kind == "job" and _names(it, email):
                self._retry(it, lambda j: _names(j, email), lambda j: self._rewrite_job(j, anon))
                counts["jobs"] += 1
            elif kind == "ledger" and pk.removeprefix("BOOKING#") in booking_ids:
                self._retry(it, lambda r: True, lambda r: self._relabel(r, pseudonym))
        return counts

    # ---- one item, conditionally -------------------------------------------------

    def _retry(
        self, item: Item, still: Callable[[Item], bool], write: Callable[[Item], None]
    ) -> None:
        """`write(item)`; when its condition fails, read the item again and retry while it
        still needs erasing (`still`); gone or no longer the client's, nothing to do."""
        for _ in range(ATTEMPTS):
            try:
                write(item)
                return
            except ClientError as e:
                code = e.response["Error"]["Code"]
                if code not in ("ConditionalCheckFailedException", "TransactionCanceledException"):
                    raise
            fresh = self._get(item)
            if fresh is None or not still(fresh):
                return
            item = fresh
        raise ConcurrentChange(f"{item['PK']} kept changing; run the erase again")

    def _scrub(self, it: Item, anon: str) -> None:
        client = {"name": ERASED, "email": f"{anon}@invalid", "phone": None}
        scrubbed = it | {"client": client, "notes": None, "answers": {}}
        self._client().put_item(
            TableName=self.table,
            Item=dump(scrubbed | {"version": it["version"] + 1}),
            ConditionExpression="version = :v",
            ExpressionAttributeValues=values(v=it["version"]),
        )

    def _move_credit(self, it: Item, anon: str) -> None:
        """One transaction: the credit leaves the client's partition unless spent meanwhile."""
        key = {"PK": it["PK"], "SK": it["SK"]}
        self._client().transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": dump(it | {"PK": f"CLIENT#{anon}"}),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
                {
                    "Delete": {
                        "TableName": self.table,
                        "Key": dump(key),
                        "ConditionExpression": "amount = :a",
                        "ExpressionAttributeValues": values(a=it["amount"]),
                    }
                },
            ]
        )

    def _relabel(self, row: Item, pseudonym: str) -> None:
        self._update(row, "SET #c = :p", {"p": pseudonym}, "attribute_exists(PK)")

    def _rewrite_job(self, it: Item, anon: str) -> None:
        data = json.loads(it["data"]) | {"client": anon}
        self._update(it, "SET #d = :new", {"new": json.dumps(data), "old": it["data"]}, "#d = :old")

    def _update(self, it: Item, expr: str, vals: dict[str, Any], cond: str) -> None:
        names = {n: a for n, a in (("#c", "client"), ("#d", "data")) if n in expr + cond}
        self._client().update_item(
            TableName=self.table,
            Key=dump({"PK": it["PK"], "SK": it["SK"]}),
            UpdateExpression=expr,
            ConditionExpression=cond,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values(**vals),
        )

    def _get(self, it: Item) -> Item | None:
        res = self._client().get_item(
            TableName=self.table, Key=dump({"PK": it["PK"], "SK": it["SK"]}), ConsistentRead=True
        )
        return plain(load(res["Item"])) if "Item" in res else None

    def _delete(self, it: Item) -> None:
        self._client().delete_item(TableName=self.table, Key=dump({"PK": it["PK"], "SK": it["SK"]}))


def _of(booking: Item, email: str) -> bool:
    return bool(str(booking["client"]["email"]).strip().lower() == email)


def _waits(entry: Item, email: str) -> bool:
    return bool(str(entry.get("email", "")).strip().lower() == email)


def _names(job: Item, email: str) -> bool:
    return email in str(job.get("data", ""))
