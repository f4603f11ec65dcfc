"""Bookings and outcomes as plain JSON-ready dicts, in the shapes the HTTP API answers."""

from __future__ import annotations

from typing import Any

from keepslot.domain.booking import WAITING, Booking, BookingStatus, DepositStatus
from keepslot.domain.instants import iso
from keepslot.domain.policy import Outcome


def booking_view(b: Booking) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": b.id,
        "status": b.status.value,
        "service": b.service,
        "start": iso(b.start),
        "end": iso(b.end),
        "mode": b.mode.value,
        "client": {"name": b.client.name, "email": b.client.email},
        "deposit": _deposit_view(b),
        "timezone": b.timezone,
    }
    if b.hold_until and b.status in WAITING:
        view["hold_until"] = iso(b.hold_until)
    if b.rescheduled_to:
        view["rescheduled_to"] = b.rescheduled_to
    if b.confirmed_at:
        view["confirmed_at"] = iso(b.confirmed_at)
    return view


def _deposit_view(b: Booking) -> dict[str, Any]:
    """The deposit; when only part of it was kept, how much was kept and how the rest came
    back, so nobody reads "forfeited" as the whole deposit lost."""
    d = b.deposit
    view: dict[str, Any] = {
        "amount": d.amount.amount,
        "currency": d.amount.currency,
        "status": d.status.value,
    }
    if d.status is DepositStatus.FORFEITED and 0 < d.kept < d.paid:
        # A late change kept a tier's share; the rest went back as the terms say, or
        # (a late reschedule) paid the new booking.
        back = "carried" if b.status is BookingStatus.RESCHEDULED else b.terms.late_remainder.value
        view |= {
            "paid": d.paid,
            "kept": d.kept,
            "returned": {"as": back, "amount": d.paid - d.kept},
        }
    return view


def outcome_view(o: Outcome) -> dict[str, Any]:
    """The OUTCOME shape, without `explanation` (words are added at the edge)."""
    view: dict[str, Any] = {
        "deposit": o.fate.value,
        "amount": o.amount,
        "currency": o.currency,
        "reason": o.reason.value,
    }
    if o.forfeited:
        view["forfeited"] = o.forfeited
    if o.returned:
        view["returned"] = {"as": o.returned.as_.value, "amount": o.returned.amount}
        if o.returned.credit:  # of a refund, the part that comes back as credit
            view["returned"]["credit"] = o.returned.credit
    if o.credit_until:
        view["credit_until"] = iso(o.credit_until)
    if o.fee:
        view["fee"] = o.fee
    return view
