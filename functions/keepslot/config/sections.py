"""The sections of keepslot.yaml, one strict pydantic model each (model.py joins them)."""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from keepslot.config.email_address import EmailAddress
from keepslot.config.fields import OneLine, TimeZoneName
from keepslot.domain.availability import LOCK_GRID_MINUTES, Window
from keepslot.domain.booking import Mode
from keepslot.domain.money import share
from keepslot.domain.terms import LateTier, Returned

Locale = Literal["it", "en"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ConfigError(Exception):
    """A broken keepslot.yaml; the message names each bad key."""


def _money_str(value: Any) -> str:
    """Money is written in major units ("90", 90, 90.5, "90.50"); the config checks its
    decimals against the currency's (settings.py), and `minor_units` converts it."""
    if isinstance(value, bool):
        raise ValueError("must be an amount like 90 or '90.50'")
    try:
        dec = Decimal(str(value))
    except InvalidOperation as e:
        raise ValueError(f"must be an amount like 90 or '90.50', got {value!r}") from e
    if not dec.is_finite():
        raise ValueError(f"must be an amount like 90 or '90.50', got {value!r}")
    if dec < 0:
        raise ValueError(f"must be >= 0, got {value}")
    if dec.adjusted() >= 12:
        raise ValueError(f"is too large for a price, got {value}")
    if dec == dec.quantize(Decimal("0.01")):
        return str(dec.quantize(Decimal("0.01")))  # "90" -> "90.00", as policy versions hash it
    return str(dec)


Amount = Annotated[str, BeforeValidator(_money_str)]


def currency_exponent(currency: str) -> int:
    """How many decimals the currency's minor unit has: EUR 2, JPY 0, KWD 3 (Babel's data)."""
    from babel.numbers import get_currency_precision  # lazily: a cold start spares Babel

    return int(get_currency_precision(currency))


def known_currency(code: str) -> str:
    from babel.numbers import is_currency

    if not is_currency(code):
        raise ValueError(f"must be an ISO 4217 currency code such as EUR or GBP, got {code!r}")
    return code


def fits_currency(amount: str, currency: str) -> bool:
    """Whether `amount` has no more decimals than the currency's minor unit."""
    dec = Decimal(amount)
    return dec == dec.quantize(Decimal(1).scaleb(-currency_exponent(currency)))


def minor_units(amount: str, currency: str) -> int:
    """A config amount in the currency's minor units: "90.50" EUR -> 9050, "900" JPY -> 900."""
    return int(Decimal(amount).scaleb(currency_exponent(currency)))


class Strict(BaseModel):
    # defer_build: validators are built on a first validation, which the packaged
    # copy (config/packaged.py) spares a cold start. Hence no model instance as a default below.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, defer_build=True)


class Business(Strict):
    name: OneLine = Field(min_length=1)  # the sender's name in every email's From
    timezone: TimeZoneName
    locale: Locale = "it"
    currency: Annotated[str, AfterValidator(known_currency)] = Field(
        default="EUR", pattern=r"^[A-Z]{3}$"
    )
    sender: EmailAddress
    sender_name: OneLine | None = None
    alerts: EmailAddress
    phone: OneLine | None = None
    site_url: str = Field(pattern=r"^https?://[^\s/]+(/.*)?$")
    about: str = ""


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
    name: OneLine = Field(min_length=1)
    description: str = ""
    minutes: int = Field(gt=0, le=720)
    price: Amount
    deposit: Deposit = Field(default_factory=lambda: Deposit(percent=0))
    modes: list[Mode] = Field(min_length=1)

    @field_validator("minutes")
    @classmethod
    def _on_grid(cls, v: int) -> int:
        if v % LOCK_GRID_MINUTES:
            raise ValueError(f"must be a multiple of {LOCK_GRID_MINUTES}, got {v}")
        return v

    def deposit_minor(self, currency: str) -> int:
        price = minor_units(self.price, currency)
        if self.deposit.amount is not None:
            return min(price, minor_units(self.deposit.amount, currency))
        return share(price, self.deposit.percent or 0)


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
    # Of what a late cancel kept, the share that goes back (as late_remainder says) when
    # another client's booking fills the freed hour.
    refill_returns_percent: int = Field(default=50, ge=0, le=100)

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

    def rules(self) -> list[tuple[int, str]]:
        """The tiers as (strikes, rule) pairs, as the domain's `tier_of` takes them."""
        return [(t.strikes, t.rule) for t in self.tiers]


class Privacy(Strict):
    # Days a client's personal data is kept after their last appointment, then deleted.
    retention_days: int = Field(default=730, gt=0, le=3650)


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
    # Bookings one network may make in a UTC day, held ones included: holds that expire
    # give their place back, so the open-holds cap alone would let a day fill up.
    per_ip_daily: int = Field(default=20, gt=0)


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


class Waitlist(Strict):
    # A freed time is emailed to this many waiting clients at once; the first to book wins.
    offer_to: int = Field(default=3, gt=0, le=20)


class Payments(Strict):
    mode: Literal["offline", "stripe"] = "offline"
    offline_instructions: str = ""
