"""Booking and friends <-> DynamoDB items (plain dicts), and items <-> DynamoDB's typed JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from keepslot.domain.booking import (
    WAITING,
    Booking,
    BookingStatus,
    Client,
    Deposit,
    DepositStatus,
    Mode,
)
from keepslot.domain.credit import Credit
from keepslot.domain.instants import iso, parse_iso
from keepslot.domain.money import Money
from keepslot.domain.terms import Terms

Item = dict[str, Any]
_ser, _de = TypeSerializer(), TypeDeserializer()
BUSY_TYPE = "busy"  # a busy block from the freelancer's calendars (adapters/dynamo/busy.py)
HOLDING = WAITING  # a HOLD# item each


def dump(item: Item) -> dict[str, Any]:
    """An item as the low-level client sends it; None attributes are left out."""
    return {k: _ser.serialize(v) for k, v in item.items() if v is not None}


def load(raw: dict[str, Any]) -> Item:
    return {k: _de.deserialize(v) for k, v in raw.items()}


def values(**named: Any) -> dict[str, Any]:
    """ExpressionAttributeValues: values(v=3) -> {":v": {"N": "3"}}."""
    return {f":{k}": _ser.serialize(v) for k, v in named.items()}


def plain(value: Any) -> Any:
    """Numbers come back from DynamoDB as Decimal; the domain wants int."""
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def booking_key(booking_id: str) -> Item:
    return {"PK": f"BOOKING#{booking_id}", "SK": "BOOKING"}


def booking_to_item(b: Booking, version: int) -> Item:
    item: Item = {
        **booking_key(b.id),
        "type": "booking",
        "id": b.id,
        "service": b.service,
        "start": iso(b.start),
        "end": iso(b.end),
        "mode": b.mode.value,
        "status": b.status.value,
        "client": {"name": b.client.name, "email": b.client.email, "phone": b.client.phone},
        "deposit": {
            "amount": b.deposit.amount.amount,
            "currency": b.deposit.amount.currency,
            "status": b.deposit.status.value,
            "paid": b.deposit.paid,
            "from_credit": b.deposit.from_credit,
            "kept": b.deposit.kept,
            "refunded": b.deposit.refunded,
        },
        "price": {"amount": b.price.amount, "currency": b.price.currency},
        "terms": b.terms.to_dict(),
        "created_at": iso(b.created_at),
        "hold_until": iso(b.hold_until) if b.hold_until else None,
        "timezone": b.timezone,
        "notes": b.notes,
        "answers": dict(b.answers),
        "rescheduled_from": b.rescheduled_from,
        "rescheduled_to": b.rescheduled_to,
        "payment_ref": dict(b.payment_ref) or None,
        # Kept only while the booking holds: closing the hold needs it, nothing after does.
        "ip_hash": b.ip_hash if b.status in HOLDING else None,
        "confirmed_at": iso(b.confirmed_at) if b.confirmed_at else None,
        "refilled_by": b.refilled_by,
        "version": version,
    }
    if b.is_open:  # the calendar index holds open bookings only (sparse)
        item["GSI1PK"] = "CAL"
        item["GSI1SK"] = f"{iso(b.start)}#{b.id}"
    # Every booking, by start: the freelancer's calendar feed reads it with one Query.
    item["GSI3PK"] = "FEED"
    item["GSI3SK"] = f"{iso(b.start)}#{b.id}"
    return item


def item_to_booking(item: Item) -> tuple[Booking, int]:
    it = plain(item)
    dep, price, client = it["deposit"], it["price"], it["client"]
    booking = Booking(
        id=it["id"],
        service=it["service"],
        start=parse_iso(it["start"]),
        end=parse_iso(it["end"]),
        mode=Mode(it["mode"]),
        client=Client(client["name"], client["email"], client.get("phone")),
        status=BookingStatus(it["status"]),
        deposit=Deposit(
            Money(dep["amount"], dep["currency"]),
            DepositStatus(dep["status"]),
            paid=dep["paid"],
            from_credit=dep["from_credit"],
            kept=dep.get("kept", 0),
            refunded=dep.get("refunded", 0),
        ),
        terms=Terms.from_dict(it["terms"]),
        created_at=parse_iso(it["created_at"]),
        price=Money(price["amount"], price["currency"]),
        hold_until=parse_iso(it["hold_until"]) if it.get("hold_until") else None,
        timezone=it.get("timezone"),
        notes=it.get("notes"),
        answers=it.get("answers") or {},
        rescheduled_from=it.get("rescheduled_from"),
        rescheduled_to=it.get("rescheduled_to"),
        payment_ref=it.get("payment_ref") or {},
        ip_hash=it.get("ip_hash"),
        confirmed_at=parse_iso(it["confirmed_at"]) if it.get("confirmed_at") else None,
        refilled_by=it.get("refilled_by"),
    )
    return booking, it["version"]


def credit_to_item(c: Credit) -> Item:
    return {
        "PK": f"CLIENT#{c.client}",
        "SK": f"CREDIT#{c.source_booking_id}",
        "type": "credit",
        "amount": c.amount,
        "currency": c.currency,
        "until": iso(c.until),
        "source_booking_id": c.source_booking_id,
    }


def item_to_credit(item: Item) -> Credit:
    it = plain(item)
    return Credit(
        client=it["PK"].removeprefix("CLIENT#"),
        source_booking_id=it["source_booking_id"],
        amount=it["amount"],
        currency=it["currency"],
        until=parse_iso(it["until"]),
    )
