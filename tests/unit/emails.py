"""Email tests' shared pieces: a postman per locale and payment mode, and a full context."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from keepslot.adapters.email.links import Links
from keepslot.adapters.tokens import TokenSigner
from keepslot.config.model import KeepslotConfig, load_config
from keepslot.service.letters import Letters
from keepslot.words.email.render import TEMPLATES
from tests.support.configs import with_payments

MODES = ("video", "phone", "in_person")
PAYMENTS = ("stripe", "offline")
LOCALES = ("it", "en")
NAMES = [
    p.relative_to(TEMPLATES / "it").with_suffix("").as_posix()
    for p in sorted((TEMPLATES / "it").glob("*/*.j2"))
]
SITE = "https://giuliarossi.it"
_CONFIGS = tempfile.TemporaryDirectory(prefix="keepslot-email-tests-")


@cache
def config(locale: str, payments: str = "stripe") -> KeepslotConfig:
    """The sample config in `locale`, paid by `payments` (stripe or offline)."""
    c = load_config(with_payments(payments, Path(_CONFIGS.name)))
    return c.model_copy(update={"business": c.business.model_copy(update={"locale": locale})})


@cache  # one per locale and mode: its Jinja environment compiles each template once
def postman(locale: str, payments: str = "stripe") -> Letters:
    links = Links(SITE, lambda: TokenSigner([b"k" * 32]))
    now = lambda: datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # noqa: E731
    return Letters(lambda: None, config(locale, payments), links, now)  # type: ignore[arg-type,return-value]


def context(event: str, mode: str, name: str = "Anna Bianchi") -> dict[str, Any]:
    booking = {
        "id": "b1",
        "status": "confirmed",
        "service": "strategia",
        "start": "2026-12-03T09:00:00Z",
        "end": "2026-12-03T10:00:00Z",
        "mode": mode,
        "client": {"name": name, "email": "anna@example.com"},
        "deposit": {"amount": 6000, "currency": "EUR", "status": "paid"},
        "timezone": "America/New_York",
        "hold_until": "2026-12-01T08:00:00Z",
    }
    return {
        "event": event,
        "booking": booking,
        "client_phone": "+39 333 000 1111",
        "answers": {"goal": "Altro"},
        "free_change_hours": 48,
        "hours": 72,
        "free_open": True,
        "until": "2026-12-03T09:25:00Z",
        "credit_until": "2026-12-06T09:00:00Z",
        "credit_amount": 6000,
        "refund": {"amount": 2000, "currency": "EUR", "fee": False},
        "dispute": {
            "amount": 6000,
            "currency": "EUR",
            "reason": "product_not_received",
            "respond_by": "2026-12-20T23:59:59Z",
            "fee": False,
        },
        "old_start": "2026-12-02T09:00:00Z",
        "old_id": "b0",
        "reason": "",
        "calendar": {"id": "studio", "name": "Studio"},
        "login": {"nonce": "n1", "until": "2026-12-03T09:15:00Z"},
        "refill_percent": 50,
        "refill_kept": 6000,
        "refill_paid": 6000,
        "refill_amount": 3000,
        "waiter": {
            "id": "w1",
            "name": name,
            "email": "anna@example.com",
            "service": "strategia",
            "from": "2026-12-03",
            "to": "2026-12-05",
            "times": ["09:00-13:00"],
            "timezone": "America/New_York",
        },
        "offer": {
            "service": "strategia",
            "start": "2026-12-03T09:00:00Z",
            "end": "2026-12-03T10:00:00Z",
        },
        "failures": 3,
        "error": "the calendar server answered HTTP 404",
        "busy_start": "2026-12-03T08:30:00Z",
        "busy_end": "2026-12-03T09:30:00Z",
        "outcome": {
            "deposit": "forfeited",
            "amount": 6000,
            "currency": "EUR",
            "reason": "late_cancel",
            "forfeited": 6000,
        },
        "history": {
            "months": 6,
            "late_cancel": 2,
            "no_show": 1,
            "completed": 3,
            "early_cancel": 0,
            "reschedule": 0,
            "bookings": 6,
        },
        "digest": {
            "week": "2026-W50",
            "coming": [
                {
                    "start": "2026-12-07T09:00:00Z",
                    "name": name,
                    "email": "anna@example.com",
                    "service": "Sessione",
                    "mode": mode,
                    "status": "held",
                    "deposit": 6000,
                }
            ],
            "holds": [
                {
                    "start": "2026-12-07T09:00:00Z",
                    "name": name,
                    "deposit": 6000,
                    "hold_until": "2026-12-02T09:00:00Z",
                }
            ],
            "credits": [{"name": name, "amount": 6000, "until": "2026-12-09T09:00:00Z"}],
            "failed": [
                {"template": "client/reminder", "to": "client", "booking_id": "b1", "attempts": 5}
            ],
            "failed_jobs": [
                {
                    "kind": "refund",
                    "booking_id": "b1",
                    "attempts": 1,
                    "error": "payment_refused",
                    "name": name,
                    "start": "2026-12-03T09:00:00Z",
                }
            ],
            "tiers": [{"name": name, "email": "a@x.it", "strikes": 2, "rule": "prepay"}],
            "reviews": [{"name": name, "email": "a@x.it", "since": "2026-06-01T09:00:00Z"}],
        },
    }
