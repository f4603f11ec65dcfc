"""The freelancer's own reads and writes over the whole table: listings, blocking, erasure.

Listings scan the table: a freelancer has thousands of items, not millions, and these
run from the CLI, never on a client's request path.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from keepslot.adapters.dynamo.codec import Item, dump, item_to_booking, load, plain, values
from keepslot.adapters.dynamo.transaction import Translator
from keepslot.domain.booking import Booking
from keepslot.service.changes import Change, Message

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ERASED = "erased"


def email_hash(email: str) -> str:
    """What stays of an erased client: a stable pseudonym (accounts still add up)."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


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

    def erase(self, email: str) -> dict[str, int]:
        """GDPR erasure: the client's partition goes, their bookings and mail are scrubbed.

        Credits and ledger rows stay (the accounts must add up), under a hash of the email.
        """
        email = email.strip().lower()
        pseudo = email_hash(email)
        counts = {"client_items": 0, "bookings": 0, "mail": 0, "jobs": 0, "credits": 0}
        names: set[str] = set()
        phones: set[str] = set()
        booking_ids: set[str] = set()
        for it in self.scan():
            if it.get("type") == "booking" and it["client"]["email"].strip().lower() == email:
                names.add(it["client"]["name"])
                if it["client"].get("phone"):
                    phones.add(it["client"]["phone"])
                booking_ids.add(it["id"])
                self._put(_scrubbed_booking(it, pseudo))
                counts["bookings"] += 1
        for it in list(self.scan()):
            pk = it["PK"]
            if pk == f"CLIENT#{email}":
                self._delete(it)
                if it["SK"].startswith("CREDIT#"):
                    self._put(it | {"PK": f"CLIENT#{ERASED}-{pseudo}"})
                    counts["credits"] += 1
                counts["client_items"] += 1
            elif it.get("type") == "outbox" and it.get("booking_id") in booking_ids:
                self._delete(it)
                counts["mail"] += 1
            elif it.get("type") == "job" and email in json.dumps(it.get("data", "")):
                data = json.loads(it["data"]) | {"client": f"{ERASED}-{pseudo}"}
                self._put(it | {"data": json.dumps(data)})
                counts["jobs"] += 1
            elif it.get("type") == "ledger" and pk.removeprefix("BOOKING#") in booking_ids:
                self._put(it | {"client": pseudo})
        return counts

    def _put(self, item: Item) -> None:
        self._client().put_item(TableName=self.table, Item=dump(item))

    def _delete(self, item: Item) -> None:
        self._client().delete_item(
            TableName=self.table, Key=dump({"PK": item["PK"], "SK": item["SK"]})
        )


def _scrubbed_booking(it: Item, pseudo: str) -> Item:
    client = {"name": ERASED, "email": f"{ERASED}-{pseudo}@invalid", "phone": None}
    return it | {"client": client, "notes": None, "answers": {}}
