"""Money, dates and durations in a locale (Babel), times shown in a given time zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from keepslot.adapters.words.catalog import Words

Zone = str | tzinfo


def _zone(tz: Zone) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def format_money(minor: int, currency: str, locale: str) -> str:
    """6000 EUR → "60,00 €" (it) or "€60.00" (en): minor units become major ones."""
    from babel.numbers import format_currency, get_currency_precision

    major = Decimal(minor).scaleb(-get_currency_precision(currency))
    return str(format_currency(major, currency, locale=locale))


def format_percent(percent: int, locale: str) -> str:
    from babel.numbers import format_percent as babel_percent

    return str(babel_percent(Decimal(percent) / 100, locale=locale))


def _pattern(dt: datetime, key: str, locale: str, tz: Zone) -> str:
    from babel.dates import format_datetime as babel_datetime

    if dt.tzinfo is None:
        raise ValueError("times must be aware (UTC inside keepslot)")
    return str(babel_datetime(dt, Words(locale)(key), tzinfo=_zone(tz), locale=locale))


def format_datetime(dt: datetime, locale: str, tz: Zone) -> str:
    """Standalone: "martedì 1 dicembre 2026, 10:00"."""
    return _pattern(dt, "fmt.datetime", locale, tz)


def format_day(dt: datetime, locale: str, tz: Zone, *, year: bool = True) -> str:
    """ "martedì 1 dicembre 2026", or without the year "martedì 1 dicembre"."""
    return _pattern(dt, "fmt.day" if year else "fmt.day_short", locale, tz)


def format_when(dt: datetime, locale: str, tz: Zone, *, year: bool = True) -> str:
    """Inside a sentence: "martedì 1 dicembre 2026 alle 10:00"."""
    words = Words(locale)
    return words(
        "fmt.at",
        day=format_day(dt, locale, tz, year=year),
        time=_pattern(dt, "fmt.time", locale, tz),
    )


def format_span(minutes: int, locale: str) -> str:
    """A duration in whole hours and minutes: "49 ore", "1 ora e 30 minuti", "15 minuti"."""
    words = Words(locale)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return words(
            "unit.hours_minutes",
            hours=words.plural("unit.hour", hours),
            minutes=words.plural("unit.minute", rest),
        )
    if hours:
        return words.plural("unit.hour", hours)
    return words.plural("unit.minute", rest)


def format_list(items: Sequence[str], locale: str, *, style: str = "standard") -> str:
    """ "a, b e c" (standard) or "a o b" (style="or")."""
    from babel.lists import format_list as babel_list

    return str(babel_list(list(items), style=style, locale=locale))  # type: ignore[arg-type]
