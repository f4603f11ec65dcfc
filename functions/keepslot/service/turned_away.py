"""A blocked address books: the answer anyone would get, nothing booked, a farewell by email.

Whoever types an address must not learn whether its owner may book online: the answer
has the same shape, status and payment step as a real one, a taken time still answers
409, and the day's count of the caller's network still moves. The client, who reads
their own inbox, gets the freelancer's farewell (at most one a day, however often the
address is typed).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime

from keepslot.config.model import Service
from keepslot.domain.booking import Booking
from keepslot.domain.errors import DomainError, TooManyHolds
from keepslot.service import payments
from keepslot.service.context import Context, gateway
from keepslot.service.mail import notify
from keepslot.service.new_booking import (
    Booked,
    BookingRequest,
    held_booking,
    network_day,
    refuse_if_taken,
)
from keepslot.service.ports.changes import Change
from keepslot.service.ports.gateway import CardSetup, PaymentStep


def turn_away(ctx: Context, req: BookingRequest, service: Service, now: datetime) -> Booked:
    refuse_if_taken(ctx, req, service, now)  # a taken time answers 409, as for anyone
    unbooked = held_booking(ctx, req, service, ctx.config.deposit_of(service).amount, now)
    key = hashlib.sha256(f"{unbooked.client.key}|{now.date()}".encode()).hexdigest()[:24]
    farewell = notify(ctx, unbooked, now, "farewell", freelancer=False, extra={"attempt": True})
    change = Change(outbox=[replace(m, id=f"farewell-{key}") for m in farewell])
    change.network_days = network_day(ctx, req, now)
    try:
        ctx.store.commit(change)
    except TooManyHolds:
        raise
    except DomainError:  # today's farewell is already on its way: count the network alone
        ctx.store.commit(Change(network_days=change.network_days))
    return Booked(unbooked, None, decoy=True)


def payment_step(ctx: Context, unbooked: Booking) -> PaymentStep:
    """The payment step a real booking would show. By card the form is real (a SetupIntent
    saves a card and charges nothing); the charge itself never comes."""
    return payments.payment_step(ctx, unbooked, prepare=_card_form_only)


def _card_form_only(ctx: Context, unbooked: Booking) -> CardSetup | None:
    gw = gateway(ctx)
    return gw.setup_card(unbooked) if gw else None
