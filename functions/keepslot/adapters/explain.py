"""An OUTCOME view -> its explanation in the site's language (bridges to the words package)."""

from __future__ import annotations

from typing import Any


def explain_view(outcome: dict[str, Any], locale: str, tz: str) -> str:
    from keepslot.adapters.words import explain_dict

    return explain_dict(outcome, locale, tz)
