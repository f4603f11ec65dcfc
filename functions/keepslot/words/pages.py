"""The site's generated pages (home, policy) as Markdown, in the configured locale.

The numbers come from the validated config and the worked examples from `decide()`,
so the page states exactly the rules the functions enforce. Build-time only: this
module imports Jinja2, which the API never needs.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from keepslot.config.model import KeepslotConfig, Service
from keepslot.domain.booking import Mode
from keepslot.words.catalog import Words
from keepslot.words.examples import WorkedExample, sample_service, worked_examples
from keepslot.words.explain import explain
from keepslot.words.formats import (
    format_list,
    format_money,
    format_percent,
    format_span,
    format_when,
)

REMOTE = (Mode.VIDEO, Mode.PHONE)


@dataclass(frozen=True, slots=True)
class ServiceView:
    id: str
    name: str
    description: str
    minutes: str
    price: str  # "" when free
    deposit: str  # "" when none
    percent: str  # "" for a fixed amount
    modes: str


@dataclass(frozen=True, slots=True)
class ExampleView:
    attrs: str
    title: str
    story: str
    explanation: str


def render_home(config: KeepslotConfig) -> str:
    return _render("home.md.j2", config)


def render_policy(config: KeepslotConfig) -> str:
    return _render("policy.md.j2", config, examples=_examples(config))


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("keepslot.words", "templates"),
        autoescape=False,  # Markdown out; config text goes through the `text` filter
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["text"] = lambda s: html.escape(str(s), quote=False)
    return env


def _render(template: str, config: KeepslotConfig, **extra: Any) -> str:
    locale = config.business.locale
    words = Words(locale)
    p = config.policy
    currency = config.business.currency
    offered = {m for s in config.services for m in s.modes}
    remote = [m for m in REMOTE if m in offered]
    context = {
        "t": words,
        "config": config,
        "services": [_service_view(s, config, words) for s in config.services],
        "free": format_span(p.free_change_hours * 60, locale),
        "credit_days": words.plural("unit.day", p.credit_rebook_days),
        "switch_to": format_list([words(f"mode.to.{m.value}") for m in remote], locale, style="or"),
        "hold_card": format_span(config.holds.card_minutes, locale),
        "hold_offline": words.plural("unit.hour", config.holds.offline_hours),
        "tiers": _tiers(config, words),
        "any_rest": any(t.forfeit_percent < 100 for t in config.terms().late_tiers),
        "grace": format_span(p.grace_minutes, locale),
        "fee": format_money(config.minor(p.no_show_fee), currency, locale)
        if config.minor(p.no_show_fee)
        else "",
        "waiver_times": words.plural("unit.times", p.emergency_waivers_per_year),
        "reliability_days": words.plural("unit.day", config.reliability.window_days),
        "retention_days": words.plural("unit.day", config.privacy.retention_days),
        "reminders": format_list(
            [words.plural("unit.hour", h) for h in config.reminders.hours_before], locale
        ),
        "first_reminder_in_time": bool(config.reminders.hours_before)
        and config.reminders.hours_before[0] > p.free_change_hours,
        "video": Mode.VIDEO in offered,
        "in_person": Mode.IN_PERSON in offered,
        **extra,
    }
    return _env().get_template(template).render(context)


def _service_view(s: Service, config: KeepslotConfig, words: Words) -> ServiceView:
    locale, currency = words.locale, config.business.currency
    price, deposit = config.minor(s.price), s.deposit_minor(currency)
    return ServiceView(
        id=s.id,
        name=s.name,
        description=s.description,
        minutes=format_span(s.minutes, locale),
        price=format_money(price, currency, locale) if price else "",
        deposit=format_money(deposit, currency, locale) if deposit else "",
        percent=format_percent(s.deposit.percent, locale) if s.deposit.percent else "",
        modes=format_list([words(f"mode.{m.value}") for m in s.modes], locale),
    )


def _tiers(config: KeepslotConfig, words: Words) -> list[str]:
    """One line per late tier, widest first: its window and the share kept."""
    locale = words.locale
    tiers = config.terms().late_tiers
    lines = []
    for i, tier in enumerate(tiers):
        pct = tier.forfeit_percent
        keep = (
            words("policy.late.keep_all")
            if pct == 100
            else words("policy.late.keep_none")
            if pct == 0
            else words("policy.late.keep", percent=format_percent(pct, locale))
        )
        upper = format_span(tier.under_hours * 60, locale)
        if i + 1 < len(tiers):
            lower = format_span(tiers[i + 1].under_hours * 60, locale)
            lines.append(words("policy.late.tier_range", upper=upper, lower=lower, keep=keep))
        else:
            lines.append(words("policy.late.tier_under", upper=upper, keep=keep))
    return lines


def _examples(config: KeepslotConfig) -> dict[str, Any]:
    """The reference appointment and each worked example, in words and in data attributes."""
    service = sample_service(config)
    examples = worked_examples(config)
    if service is None or not examples:
        return {"intro": "", "items": []}
    words, tz = Words(config.business.locale), config.business.timezone
    by_card = config.payments.mode == "stripe"  # where a no-show fee would come from
    booking = examples[0].booking
    intro = words(
        "policy.examples.intro",
        service=html.escape(service.name, quote=False),
        mode=words(f"mode.{booking.mode.value}"),
        start=format_when(booking.start, words.locale, tz),
        deposit=format_money(booking.deposit.paid, config.business.currency, words.locale),
    )
    return {"intro": intro, "items": [_example_view(e, words, tz, by_card) for e in examples]}


_STORY = {
    "early_cancel": "cancel",
    "late_cancel": "cancel",
    "early_reschedule": "reschedule",
    "late_reschedule": "reschedule",
    "mode_switch": "mode_switch",
    "no_show": "no_show",
    "waiver": "waiver",
    "refill": "refill",
}


def _example_view(e: WorkedExample, words: Words, tz: str, by_card: bool) -> ExampleView:
    locale, b, o = words.locale, e.booking, e.outcome
    lead = format_span(abs(int((b.start - (e.lead_at or e.at)).total_seconds())) // 60, locale)
    story = words(
        f"ex.story.{_STORY[e.kind]}",
        start=format_when(b.start, locale, tz),
        at=format_when(e.at, locale, tz),
        lead=lead,
        mode=words(f"mode.{b.mode.value}"),
        to=words(f"mode.to.{e.switch_to.value}") if e.switch_to else "",
    )
    data = {
        "kind": e.kind,
        "action": e.action.value,
        "service": b.service,
        "mode": b.mode.value,
        "start": b.start.isoformat(),
        "at": e.at.isoformat(),
        "status": b.status.value,
        "deposit-status": b.deposit.status.value,
        "paid": str(b.deposit.paid),
        "kept": str(b.deposit.kept),
        "fate": o.fate.value,
        "reason": o.reason.value,
        "forfeited": str(o.forfeited),
        "returned": str(o.returned.amount if o.returned else 0),
        "returned-as": o.returned.as_.value if o.returned else "",
        "credit-until": o.credit_until.isoformat() if o.credit_until else "",
        "fee": str(o.fee),
        "strike": "true" if o.strike else "false",
    }
    attrs = " ".join(f'data-{k}="{html.escape(v, quote=True)}"' for k, v in data.items())
    return ExampleView(
        attrs=attrs,
        title=words(f"ex.title.{e.kind}", lead=lead),
        story=story,
        explanation=explain(o, locale, tz, fee_by_card=by_card),
    )
