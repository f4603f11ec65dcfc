"""Reading the in-process test table (moto) and the mail moto's SES sent, after a
scenario: every item, the bookings, a booking's ledger and outbox, the checker."""

from __future__ import annotations

from collections import Counter
from typing import Any

import boto3

from tests.support.api import sent_mail
from tests.support.consistency import assert_consistent

TABLE = "keepslot-test"


def consistent() -> dict[str, int]:
    """Walk the whole table with the consistency checker; its census."""
    from keepslot import bootstrap

    return assert_consistent(boto3.client("dynamodb"), TABLE, bootstrap.app().config.schedule())


def table_items(table: str = TABLE) -> list[dict[str, Any]]:
    client = boto3.client("dynamodb")
    items: list[dict[str, Any]] = []
    page: dict[str, Any] = {"TableName": table}
    while True:
        res = client.scan(**page)
        items += res["Items"]
        if "LastEvaluatedKey" not in res:
            return items
        page["ExclusiveStartKey"] = res["LastEvaluatedKey"]


def booking_items() -> list[dict[str, Any]]:
    return [i for i in table_items() if i["SK"]["S"] == "BOOKING"]


def booking_item(booking_id: str) -> Any:
    """The stored booking, as the app reads it."""
    from keepslot import bootstrap

    return bootstrap.app().store.get_booking(booking_id)[0]


def ledger(booking_id: str, table: str = TABLE) -> list[dict[str, Any]]:
    res = boto3.client("dynamodb").query(
        TableName=table,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :l)",
        ExpressionAttributeValues={":pk": {"S": f"BOOKING#{booking_id}"}, ":l": {"S": "LEDGER#"}},
    )
    return [
        {"kind": i["kind"]["S"], "amount": int(i["amount"]["N"]), "ref": i["ref"]["S"]}
        for i in res["Items"]
    ]


def outbox_templates(booking_id: str, table: str = TABLE) -> list[str]:
    return sorted(
        i["template"]["S"]
        for i in table_items(table)
        if i["SK"]["S"] == "OUTBOX" and i["booking_id"]["S"] == booking_id
    )


def sent_per_message() -> Counter[tuple[str, str]]:
    return Counter((m["to"], m["subject"]) for m in sent_mail())


def once_each(booking_id: str) -> None:
    """Every email of the booking is in the outbox once, and each went out once."""
    templates = outbox_templates(booking_id)
    assert len(templates) == len(set(templates)), templates
    assert set(sent_per_message().values()) == {1}
