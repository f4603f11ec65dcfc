"""Variants of the sample keepslot.yaml for tests that pin one payment mode."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "keepslot.yaml"


def with_payments(mode: str, directory: Path) -> Path:
    """The sample config with `payments.mode` set to `mode`, written into `directory`."""
    text = SAMPLE.read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^(  mode: )(offline|stripe)\b", rf"\g<1>{mode}", text, count=1)
    assert n == 1, "keepslot.yaml has no payments.mode line"
    path = directory / f"keepslot-{mode}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# What a new client answers to the sample's required intake questions.
INTAKE_ANSWERS = {"business": "Panificio", "goal": "Altro"}
