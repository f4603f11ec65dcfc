"""Look up a locale's strings by key; each locale keeps all its strings in one module."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from keepslot.words import en, it, refusals, waitlist

LOCALES: Mapping[str, Mapping[str, str]] = {
    "it": it.STRINGS | waitlist.strings("it") | refusals.IT,
    "en": en.STRINGS | waitlist.strings("en") | refusals.EN,
}


class Words:
    """`words("key", name=...)` formats one catalogue string with `str.format`."""

    def __init__(self, locale: str) -> None:
        if locale not in LOCALES:
            raise ValueError(f"unsupported locale {locale!r}, expected one of {sorted(LOCALES)}")
        self.locale = locale
        self.strings = LOCALES[locale]

    def __call__(self, key: str, /, **values: Any) -> str:
        return self.strings[key].format(**values)

    def plural(self, key: str, n: int) -> str:
        """`{n} ora` / `{n} ore`: the CLDR plural form picks `key.one` or `key.other`."""
        form = _plural_form(self.locale, n)
        chosen = f"{key}.{form}" if f"{key}.{form}" in self.strings else f"{key}.other"
        return self(chosen, n=n)


@cache
def _locale(locale: str) -> Any:
    from babel import Locale  # lazy: Babel's data costs import time the API rarely needs

    return Locale.parse(locale)


def _plural_form(locale: str, n: int) -> str:
    return str(_locale(locale).plural_form(n))
