"""A broken keepslot.yaml fails fast, and each message names the key and the value.

Every test breaks one thing in a deep copy of the sample config (the test fixture)
and reads the line of the error that starts with the key the freelancer has to fix.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from keepslot.config.model import ConfigError, load_config, parse_config
from tests.support.configs import FIXTURE as SAMPLE_PATH
from tests.support.configs import fixture_data


@pytest.fixture
def sample() -> dict[str, Any]:
    return fixture_data()


def error_line(raw: dict[str, Any], key: str) -> str:
    """The line of the ConfigError about `key` (fails if there is none)."""
    with pytest.raises(ConfigError) as exc:
        parse_config(raw)
    lines = str(exc.value).splitlines()
    found = [line for line in lines if line.startswith(f"{key}: ")]
    assert found, f"no line names {key!r} in:\n{exc.value}"
    return found[0]


def service(raw: dict[str, Any], service_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in raw["services"] if s["id"] == service_id)
    return found


def test_sample_config_loads() -> None:
    config = load_config(SAMPLE_PATH)
    assert [s.id for s in config.services] == ["strategia", "conoscitiva"]
    assert config.policy.free_change_hours == 48
    assert config.policy_version


def test_wrong_type_names_key_and_value(sample: dict[str, Any]) -> None:
    sample["services"][0]["minutes"] = "sixty"
    line = error_line(sample, "services[0].minutes")
    assert "whole number" in line
    assert "'sixty'" in line


def test_unknown_key_is_named_with_its_value(sample: dict[str, Any]) -> None:
    sample["policy"]["free_change_hour"] = 4  # a typo of free_change_hours
    line = error_line(sample, "policy.free_change_hour")
    assert "unknown key" in line
    assert "got 4" in line


def test_unknown_section_is_named(sample: dict[str, Any]) -> None:
    sample["polcy"] = {"free_change_hours": 24}
    assert "unknown key" in error_line(sample, "polcy")


def test_negative_window_names_key_and_value(sample: dict[str, Any]) -> None:
    sample["policy"]["free_change_hours"] = -4
    line = error_line(sample, "policy.free_change_hours")
    assert "greater than 0" in line
    assert "-4" in line


def test_deposit_percentage_over_100_is_rejected(sample: dict[str, Any]) -> None:
    service(sample, "strategia")["deposit"] = {"percent": 150}
    line = error_line(sample, "services[0].deposit.percent")
    assert "100" in line
    assert "150" in line


def test_unknown_time_zone_is_named(sample: dict[str, Any]) -> None:
    sample["business"]["timezone"] = "Europe/Bologna"
    line = error_line(sample, "business.timezone")
    assert "unknown time zone" in line
    assert "'Europe/Bologna'" in line


def test_service_offering_a_mode_without_details_is_rejected(sample: dict[str, Any]) -> None:
    del sample["modes"]["in_person"]  # strategia still offers in_person
    line = error_line(sample, "services.strategia.modes")
    assert "in_person" in line
    assert "modes.in_person is not set" in line


def test_late_tier_beyond_the_free_window_is_rejected(sample: dict[str, Any]) -> None:
    sample["policy"]["late_tiers"] = [{"under_hours": 72, "forfeit_percent": 100}]
    line = error_line(sample, "policy.late_tiers")
    assert "72" in line
    assert "free_change_hours 48" in line


def test_retention_shorter_than_the_reliability_window_is_rejected(
    sample: dict[str, Any],
) -> None:
    sample["privacy"] = {"retention_days": 200}
    line = error_line(sample, "privacy.retention_days")
    assert "at least 365 days" in line
    assert "got 200" in line


def test_duplicate_service_ids_are_rejected(sample: dict[str, Any]) -> None:
    sample["services"][1]["id"] = "strategia"
    line = error_line(sample, "services")
    assert "unique" in line
    assert "'strategia', 'strategia'" in line


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_line_break_in_business_name_is_rejected(sample: dict[str, Any], newline: str) -> None:
    sample["business"]["name"] = f"Studio Rossi{newline}Bcc: victim@example.com"
    line = error_line(sample, "business.name")
    assert "one line" in line
    assert "Bcc: victim@example.com" in line


def test_money_with_three_decimals_is_rejected(sample: dict[str, Any]) -> None:
    service(sample, "strategia")["price"] = "120.005"
    line = error_line(sample, "services[0].price")
    assert "more decimals than EUR has (2)" in line
    assert "120.005" in line


def test_missing_required_key_is_named(sample: dict[str, Any]) -> None:
    del sample["business"]["sender"]
    assert error_line(sample, "business.sender") == "business.sender: is required"


def test_every_mistake_is_reported_at_once(sample: dict[str, Any]) -> None:
    sample["policy"]["free_change_hours"] = -4
    sample["business"]["timezone"] = "Mars/Olympus"
    error_line(sample, "policy.free_change_hours")
    error_line(sample, "business.timezone")


def _check_config(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "keepslot.config.check_config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_config_exits_2_naming_the_key(sample: dict[str, Any], tmp_path: Path) -> None:
    sample["policy"]["free_change_hours"] = -4
    bad = tmp_path / "BAD.yaml"
    bad.write_text(yaml.safe_dump(sample, allow_unicode=True), encoding="utf-8")
    result = _check_config(bad)
    assert result.returncode == 2, result.stderr
    assert "policy.free_change_hours" in result.stderr
    assert "-4" in result.stderr


def test_check_config_accepts_the_sample() -> None:
    result = _check_config(SAMPLE_PATH)
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stdout
