"""What the freelancer's alert adds about the client: availability fit, change of pattern."""

from __future__ import annotations

from typing import Any

from keepslot.domain.booking import Booking
from keepslot.domain.patterns import Fit, Verdict, availability_fit
from keepslot.service.context import Context

AVAILABILITY_QUESTION = "availability"


def fit_text(fit: Fit, locale: str) -> str:
    """One line for the alert, in the site's locale ("" when nothing was recognised)."""
    if fit.verdict is Verdict.UNKNOWN:
        return ""
    from babel.dates import get_day_names  # lazy: Babel only when an alert needs it

    from keepslot.words import Words

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
