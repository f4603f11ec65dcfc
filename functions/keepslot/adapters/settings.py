"""keepslot.yaml: the freelancer's one config file, read by a strict pydantic model.

Every mistake is reported with its key and value (`policy.free_change_hours:
must be > 0, got -4`), and nothing starts with a broken config.
"""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from keepslot.domain.availability import LOCK_GRID_MINUTES, Schedule, Window
from keepslot.domain.booking import Mode
from keepslot.domain.money import Money
from keepslot.domain.terms import LateTier, Returned, Terms, policy_version

Locale = Literal["it", "en"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ConfigError(Exception):
    """A broken keepslot.yaml; the message names each bad key."""


def _money_str(value: Any) -> str:
    """Money is written in major units ("90", 90, 90.5, "90.50"); stored as minor units."""
    if isinstance(value, bool):
        raise ValueError("must be an amount like 90 or '90.50'")
    try:
        dec = Decimal(str(value))
    except InvalidOperation as e:
        raise ValueError(f"must be an amount like 90 or '90.50', got {value!r}") from e
    if dec < 0:
        raise ValueError(f"must be >= 0, got {value}")
    if dec != dec.quantize(Decimal("0.01")):
        raise ValueError(f"has more than 2 decimals, got {value}")
    return str(dec.quantize(Decimal("0.01")))


Amount = Annotated[str, BeforeValidator(_money_str)]


def minor_units(amount: str) -> int:
    return int(Decimal(amount) * 100)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Business(Strict):
    name: str = Field(min_length=1)
    timezone: str
    locale: Locale = "it"
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    sender: EmailStr
    sender_name: str | None = None
    alerts: EmailStr
    phone: str | None = None
    site_url: str = Field(pattern=r"^https?://[^\s/]+(/.*)?$")
    about: str = ""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"unknown time zone, got {v!r}") from e
        return v

    @field_validator("name", "sender_name")
    @classmethod
    def _one_line(cls, v: str | None) -> str | None:
        if v is not None and re.search(r"[\r\n]", v):
            raise ValueError("must be on one line (it reaches mail headers)")
        return v


class Deposit(Strict):
    """A fixed amount, or a percentage of the price."""

    amount: Amount | None = None
    percent: int | None = Field(default=None, ge=0, le=100)

    @model_validator(mode="after")
    def _one_of(self) -> Deposit:
        if (self.amount is None) == (self.percent is None):
            raise ValueError("give exactly one of amount or percent")
        return self


class Service(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    name: str = Field(min_length=1)
    description: str = ""
    minutes: int = Field(gt=0, le=720)
    price: Amount
    deposit: Deposit = Deposit(percent=0)
    modes: list[Mode] = Field(min_length=1)

    @field_validator("minutes")
    @classmethod
    def _on_grid(cls, v: int) -> int:
        if v % LOCK_GRID_MINUTES:
            raise ValueError(f"must be a multiple of {LOCK_GRID_MINUTES}, got {v}")
        return v

    def deposit_minor(self) -> int:
        price = minor_units(self.price)
        if self.deposit.amount is not None:
            return min(price, minor_units(self.deposit.amount))
        return (price * (self.deposit.percent or 0) + 50) // 100


class VideoMode(Strict):
    link: str = Field(pattern=r"^https://")
    test_link: str | None = Field(default=None, pattern=r"^https://")


class PhoneMode(Strict):
    number: str = Field(min_length=3)
    who_calls: Literal["freelancer", "client"] = "freelancer"


class InPersonMode(Strict):
    address: str = Field(min_length=3)
    directions: str = ""


class Modes(Strict):
    video: VideoMode | None = None
    phone: PhoneMode | None = None
    in_person: InPersonMode | None = None


def _window(value: Any) -> Window:
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", str(value))
    if not m:
        raise ValueError(f"must look like '09:00-13:00', got {value!r}")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h2 == 24 and m2 == 0:
        h2, m2 = 23, 59  # "until midnight"
    try:
        start, end = time(h1, m1), time(h2, m2)
    except ValueError as e:
        raise ValueError(f"is not a time range, got {value!r}") from e
    if start >= end:
        raise ValueError(f"must end after it starts, got {value!r}")
    if start.minute % LOCK_GRID_MINUTES:
        # Starts must sit on the slot-lock grid, or neighbours could falsely conflict.
        raise ValueError(f"must start on a multiple of {LOCK_GRID_MINUTES} minutes, got {value!r}")
    return Window(start, end)


WindowField = Annotated[Window, BeforeValidator(_window)]


class Hours(Strict):
    weekly: dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], list[WindowField]]
    exceptions: dict[date, list[WindowField]] = Field(default_factory=dict)
    buffer_before_minutes: int = Field(default=0, ge=0, le=240)
    buffer_after_minutes: int = Field(default=0, ge=0, le=240)
    step_minutes: int = Field(default=30, gt=0, le=240)
    notice_hours: int = Field(default=12, ge=0)
    horizon_days: int = Field(default=60, gt=0, le=365)
    daily_cap: int | None = Field(default=None, gt=0)

    @field_validator("buffer_before_minutes", "buffer_after_minutes", "step_minutes")
    @classmethod
    def _on_grid(cls, v: int) -> int:
        if v % LOCK_GRID_MINUTES:
            raise ValueError(f"must be a multiple of {LOCK_GRID_MINUTES}, got {v}")
        return v


class Tier(Strict):
    under_hours: int = Field(gt=0)
    forfeit_percent: int = Field(ge=0, le=100)


class Policy(Strict):
    free_change_hours: int = Field(default=48, gt=0, le=24 * 30)
    early_cancel: Returned = Returned.CREDIT
    credit_rebook_days: int = Field(default=3, ge=0, le=365)
    early_reschedule: Literal["carry"] = "carry"
    late_tiers: list[Tier] | None = None
    late_remainder: Returned = Returned.CREDIT
    grace_minutes: int = Field(default=15, ge=0, le=240)
    no_show_fee: Amount = "0.00"
    no_show_auto_mark_hours: int | None = Field(default=None, gt=0)
    emergency_waivers_per_year: int = Field(default=1, ge=0)
    waiver_returns_as: Returned = Returned.CREDIT

    @model_validator(mode="after")
    def _tiers_fit_window(self) -> Policy:
        tiers = self.late_tiers or []
        for t in tiers:
            if t.under_hours > self.free_change_hours:
                raise ValueError(
                    f"late_tiers: under_hours {t.under_hours} is beyond "
                    f"free_change_hours {self.free_change_hours}"
                )
        if tiers and max(t.under_hours for t in tiers) != self.free_change_hours:
            raise ValueError(
                "late_tiers: the widest tier must start at free_change_hours "
                f"({self.free_change_hours})"
            )
        return self

    def tiers(self) -> tuple[LateTier, ...]:
        raw = self.late_tiers or [Tier(under_hours=self.free_change_hours, forfeit_percent=100)]
        return tuple(
            LateTier(t.under_hours, t.forfeit_percent)
            for t in sorted(raw, key=lambda t: -t.under_hours)
        )


class ReliabilityTier(Strict):
    strikes: int = Field(gt=0)
    rule: Literal["prepay", "approval"]


class Reliability(Strict):
    window_days: int = Field(default=365, gt=0)
    tiers: list[ReliabilityTier] = Field(
        default_factory=lambda: [
            ReliabilityTier(strikes=2, rule="prepay"),
            ReliabilityTier(strikes=3, rule="approval"),
        ]
    )
    new_clients_require_approval: bool = False


class Reminders(Strict):
    hours_before: list[int] = Field(default_factory=lambda: [72, 24])

    @field_validator("hours_before")
    @classmethod
    def _positive(cls, v: list[int]) -> list[int]:
        for h in v:
            if h <= 0:
                raise ValueError(f"must be > 0, got {h}")
        return sorted(set(v), reverse=True)


class Holds(Strict):
    card_minutes: int = Field(default=30, gt=0, le=24 * 60)
    offline_hours: int = Field(default=24, gt=0, le=24 * 14)
    per_email: int = Field(default=3, gt=0)
    per_ip: int = Field(default=10, gt=0)


class Question(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
    label: str = Field(min_length=1)
    kind: Literal["text", "choice"] = "text"
    choices: list[str] = Field(default_factory=list)
    required: bool = False

    @model_validator(mode="after")
    def _choices(self) -> Question:
        if self.kind == "choice" and len(self.choices) < 2:
            raise ValueError("a choice question needs at least 2 choices")
        return self


class Payments(Strict):
    mode: Literal["offline", "stripe"] = "offline"
    offline_instructions: str = ""


class KeepslotConfig(Strict):
    business: Business
    payments: Payments = Payments()
    services: list[Service] = Field(min_length=1)
    modes: Modes = Modes()
    hours: Hours
    policy: Policy = Policy()
    reliability: Reliability = Reliability()
    reminders: Reminders = Reminders()
    holds: Holds = Holds()
    intake: list[Question] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> KeepslotConfig:
        ids = [s.id for s in self.services]
        if len(set(ids)) != len(ids):
            raise ValueError(f"services: ids must be unique, got {ids}")
        for s in self.services:
            for m in s.modes:
                if getattr(self.modes, m.value) is None:
                    raise ValueError(
                        f"services.{s.id}.modes: offers {m.value} but modes.{m.value} is not set"
                    )
        return self

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
            no_show_fee=minor_units(p.no_show_fee),
            waiver_returns_as=p.waiver_returns_as,
            version=self.policy_version,
        )

    def money(self, amount: int) -> Money:
        return Money(amount, self.business.currency)

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
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"{path}: cannot read it ({e.strerror})") from e
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML: {e}") from e
    return parse_config(raw, str(path.name))
