"""Text field types shared by request bodies and keepslot.yaml.

`OneLine` is for anything that may reach a mail header (a name, a phone, a business
name): Python's email package refuses a header holding any line break, and one such
name once stopped every later email. `Text` is for what a client types in a textarea
(notes, reasons, intake answers): line feeds are fine there, other control characters
are not. `TimeZoneName` is an IANA zone this Python can load.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator

# Cc: C0 and C1 controls (\v, \f, \x1c-\x1e, \x85, ...); Zl, Zp: U+2028, U+2029.
_CONTROL = frozenset({"Cc", "Zl", "Zp"})
_TEXT_BREAKS = frozenset("\t\n\r")  # what a textarea sends between lines


def is_one_line(value: str) -> bool:
    """No line break of any kind (`str.splitlines`'s set) and no control character."""
    return len(value.splitlines()) <= 1 and not any(
        unicodedata.category(c) in _CONTROL for c in value
    )


def _one_line(value: str) -> str:
    if not is_one_line(value):
        raise ValueError("must be on one line, without line breaks or control characters")
    return value


def _text(value: str) -> str:
    if any(c not in _TEXT_BREAKS and unicodedata.category(c) in _CONTROL for c in value):
        raise ValueError("must not contain control characters")
    return value


def time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError) as e:
        raise ValueError(f"unknown time zone, got {value!r} (e.g. Europe/Rome)") from e
    return value


OneLine = Annotated[str, AfterValidator(_one_line)]
Text = Annotated[str, AfterValidator(_text)]
TimeZoneName = Annotated[str, AfterValidator(_one_line), AfterValidator(time_zone)]
