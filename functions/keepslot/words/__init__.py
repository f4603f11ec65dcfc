"""Client-facing words, in the site's locale: outcomes, money, dates.

Importing this package stays cheap (no Jinja2, Babel loads on first use), so the API
can explain an outcome without paying for the site generator in `pages`.
"""

from keepslot.words.catalog import LOCALES, Words
from keepslot.words.explain import explain
from keepslot.words.formats import (
    format_day,
    format_money,
    format_span,
    format_time,
    format_when,
)

__all__ = [
    "LOCALES",
    "Words",
    "explain",
    "format_day",
    "format_money",
    "format_span",
    "format_time",
    "format_when",
]
