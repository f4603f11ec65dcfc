"""keepslot.yaml's packaged copy (`make package`): read back as the very config the YAML
validates to, and trusted only beside the exact YAML it was made from.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from keepslot.config import model as settings
from keepslot.config import packaged as config_copy
from keepslot.config.model import ConfigError, load_config, parse_config, write_copy
from tests.support.configs import FIXTURE as SAMPLE


def packaged(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "keepslot-under-test.yaml"
    path.write_text(text, encoding="utf-8")
    assert write_copy(path) == config_copy.copy_path(path)
    return path


def without_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parser(path: Path, text: bytes) -> Any:
        raise AssertionError("the YAML was parsed")

    monkeypatch.setattr(settings, "_parse_yaml", no_parser)


def test_packaged_copy_reads_back_as_the_validated_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = packaged(tmp_path, SAMPLE.read_text(encoding="utf-8"))
    validated = parse_config(yaml.safe_load(SAMPLE.read_text(encoding="utf-8")))
    without_yaml(monkeypatch)
    from_copy = load_config(path)
    assert from_copy == validated
    assert from_copy.policy_version == validated.policy_version
    assert from_copy.terms() == validated.terms()
    assert from_copy.schedule() == validated.schedule()
    assert from_copy.money(9000) == validated.money(9000)


def test_copy_keeps_every_kind_of_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    raw["services"][0]["deposit"] = {"amount": "10.50"}
    raw["policy"] |= {
        "late_tiers": [
            {"under_hours": 48, "forfeit_percent": 50},
            {"under_hours": 12, "forfeit_percent": 100},
        ],
        "early_cancel": "refund",
        "no_show_fee": "25.5",
        "no_show_auto_mark_hours": 2,
    }
    raw["hours"]["weekly"]["sat"] = ["10:00-24:00"]
    raw["reminders"]["hours_before"] = [2, 24, 24]
    del raw["modes"]["video"]["test_link"], raw["reliability"]
    path = packaged(tmp_path, yaml.safe_dump(raw, allow_unicode=True))
    validated = parse_config(copy.deepcopy(raw))
    without_yaml(monkeypatch)
    from_copy = load_config(path)
    assert from_copy == validated
    assert from_copy.services[0].deposit_minor("EUR") == 1050
    assert from_copy.terms() == validated.terms()
    assert from_copy.schedule() == validated.schedule()


def test_a_copy_beside_an_edited_yaml_is_ignored(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    path = packaged(tmp_path, text)
    path.write_text(text.replace("grace_minutes: 15", "grace_minutes: 20"))
    assert load_config(path).policy.grace_minutes == 20


def test_a_copy_never_hides_a_broken_yaml(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    path = packaged(tmp_path, text)
    path.write_text(text.replace("minutes: 60", "minutes: sixty"))
    with pytest.raises(ConfigError, match=r"services\[0\]\.minutes: must be a whole number"):
        load_config(path)


def test_a_damaged_copy_is_ignored(tmp_path: Path) -> None:
    path = packaged(tmp_path, SAMPLE.read_text(encoding="utf-8"))
    copy_file = config_copy.copy_path(path)
    copy_file.write_text(copy_file.read_text()[:200])
    assert load_config(path).business.name == "Studio Giulia Rossi"


def test_a_broken_yaml_gets_no_copy(tmp_path: Path) -> None:
    path = tmp_path / "keepslot-under-test.yaml"
    path.write_text(SAMPLE.read_text(encoding="utf-8").replace("minutes: 60", "minutes: -60"))
    with pytest.raises(ConfigError, match=r"services\[0\]\.minutes"):
        write_copy(path)
    assert not config_copy.copy_path(path).exists()


def test_no_copy_for_a_model_json_cannot_carry_exactly(tmp_path: Path) -> None:
    class Odd(BaseModel):
        when: set[int]

    path = tmp_path / "odd.yaml"
    assert config_copy.write(path, b"when: [1, 2]", Odd(when={1, 2})) is None
    assert not config_copy.copy_path(path).exists()
