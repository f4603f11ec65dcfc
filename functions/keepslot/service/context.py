"""What every use case is given: the ports and the freelancer's config."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from keepslot.config.model import KeepslotConfig
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
