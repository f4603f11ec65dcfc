"""Outbox messages that a booking change causes (rendered later by the dispatcher)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from keepslot.domain.booking import Booking
from keepslot.domain.instants import iso
from keepslot.domain.policy import Outcome
from keepslot.service.context import Context
from keepslot.service.json_shapes import booking_view, outcome_view
from keepslot.service.ports.changes import Message

CREDIT_REMINDER_BEFORE = timedelta(hours=24)


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
    """The client's message and the freelancer's alert for one event on one booking.

    An outcome that gives a credit back also schedules "your credit expires on ..."
    a day before it lapses; the dispatcher drops it if the credit was used by then.
    """
    context: dict[str, Any] = {
        "event": event,
        "booking": booking_view(booking),
        "client_phone": booking.client.phone or "",
        "answers": dict(booking.answers),
        # The booking's own terms, not today's config: the deadline it was booked under.
        "free_change_hours": booking.terms.free_change_hours,
        **(extra or {}),
    }
    to_client, to_freelancer = context, context
    if outcome is not None:
        # Worded now, from the outcome itself, for each reader (the outbox keeps words).
        from keepslot.words.explain import explain_to

        context["outcome"] = outcome_view(outcome)
        to_client = context | {"explanation": explain_to(outcome, booking, ctx.config)}
        to_freelancer = context | {
            "explanation": explain_to(outcome, booking, ctx.config, to_client=False)
        }
    out = []
    if client:
        out.append(Message(ctx.new_id(), f"client/{event}", "client", booking.id, to_client, now))
    if freelancer:
        out.append(
            Message(
                ctx.new_id(), f"freelancer/{event}", "freelancer", booking.id, to_freelancer, now
            )
        )
    if outcome is not None:
        out += _credit_reminder(ctx, booking, now, outcome, to_client)
    return out


def _credit_reminder(
    ctx: Context, booking: Booking, now: datetime, outcome: Outcome, context: dict[str, Any]
) -> list[Message]:
    credit = outcome.returned.to_credit if outcome.returned else 0
    if not (credit and outcome.credit_until):
        return []
    at = outcome.credit_until - CREDIT_REMINDER_BEFORE
    if at <= now:
        return []  # too close to bother: the cancellation email already names the date
    reminder = context | {
        "event": "credit_reminder",
        "credit_until": iso(outcome.credit_until),
        "credit_amount": credit,
        "only_if": {"credit_open": booking.id},
    }
    # An outbox item due later: the due index releases it at `at`.
    return [Message(ctx.new_id(), "client/credit_reminder", "client", booking.id, reminder, at)]
