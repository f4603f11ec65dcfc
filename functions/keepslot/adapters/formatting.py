"""Money and dates in the reader's language and time zone (Babel)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_currency


def money(amount: int, currency: str, locale: str) -> str:
    return format_currency(Decimal(amount) / 100, currency, locale=locale)


def datetime_local(at: datetime, tz: str, locale: str) -> str:
    """E.g. 'martedì 1 dicembre 2026, 10:00' / 'Tuesday, December 1, 2026, 10:00 AM'."""
    local = at.astimezone(ZoneInfo(tz))
    pattern = "EEEE d MMMM y, HH:mm" if locale == "it" else "EEEE, MMMM d, y, h:mm a"
    return format_datetime(local, pattern, locale=locale)
