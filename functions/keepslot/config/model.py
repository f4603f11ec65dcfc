"""keepslot.yaml: the freelancer's one config file, read by a strict pydantic model.

Every mistake is reported with its key and value (`policy.free_change_hours:
must be > 0, got -4`), and nothing starts with a broken config.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, model_validator

from keepslot.config import packaged as config_copy
from keepslot.config.calendar_feeds import CalendarFeed, check_unique
from keepslot.config.sections import (
    WEEKDAYS,
    Business,
    ConfigError,
    Holds,
    Hours,
    Locale,
    Modes,
    Payments,
    Policy,
    Privacy,
    Question,
    Reliability,
    Reminders,
    Service,
    Strict,
    Waitlist,
    currency_exponent,
    fits_currency,
    minor_units,
)
from keepslot.domain.availability import Schedule
from keepslot.domain.money import Money
from keepslot.domain.terms import Terms, policy_version

# Re-exported: the rest of keepslot reads the config through this module.
__all__ = [
    "ConfigError",
    "KeepslotConfig",
    "Locale",
    "Service",
    "load_config",
    "minor_units",
    "parse_config",
    "write_copy",
]


class KeepslotConfig(Strict):
    business: Business
    payments: Payments = Field(default_factory=Payments)
    services: list[Service] = Field(min_length=1)
    modes: Modes = Field(default_factory=Modes)
    hours: Hours
    policy: Policy = Field(default_factory=Policy)
    reliability: Reliability = Field(default_factory=Reliability)
    reminders: Reminders = Field(default_factory=Reminders)
    holds: Holds = Field(default_factory=Holds)
    intake: list[Question] = Field(default_factory=list)
    privacy: Privacy = Field(default_factory=Privacy)
    calendars: list[CalendarFeed] = Field(default_factory=list)  # read for busy times
    waitlist: Waitlist = Field(default_factory=Waitlist)

    @model_validator(mode="after")
    def _consistent(self) -> KeepslotConfig:
        # Strikes look back window_days, emergency waivers a year: both must still be there.
        needed = max(self.reliability.window_days, 365)
        if self.privacy.retention_days < needed:
            raise ValueError(
                f"privacy.retention_days: must be at least {needed} days (the reliability "
                f"window and the yearly waiver count), got {self.privacy.retention_days}"
            )
        check_unique(self.calendars)
        ids = [s.id for s in self.services]
        if len(set(ids)) != len(ids):
            raise ValueError(f"services: ids must be unique, got {ids}")
        self._amounts_fit_the_currency()
        for s in self.services:
            for m in s.modes:
                if getattr(self.modes, m.value) is None:
                    raise ValueError(
                        f"services.{s.id}.modes: offers {m.value} but modes.{m.value} is not set"
                    )
        return self

    def _amounts_fit_the_currency(self) -> None:
        cur = self.business.currency
        amounts = {"policy.no_show_fee": self.policy.no_show_fee}
        for i, s in enumerate(self.services):
            amounts[f"services[{i}].price"] = s.price
            if s.deposit.amount is not None:
                amounts[f"services[{i}].deposit.amount"] = s.deposit.amount
        for key, amount in amounts.items():
            if not fits_currency(amount, cur):
                places = currency_exponent(cur)
                raise ValueError(
                    f"{key}: has more decimals than {cur} has ({places}), got {amount}"
                )

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    @cached_property
    def policy_version(self) -> str:
        """Everything a client accepts: the policy, the deposits, the reliability tiers."""
        return policy_version(
            {
                "policy": self.policy.model_dump(mode="json"),
                "reliability": self.reliability.model_dump(mode="json"),
                "deposits": {
                    s.id: [s.price, s.deposit.model_dump(mode="json")] for s in self.services
                },
                "currency": self.business.currency,
            }
        )

    def terms(self) -> Terms:
        p = self.policy
        return Terms(
            free_change_hours=p.free_change_hours,
            late_tiers=p.tiers(),
            early_cancel=p.early_cancel,
            late_remainder=p.late_remainder,
            credit_rebook_days=p.credit_rebook_days,
            grace_minutes=p.grace_minutes,
            no_show_fee=self.minor(p.no_show_fee),
            waiver_returns_as=p.waiver_returns_as,
            version=self.policy_version,
            refill_returns_percent=p.refill_returns_percent,
        )

    def money(self, amount: int) -> Money:
        return Money(amount, self.business.currency)

    def minor(self, amount: str) -> int:
        """A config amount in the business currency's minor units."""
        return minor_units(amount, self.business.currency)

    def price_of(self, service: Service) -> Money:
        return self.money(self.minor(service.price))

    def deposit_of(self, service: Service) -> Money:
        return self.money(service.deposit_minor(self.business.currency))

    def hold_length(self) -> timedelta:
        """How long an unpaid slot is held: minutes for a card, hours for a transfer."""
        if self.payments.mode == "stripe":
            return timedelta(minutes=self.holds.card_minutes)
        return timedelta(hours=self.holds.offline_hours)

    def schedule(self) -> Schedule:
        h = self.hours
        return Schedule(
            timezone=self.business.timezone,
            weekly={WEEKDAYS.index(day): tuple(ws) for day, ws in h.weekly.items()},
            exceptions={d: tuple(ws) for d, ws in h.exceptions.items()},
            buffer_before=h.buffer_before_minutes,
            buffer_after=h.buffer_after_minutes,
            step=h.step_minutes,
            notice=h.notice_hours * 60,
            horizon_days=h.horizon_days,
            daily_cap=h.daily_cap,
        )


def _describe(err: ValidationError) -> str:
    """One line per mistake: `services[0].minutes: must be a whole number, got 'sixty'`.

    Paths use the notation of YAML tools (list items in brackets), and pydantic's
    wording becomes a plain "must ..." that a freelancer can act on.
    """
    whole, yes_no = "must be a whole number", "must be true or false"
    plain = {
        "int_parsing": whole,
        "int_type": whole,
        "int_from_float": whole,
        "bool_parsing": yes_no,
        "bool_type": yes_no,
        "extra_forbidden": "unknown key (check its spelling and indentation)",
        "missing": "is required",
    }
    lines = []
    for e in err.errors():
        key = ""
        for part in e["loc"]:
            if isinstance(part, int):
                key += f"[{part}]"
            elif part == "[key]":  # pydantic's marker for "the key itself is wrong"
                continue
            else:
                key += f".{part}" if key else part
        msg = plain.get(e["type"]) or re.sub(
            r"^(Input|String|List|Dictionary) should",
            "must",
            e["msg"].removeprefix("Value error, "),
        )
        # A cross-field check names its own key ("late_tiers: ..."): join it to the path.
        if named := re.match(r"([A-Za-z_][\w.\[\]-]*): (.+)", msg, re.DOTALL):
            key = f"{key}.{named[1]}" if key else named[1]
            msg = named[2]
        value = e.get("input")
        hide = e["type"] == "missing" or isinstance(value, dict) or "got " in msg
        lines.append(f"{key or '(top level)'}: {msg}{'' if hide else f', got {value!r}'}")
    return "\n".join(lines)


def parse_config(raw: Any, source: str = "keepslot.yaml") -> KeepslotConfig:
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: must be a mapping of sections (business, services, ...)")
    try:
        return KeepslotConfig.model_validate(raw)
    except ValidationError as e:
        raise ConfigError(f"{source} is invalid:\n{_describe(e)}") from e


def load_config(path: str | Path) -> KeepslotConfig:
    """keepslot.yaml, validated; or its packaged copy, validated when it was made."""
    path = Path(path)
    try:
        text = path.read_bytes()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read it ({e.strerror})") from e
    packaged = config_copy.read(path, text, KeepslotConfig)
    if packaged is not None:
        return packaged
    return parse_config(_parse_yaml(path, text), str(path.name))


def write_copy(path: Path) -> Path | None:
    """Validate keepslot.yaml and write its packaged copy beside it (`make package`)."""
    text = path.read_bytes()
    return config_copy.write(path, text, parse_config(_parse_yaml(path, text), path.name))


def _parse_yaml(path: Path, text: bytes) -> Any:
    import yaml  # not at import time: the packaged functions read the copy, not the YAML

    try:
        return yaml.safe_load(text.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as e:
        raise ConfigError(f"{path}: not valid YAML: {e}") from e
