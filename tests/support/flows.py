"""Short ways to run the use cases in tests: ask for a booking, book one, pay its deposit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from keepslot.domain.booking import Client, Mode
from keepslot.service import admin, payments
from keepslot.service.context import Context
from keepslot.service.new_booking import BookingRequest, book


def request(
    ctx: Context, email: str, start: datetime, service: str = "strategia", **kw: Any
) -> BookingRequest:
    """A video booking under today's policy, named after the address."""
    return BookingRequest(
        service=service,
        start=start,
        mode=Mode.VIDEO,
        client=Client(email.split("@")[0].title(), email),
        policy_version=ctx.config.policy_version,
        **kw,
    )


def booked(ctx: Context, email: str, start: datetime, now: datetime, **kw: Any) -> str:
    """The id of a new booking (raises what the use case raises)."""
    return book(ctx, request(ctx, email, start, **kw), now).booking.id


def pay(ctx: Context, booking_id: str, now: datetime) -> None:
    """The deposit paid: by the saved card (stripe), or confirmed by the freelancer."""
    if ctx.config.payments.mode == "stripe":
        booking, _ = ctx.store.get_booking(booking_id)
        payments.start(ctx, booking)
        payments.confirm(ctx, booking_id, now)
    else:
        admin.confirm_deposit(ctx, booking_id, now)
