"""Money, dates and durations in a locale (Babel), times shown in a given time zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from keepslot.words.catalog import Words

Zone = str | tzinfo

# The CLDR patterns keepslot writes days and times with, the same in every locale: Babel
# fills in each language's names of days and months. The site's scripts get them too
# (`date_patterns`), so a page and an email agree.
PATTERNS = {
    "day": "EEEE d MMMM y",
    "time": "HH:mm",
    "date": "d MMMM y",
    "month_day": "d MMMM",
    "day_abbr": "EEE d MMM",
}


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


def _pattern(dt: datetime, name: str, locale: str, tz: Zone) -> str:
    from babel.dates import format_datetime as babel_datetime

    if dt.tzinfo is None:
        raise ValueError("times must be aware (UTC inside keepslot)")
    return str(babel_datetime(dt, PATTERNS[name], tzinfo=_zone(tz), locale=locale))


def format_day(dt: datetime, locale: str, tz: Zone) -> str:
    """ "martedì 1 dicembre 2026"."""
    return _pattern(dt, "day", locale, tz)


def format_time(dt: datetime, locale: str, tz: Zone) -> str:
    """ "10:00"."""
    return _pattern(dt, "time", locale, tz)


def format_when(dt: datetime, locale: str, tz: Zone) -> str:
    """A moment, the one way keepslot writes it in each locale (emails, pages, the site's
    scripts through `date_patterns`): "martedì 1 dicembre 2026 alle 10:00"."""
    return Words(locale)("fmt.at", day=format_day(dt, locale, tz), time=format_time(dt, locale, tz))


def date_patterns(locale: str) -> dict[str, object]:
    """The locale's date patterns and Babel's day and month names, for the site."""
    from babel.dates import get_day_names, get_month_names

    return {
        "locale": locale,
        "patterns": dict(PATTERNS),
        "at": Words(locale).strings["fmt.at"],  # "{day} at {time}", filled in by the script
        # Monday first, as Babel numbers them.
        "days": {w: [str(get_day_names(w, locale=locale)[i]) for i in range(7)] for w in _WIDTHS},
        "months": {
            w: [str(get_month_names(w, locale=locale)[i]) for i in range(1, 13)] for w in _WIDTHS
        },
    }


_WIDTHS: tuple[Literal["wide", "abbreviated"], ...] = ("wide", "abbreviated")


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
