"""Configs for tests, built from tests/fixtures/keepslot.yaml, never from the root file.

The root keepslot.yaml belongs to whoever runs keepslot: they edit it, so no test
reads it. The fixture is a sample studio (Studio Giulia Rossi: services `strategia`
and `conoscitiva`, Italian, card deposits) whose values tests may assert.

    with_payments("offline", tmp_path)                  # the fixture, offline deposits
    config_with(tmp_path, "capped", holds={"per_ip": 2}) # any section's keys replaced
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from keepslot.config.model import KeepslotConfig

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "keepslot.yaml"

PaymentMode = Literal["offline", "stripe"]

# What a new client answers to the fixture's required intake questions.
INTAKE_ANSWERS = {"business": "Panificio", "goal": "Altro"}

# Stripe deposits with tiers (48-24 h: half kept, under 24 h: all kept, the rest
# refunded to the card) and a no-show fee of 25.
STRIPE_TIERS: dict[str, Any] = {
    "late_tiers": [
        {"under_hours": 48, "forfeit_percent": 50},
        {"under_hours": 24, "forfeit_percent": 100},
    ],
    "late_remainder": "refund",
    "no_show_fee": 25,
}


@cache
def _fixture() -> dict[str, Any]:
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{FIXTURE}: not a mapping"
    return data


def fixture_data() -> dict[str, Any]:
    """The fixture config as plain data, a fresh copy the caller may change."""
    return copy.deepcopy(_fixture())


def write_config(directory: Path, name: str, data: Mapping[str, Any]) -> Path:
    """`data` as `directory/keepslot-<name>.yaml`."""
    path = directory / f"keepslot-{name}.yaml"
    path.write_text(yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False), "utf-8")
    return path


def variant(**sections: dict[str, Any]) -> dict[str, Any]:
    """The fixture's data with the given keys of each section replaced."""
    raw = fixture_data()
    for name, changes in sections.items():
        raw[name] = {**raw.get(name, {}), **changes}
    return raw


def english() -> dict[str, Any]:
    """The fixture's business in English: locale, about, service names, the address."""
    raw = variant(
        business={"locale": "en", "about": "Communication consultant for small businesses."}
    )
    raw["services"][0].update(name="Strategy session", description="An hour on goals.")
    raw["services"][1].update(name="Intro call", description="Twenty minutes to meet.")
    raw["modes"]["in_person"] = {"address": "12 Market Street, Bologna", "directions": "Floor 2."}
    return raw


def config_with(directory: Path, name: str, **sections: Mapping[str, Any]) -> Path:
    """The fixture with the given keys of each section replaced, e.g.
    `config_with(d, "fee", policy={"no_show_fee": 20})`; other keys keep their values."""
    data = fixture_data()
    for section, values in sections.items():
        if section not in KeepslotConfig.model_fields:
            raise ValueError(f"keepslot.yaml has no section {section!r}")
        if not isinstance(data.get(section, {}), dict):
            raise ValueError(f"{section} is a list in keepslot.yaml: use write_config")
        data.setdefault(section, {}).update(copy.deepcopy(dict(values)))
    return write_config(directory, name, data)


def with_payments(mode: PaymentMode, directory: Path, **sections: Mapping[str, Any]) -> Path:
    """The fixture with `payments.mode` set to `mode` (and any other keys replaced),
    written into `directory`."""
    payments = {**sections.pop("payments", {}), "mode": mode}
    return config_with(directory, mode, payments=payments, **sections)


def stripe_with_tiers(directory: Path) -> Path:
    """Card deposits with the tiers and the no-show fee of STRIPE_TIERS."""
    return with_payments("stripe", directory, policy=STRIPE_TIERS)
