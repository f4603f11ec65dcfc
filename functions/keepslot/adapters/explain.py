"""An OUTCOME view (as stored in the outbox) -> its explanation in the site's language."""

from __future__ import annotations

from typing import Any

from keepslot.adapters.words import explain
from keepslot.domain.instants import parse_iso
from keepslot.domain.policy import Fate, Give, Outcome, Reason
from keepslot.domain.terms import Returned


def outcome_from_view(view: dict[str, Any]) -> Outcome:
    returned = view.get("returned")
    return Outcome(
        fate=Fate(view["deposit"]),
        amount=int(view["amount"]),
        currency=view["currency"],
        reason=Reason(view["reason"]),
        forfeited=int(view.get("forfeited", 0)),
        returned=(
            Give(Returned(returned["as"]), int(returned["amount"]), int(returned.get("credit", 0)))
            if returned
            else None
        ),
        credit_until=parse_iso(view["credit_until"]) if view.get("credit_until") else None,
        fee=int(view.get("fee", 0)),
    )


def explain_view(view: dict[str, Any], locale: str, tz: str) -> str:
    return explain(outcome_from_view(view), locale, tz)
