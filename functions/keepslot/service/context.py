"""What every use case is given: the ports and the freelancer's config."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from keepslot.config.model import KeepslotConfig
from keepslot.domain.actions import Who, require
from keepslot.domain.booking import Booking
from keepslot.domain.errors import NotAllowedNow
from keepslot.service.ports.gateway import PaymentGateway
from keepslot.service.ports.store import Store


@dataclass(frozen=True)
class Context:
    store: Store
    config: KeepslotConfig
    new_id: Callable[[], str]
    # The card provider, when the wiring has one (built lazily, used in stripe mode only).
    payments: PaymentGateway | None = None


def gateway(ctx: Context) -> PaymentGateway | None:
    """The gateway when payments are by card, else None (offline mode)."""
    if ctx.config.payments.mode != "stripe":
        return None
    return ctx.payments


def require_gateway(ctx: Context) -> PaymentGateway:
    gw = gateway(ctx)
    if gw is None:
        raise NotAllowedNow("card payments are not enabled")
    return gw


def booking_for(
    ctx: Context, booking_id: str, now: datetime, who: Who, action: str
) -> tuple[Booking, int]:
    """The booking and its version, once `who` is found free to do `action` on it now."""
    booking, version = ctx.store.get_booking(booking_id)
    require(booking, now, who, action)
    return booking, version
