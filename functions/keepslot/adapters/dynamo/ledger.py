"""Ledger rows: one item per money movement, under its booking, never overwritten."""

from __future__ import annotations

from keepslot.adapters.dynamo.codec import Item
from keepslot.domain.instants import iso
from keepslot.service.ports.changes import Change


def ledger_items(c: Change) -> list[Item]:
    """The ledger rows of one change.

    A row's key names the booking version the change writes: times have second precision,
    so two changes of one booking within a second (a late cancel, then a waiver) would
    otherwise both write `refund_due#1`, and the second be refused as a conflict.
    """
    written = {b.id: v + 1 for b, v in c.updated} | {b.id: 1 for b in c.new_bookings}
    items = []
    for n, entry in enumerate(c.ledger):
        version = written.get(entry.booking_id)
        tag = f"v{version}#{n}" if version is not None else str(n)
        items.append(
            {
                "PK": f"BOOKING#{entry.booking_id}",
                "SK": f"LEDGER#{iso(entry.at)}#{entry.kind}#{tag}",
                "type": "ledger",
                "kind": entry.kind,
                "amount": entry.amount,
                "currency": entry.currency,
                "at": iso(entry.at),
                "ref": entry.ref,
            }
        )
    return items
