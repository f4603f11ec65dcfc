"""Outbox messages that a booking change causes (rendered later by the dispatcher)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from keepslot.domain.booking import Booking
from keepslot.domain.policy import Outcome
from keepslot.service.changes import Message
from keepslot.service.context import Context
from keepslot.service.views import booking_view, outcome_view


def notify(
    ctx: Context,
    booking: Booking,
    now: datetime,
    event: str,
    *,
    outcome: Outcome | None = None,
    client: bool = True,
    freelancer: bool = True,
    extra: dict[str, Any] | None = None,
) -> list[Message]:
    """The client's message and the freelancer's alert for one event on one booking."""
    context: dict[str, Any] = {
        "event": event,
        "booking": booking_view(booking),
        "client_phone": booking.client.phone or "",
        "answers": dict(booking.answers),
        **(extra or {}),
    }
    if outcome is not None:
        context["outcome"] = outcome_view(outcome)
    out = []
    if client:
        out.append(Message(ctx.new_id(), f"client/{event}", "client", booking.id, context, now))
    if freelancer:
        out.append(
            Message(ctx.new_id(), f"freelancer/{event}", "freelancer", booking.id, context, now)
        )
    return out
