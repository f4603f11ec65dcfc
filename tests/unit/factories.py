"""Small builders for unit tests: bookings, terms, configs, credits, history events.

Every builder has plain defaults (a 60-minute in-person appointment on a fixed
date, a 60.00 EUR deposit paid in full) so a test names only what it is about.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from keepslot.config.model import KeepslotConfig, parse_config
from keepslot.domain.booking import (
    Booking,
    BookingStatus,
    Client,
    Deposit,
    DepositStatus,
    Mode,
)
from keepslot.domain.credit import Credit
from keepslot.domain.money import Money
from keepslot.domain.reliability import Event
from keepslot.domain.terms import LateTier, Terms

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Rome
EMAIL = "ada@example.com"
CURRENCY = "EUR"
DEPOSIT = 6000
PRICE = 12000


def terms(**overrides: Any) -> Terms:
    """Terms with the DESIGN defaults; `late_tiers` may be given as (hours, percent) pairs."""
    tiers = overrides.pop("late_tiers", None)
    if tiers is not None:
        overrides["late_tiers"] = tuple(
            t if isinstance(t, LateTier) else LateTier(*t) for t in tiers
        )
    return Terms(**overrides)


def booking(
    *,
    id: str = "b1",
    start: datetime = START,
    minutes: int = 60,
    status: BookingStatus = BookingStatus.CONFIRMED,
    deposit: int = DEPOSIT,
    paid: int | None = None,
    deposit_status: DepositStatus | None = None,
    from_credit: int = 0,
    kept: int = 0,
    price: int = PRICE,
    email: str = EMAIL,
    mode: Mode = Mode.IN_PERSON,
    terms: Terms | None = None,
    created_at: datetime | None = None,
) -> Booking:
    """A booking; by default confirmed with its whole deposit paid."""
    paid = deposit if paid is None else paid
    if deposit_status is None:
        if deposit == 0:
            deposit_status = DepositStatus.NONE
        else:
            deposit_status = DepositStatus.PAID if paid >= deposit else DepositStatus.PENDING
    return Booking(
        id=id,
        service="strategia",
        start=start,
        end=start + timedelta(minutes=minutes),
        mode=mode,
        client=Client("Ada Lovelace", email),
        status=status,
        deposit=Deposit(
            Money(deposit, CURRENCY), deposit_status, paid=paid, from_credit=from_credit, kept=kept
        ),
        terms=terms or Terms(),
        created_at=created_at or start - timedelta(days=10),
        price=Money(price, CURRENCY),
    )


def credit(
    amount: int = DEPOSIT,
    until: datetime = START + timedelta(days=3),
    *,
    source: str = "b0",
    client: str = EMAIL,
    currency: str = CURRENCY,
) -> Credit:
    return Credit(client, source, amount, currency, until)


def event(kind: str, at: datetime, booking_id: str = "b1", *, waived: bool = False) -> Event:
    return Event(kind, at, booking_id, waived)


_CONFIG: dict[str, Any] = {
    "business": {
        "name": "Studio Test",
        "timezone": "Europe/Rome",
        "locale": "en",
        "currency": CURRENCY,
        "sender": "bookings@example.com",
        "alerts": "me@example.com",
        "site_url": "https://example.com",
    },
    "services": [
        {
            "id": "strategia",
            "name": "Strategy session",
            "minutes": 60,
            "price": "120",
            "deposit": {"percent": 50},
            "modes": ["video", "in_person"],
        }
    ],
    "modes": {
        "video": {"link": "https://meet.example.com/studio"},
        "in_person": {"address": "Via Roma 1, Bologna"},
    },
    "hours": {"weekly": {"mon": ["09:00-13:00"], "tue": ["09:00-13:00"]}},
}


def config(**sections: Any) -> KeepslotConfig:
    """A small valid config; each keyword replaces one top-level section."""
    raw = copy.deepcopy(_CONFIG)
    raw.update(copy.deepcopy(sections))
    return parse_config(raw)
