"""template.yaml as the infra tests read it, and as `sam deploy` hands it over."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


def as_packaged(template: dict[str, Any]) -> dict[str, Any]:
    """The template as `sam deploy` hands it over: the local zip replaced by its S3 copy."""
    packaged = copy.deepcopy(template)
    assert packaged["Globals"]["Function"]["CodeUri"] == "build/lambda.zip"
    packaged["Globals"]["Function"]["CodeUri"] = "s3://artifacts/keepslot/lambda.zip"
    return packaged
