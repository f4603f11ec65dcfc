"""Where `make serve` runs, written to `.local/stack.json` so the CLI finds it from a
second terminal: moto's URL (its port changes at every start), the site (for the dev
clock), the table and the config it serves."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

STACK_FILE = Path(".local") / "stack.json"


@dataclass(frozen=True, slots=True)
class LocalStack:
    aws: str  # moto's endpoint URL
    site: str  # the gateway: the site, /api and /_dev
    table: str
    config: str  # the keepslot.yaml it serves

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    def clock(self, timeout: float = 5.0) -> datetime:
        """The stack's dev clock, which may run ahead of real time."""
        with urllib.request.urlopen(f"{self.site}/_dev/clock", timeout=timeout) as res:
            now = json.loads(res.read())["now"]
        return datetime.fromisoformat(now.replace("Z", "+00:00"))


def find(start: Path) -> LocalStack | None:
    """The stack file in `start` or the nearest folder above it, if any."""
    for folder in (start, *start.parents):
        path = folder / STACK_FILE
        if path.is_file():
            return LocalStack(**json.loads(path.read_text(encoding="utf-8")))
    return None


def forget(path: Path, stack: LocalStack) -> None:
    """Remove the file when it still names `stack` (a newer stack may have replaced it)."""
    try:
        if LocalStack(**json.loads(path.read_text(encoding="utf-8"))) == stack:
            path.unlink()
    except (OSError, ValueError, TypeError):
        pass
