"""What the freelancer's alert adds about the client: availability fit, change of pattern."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from keepslot.domain.booking import Booking
from keepslot.domain.patterns import Fit, Verdict, availability_fit, pattern_change
from keepslot.service.context import Context
from keepslot.service.snapshots import ClientSnapshot

AVAILABILITY_QUESTION = "availability"


def fit_text(fit: Fit, locale: str) -> str:
    """One line for the alert, in the site's locale ("" when nothing was recognised)."""
    if fit.verdict is Verdict.UNKNOWN:
        return ""
    from babel.dates import get_day_names  # lazy: Babel only when an alert needs it

    from keepslot.adapters.words import Words

    words = Words(locale)
    days = get_day_names("wide", locale=locale)
    misses = ", ".join(f"{days[d]} {words(f'fit.part.{p.value}')}" for d, p in fit.misses)
    return words(f"fit.{fit.verdict.value}", misses=misses)


def booking_extras(ctx: Context, booking: Booking) -> dict[str, Any]:
    """The new-booking alert's additions: how the stated availability fits the hours."""
    answer = booking.answers.get(AVAILABILITY_QUESTION, "")
    if not answer or not any(q.id == AVAILABILITY_QUESTION for q in ctx.config.intake):
        return {}
    fit = availability_fit(answer, ctx.config.schedule().weekly)
    return {"availability_fit": fit_text(fit, ctx.config.business.locale)}


def cancel_extras(snap: ClientSnapshot, now: datetime) -> dict[str, Any]:
    """A late cancel from a long-reliable client: suggest a conversation first."""
    return {"pattern_change": pattern_change(snap.events, now)}
