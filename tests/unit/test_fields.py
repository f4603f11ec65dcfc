"""What clients type: one-line fields refuse every line break and control character, text
fields every control character but the line feed, and a time zone must exist."""

from __future__ import annotations

import sys
import unicodedata
from typing import Any

import pytest
from pydantic import ValidationError

from keepslot.handlers.models import BookingBody, CancelBody

# Every code point Python's email package would split a header on, or that is a control.
BREAKERS = sorted(
    {
        c
        for c in map(chr, range(sys.maxunicode + 1))
        if len(f"a{c}b".splitlines()) > 1 or unicodedata.category(c) in {"Cc", "Zl", "Zp"}
    }
)


def _booking(**over: Any) -> dict[str, Any]:
    base = {
        "service": "strategia",
        "start": "2026-12-03T09:00:00Z",
        "mode": "video",
        "name": "Anna Bianchi",
        "email": "anna@example.com",
        "policy_version": "x",
    }
    return base | over


def _fields_refused(**over: Any) -> list[str]:
    try:
        BookingBody.model_validate(_booking(**over))
    except ValidationError as e:
        return [".".join(str(p) for p in err["loc"]) for err in e.errors()]
    return []


def test_the_breakers_include_what_the_email_package_refuses() -> None:
    for c in "\v\f\x1c\x1d\x1e\x85\u2028\u2029\r\n\x00\t\x7f":
        assert c in BREAKERS
    assert len(BREAKERS) == 65 + 2  # the Cc block, U+2028 and U+2029: nothing else splits


@pytest.mark.parametrize("c", BREAKERS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_name_or_phone_with_a_line_break_or_control_is_refused(c: str) -> None:
    assert _fields_refused(name=f"Eve{c}Mallory") == ["name"]
    assert _fields_refused(phone=f"+39{c}333") == ["phone"]


def test_accents_emoji_and_apostrophes_are_a_name() -> None:
    assert _fields_refused(name="Zoë D'Angelo-Núñez 🌷", phone="+39 333 000 1111") == []


def test_text_fields_keep_line_feeds_but_no_other_control() -> None:
    notes = "Prima riga\r\nseconda riga\n\tcon un rientro"
    assert _fields_refused(notes=notes, answers={"business": notes}) == []
    assert _fields_refused(notes="a\vb") == ["notes"]
    assert _fields_refused(answers={"business": "a\u2028b"}) == ["answers.business"]
    with pytest.raises(ValidationError) as exc:
        CancelBody.model_validate({"reason": "stanca\x1emorta"})
    assert exc.value.errors()[0]["loc"] == ("reason",)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Europe/Nowhere", "../../etc/passwd", "x" * 64])
def test_an_unknown_time_zone_is_refused(zone: str) -> None:
    assert _fields_refused(timezone=zone) == ["timezone"]


def test_a_real_time_zone_is_kept() -> None:
    assert BookingBody.model_validate(_booking(timezone="America/New_York")).timezone == (
        "America/New_York"
    )
