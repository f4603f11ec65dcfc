"""Ending a booking before it happens: cancelled, declined or expired."""

from __future__ import annotations

from datetime import datetime

from keepslot.domain.booking import Booking, BookingStatus
from keepslot.domain.policy import Outcome
from keepslot.service.context import Context
from keepslot.service.new_booking import free_slot
from keepslot.service.ports.changes import Change, Hold
from keepslot.service.settle import settle


def end_booking(
    ctx: Context,
    booking: Booking,
    version: int,
    outcome: Outcome,
    now: datetime,
    status: BookingStatus,
) -> tuple[Change, Booking]:
    """The change that settles `outcome`, moves the booking to `status` and frees its slot.

    A booking that was not yet confirmed still holds its slot by a hold: that closes too.
    """
    change, done = settle(ctx, booking, outcome, now, status)
    change.updated.append((done, version))
    change += free_slot(ctx, booking, now)
    if booking.status is not BookingStatus.CONFIRMED:
        change.holds_closed.append(Hold.of(booking))
    return change, done
