"""The JSON each route answers, built from what the use cases return (handlers/answers.py
describes these shapes for the OpenAPI document)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response, content_types

from keepslot.config.model import KeepslotConfig
from keepslot.domain.availability import Span
from keepslot.domain.booking import Booking
from keepslot.domain.instants import iso
from keepslot.domain.policy import Outcome
from keepslot.service.json_shapes import booking_view, outcome_view
from keepslot.service.new_booking import Booked, BookingRequest
from keepslot.service.ports.gateway import PaymentStep, PaymentUnavailable

if TYPE_CHECKING:  # the admin and manage views import their use cases when they run
    from keepslot.bootstrap import App
    from keepslot.service.admin import AdminView
    from keepslot.service.context import Context
    from keepslot.service.manage import ActionResult, Preview
    from keepslot.service.ports.snapshots import ClientSnapshot

__all__ = ["booking_view"]


def _money(amount: int, currency: str) -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


def public_config(c: KeepslotConfig) -> dict[str, Any]:
    cur = c.business.currency
    p = c.policy
    return {
        "business": {
            "name": c.business.name,
            "timezone": c.business.timezone,
            "locale": c.business.locale,
        },
        "services": [
            {
                "id": s.id,
                "name": s.name,
                "description": s.description,
                "minutes": s.minutes,
                "price": _money(c.minor(s.price), cur),
                "deposit": _money(s.deposit_minor(cur), cur),
                "modes": [m.value for m in s.modes],
            }
            for s in c.services
        ],
        "policy": {
            "free_change_hours": p.free_change_hours,
            "credit_rebook_days": p.credit_rebook_days,
            "grace_minutes": p.grace_minutes,
            "early_cancel": p.early_cancel.value,
            "late_tiers": [
                {"under_hours": t.under_hours, "forfeit_percent": t.forfeit_percent}
                for t in p.tiers()
            ],
            "no_show_fee": _money(c.minor(p.no_show_fee), cur),
            "emergency_waivers_per_year": p.emergency_waivers_per_year,
        },
        "payments": {"mode": c.payments.mode},
        "intake": [q.model_dump() for q in c.intake],
        "policy_version": c.policy_version,
    }


def slots(service: str, tz: str, free: list[Span]) -> dict[str, Any]:
    return {
        "service": service,
        "timezone": tz,
        "slots": [{"start": iso(s.start), "end": iso(s.end)} for s in free],
    }


def created(body: dict[str, Any]) -> Response[Any]:
    import json

    return Response(201, content_types.APPLICATION_JSON, json.dumps(body))


def _outcome(app: App, o: Outcome | None, b: Booking) -> dict[str, Any] | None:
    if o is None:
        return None
    from keepslot.words.explain import explain_to

    view = outcome_view(o) | {"explanation": explain_to(o, b, app.config)}
    from keepslot.domain.refill import refill_preview

    if back := refill_preview(b, o):
        # A late cancel may still be softened: said before and after the press.
        from keepslot.words import Words, format_money

        locale = app.config.business.locale
        view["refill"] = _money(back, o.currency)
        said = Words(locale)("manage.refill", amount=format_money(back, o.currency, locale))
        view["explanation"] += " " + said
    return view


def payment(step: PaymentStep) -> dict[str, Any]:
    """The `payment` of a booking answer; the use case decided what it holds."""
    if step.unavailable:
        return {
            "kind": step.kind,
            "error": {"code": PaymentUnavailable.code, "message": step.unavailable},
        }
    fields: dict[str, Any] = {
        "prepare": step.prepare or None,
        "client_secret": step.client_secret,
        "publishable_key": step.publishable_key,
        "js_url": step.js_url,
        "instructions": step.instructions,
    }
    return {"kind": step.kind} | {k: v for k, v in fields.items() if v is not None}


def booked(app: App, done: Booked, step: PaymentStep) -> dict[str, Any]:
    """The booking answer. Whoever typed the address reads it, so its link only looks and
    pays (the emailed one acts), and a blocked address's answer looks like anyone's."""
    b = done.booking
    out = {
        "booking": booking_view(b),
        "manage_url": app.links.view(b.id, b.start),
        "payment": payment(step),
    }
    if done.tier:
        from keepslot.words import Words

        words = Words(app.config.business.locale)
        out["tier"] = {"rule": done.tier, "message": words(f"tier.{done.tier}")}
    return out


def decoy(req: BookingRequest, config: KeepslotConfig) -> dict[str, Any]:
    """What a bot sees: a plausible answer, and nothing stored or sent."""
    return {
        "booking": {
            "id": "pending",
            "status": "held",
            "service": req.service,
            "start": iso(req.start),
            "mode": req.mode.value,
        },
        "manage_url": config.business.site_url,
        "payment": {"kind": "none"},
    }


def preview(app: App, p: Preview, step: PaymentStep) -> dict[str, Any]:
    """The manage page. A held booking's page offers the payment again: after a declined
    card, after an approval, or when the booking answer never reached the page."""
    b = p.booking
    return (
        {
            "booking": booking_view(b),
            "preview": {
                "cancel": _outcome(app, p.cancel, b),
                "reschedule": _outcome(app, p.reschedule, b),
            },
            "actions": p.actions,
            "free_change_until": iso(b.start - timedelta(hours=b.terms.free_change_hours)),
            "access": "manage" if p.can_act else "view",
        }
        | ({"credit": _money(p.credit, b.deposit.amount.currency)} if p.credit else {})
        | ({"waiver": p.waiver} if p.waiver else {})
        | ({"payment": payment(step)} if step.kind != "none" else {})
    )


def changed(app: App, c: ActionResult, step: PaymentStep | None = None) -> dict[str, Any]:
    """A change's answer; `step`: how to pay the new booking of a move, when one is due."""
    out: dict[str, Any] = {
        "booking": booking_view(c.booking),
        "outcome": _outcome(app, c.outcome, c.booking),
    }
    if c.new_booking is not None:
        nb = c.new_booking
        out["new_booking"] = booking_view(nb)
        out["manage_url"] = app.links.manage(nb.id, nb.start)
        if step is not None and step.kind != "none":
            out["payment"] = payment(step)
    return out


def _standing(app: App, snap: ClientSnapshot) -> dict[str, Any]:
    """Strikes and tier as of now, for the admin page (the client never sees them)."""
    from keepslot.service.clients import tier_of_client

    tier = tier_of_client(app.ctx, snap, app.clock.now())
    return {"strikes": tier.strikes, "tier": tier.rule.value if tier.rule else None}


def admin(app: App, v: AdminView) -> dict[str, Any]:
    b, snap = v.booking, v.client
    return {
        "booking": booking_view(b),
        "client": {
            "name": b.client.name,
            "email": b.client.email,
            "phone": b.client.phone,
            "history": {
                k: snap.count(k)
                for k in (
                    "booked",
                    "completed",
                    "early_cancel",
                    "late_cancel",
                    "no_show",
                    "reschedule",
                )
            },
            "credits": [
                _money(c.amount, c.currency) | {"until": iso(c.until)} for c in snap.credits
            ],
            "blocked": snap.blocked,
            **_standing(app, snap),
        },
        "answers": dict(b.answers),
        "notes": b.notes,
        "actions": v.actions,
        "policy": accepted_policy(b, app.config),
    }


def accepted_policy(b: Booking, c: KeepslotConfig) -> dict[str, Any]:
    """The policy version the client accepted and its rules, as the booking stored them:
    the policy page shows only today's version."""
    t = b.terms
    return {
        "version": t.version,
        "current": t.version == c.policy_version,
        "terms": {
            "free_change_hours": t.free_change_hours,
            "early_cancel": t.early_cancel.value,
            "credit_rebook_days": t.credit_rebook_days,
            "late_tiers": [
                {"under_hours": tier.under_hours, "forfeit_percent": tier.forfeit_percent}
                for tier in t.late_tiers
            ],
            "late_remainder": t.late_remainder.value,
            "grace_minutes": t.grace_minutes,
            "no_show_fee": _money(t.no_show_fee, b.deposit.amount.currency),
            "waiver_returns_as": t.waiver_returns_as.value,
        },
    }


def booking_after(
    app: App, act: Callable[[Context, str, datetime], Booking], booking_id: str
) -> dict[str, Any]:
    """The answer of a route that does one thing to a booking now: the booking after it."""
    return {"booking": booking_view(act(app.ctx, booking_id, app.clock.now()))}
