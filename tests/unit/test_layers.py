"""Imports run one way: handlers, cli -> service -> words -> config -> domain; adapters ->
service.ports, config, domain (ARCHITECTURE.md). Read from the source with `ast`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from keepslot import layers

FUNCTIONS = Path(layers.__file__).parent.parent


def _planted(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of the package with `line` added at the end of `module` (a path inside it)."""
    root = tmp_path / "keepslot"
    shutil.copytree(layers.ROOT, root, ignore=shutil.ignore_patterns("__pycache__", "*.j2"))
    path = root / module
    path.write_text(path.read_text() + f"\n{line}\n")
    return root


def _wrong(module: str, line: str) -> list[str]:
    """What the check says of the real `module` with `line` added at its end."""
    path = layers.ROOT / module
    name = layers.module_name(path, layers.ROOT)
    source = path.read_text() + f"\n{line}\n"
    found = layers.imports_of(source, name, layers.ROOT, package=path.name == "__init__.py")
    return [str(v) for v in layers.violations(found)]


def test_every_import_in_the_package_runs_down_the_layers() -> None:
    found = layers.all_imports()
    assert len(found) > 300  # it read the whole package, not an empty folder
    assert layers.violations(found) == []


@pytest.mark.parametrize(
    ("module", "line", "why"),
    [
        # a use case reaching for DynamoDB instead of its port
        (
            "service/new_booking.py",
            "from keepslot.adapters.dynamo.store import DynamoStore",
            "service may not import adapters",
        ),
        # an adapter importing a use case (not a port)
        (
            "adapters/tokens.py",
            "from keepslot.service import new_booking",
            "adapters may not import service",
        ),
        # the config model reaching up for words
        ("config/model.py", "from keepslot.words import Words", "config may not import words"),
        # words reaching up for a use case, inside a function and relatively
        (
            "words/pages.py",
            "def f():\n    from ..service import views",
            "words may not import service",
        ),
        # a handler building an adapter itself instead of asking bootstrap
        (
            "handlers/webhook.py",
            "from keepslot.adapters.tokens import TokenSigner",
            "handlers may not import adapters",
        ),
        # the domain is pure: no AWS SDK, not even under TYPE_CHECKING
        ("domain/money.py", "if TYPE_CHECKING:\n    import boto3", "domain is pure"),
        ("domain/booking.py", "from keepslot.config.model import KeepslotConfig", "domain may not"),
        # ports are what adapters see: they must not lead back into the use cases
        ("service/ports/store.py", "from keepslot.service.context import Context", "ports may"),
    ],
)
def test_a_planted_wrong_import_is_named(module: str, line: str, why: str) -> None:
    assert _wrong(module, "") == []
    wrong = _wrong(module, line)
    dotted = "keepslot." + module.removesuffix(".py").replace("/", ".")
    assert len(wrong) == 1, wrong
    assert wrong[0].startswith(f"{dotted}:") and why in wrong[0]


def test_the_allowed_directions_stay_allowed() -> None:
    """Down the chain, adapters to ports and config, bootstrap to anything: no complaint."""
    for module, line in [
        ("handlers/webhook.py", "from keepslot.words import Words"),
        ("adapters/tokens.py", "from keepslot.service.ports import Store"),
        ("adapters/tokens.py", "from keepslot.config.model import KeepslotConfig"),
        ("service/new_booking.py", "from keepslot.words import Words"),
        ("bootstrap.py", "from keepslot.adapters.dynamo.store import DynamoStore"),
    ]:
        assert _wrong(module, line) == [], line


def test_the_command_prints_the_graph_and_fails_on_a_wrong_import(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "keepslot.layers"]
    good = subprocess.run(run, capture_output=True, text=True, cwd=FUNCTIONS, check=False)
    assert good.returncode == 0, good.stderr
    graph = dict(line.split(" -> ") for line in good.stdout.splitlines() if " -> " in line)
    assert set(graph["adapters".ljust(13)].split(", ")) <= {"service.ports", "config", "domain"}
    assert graph["domain".ljust(13)] == "(standard library)"

    root = _planted(tmp_path, "service/new_booking.py", "from keepslot.handlers import api")
    bad = subprocess.run([*run, "--root", str(root)], capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert "keepslot.service.new_booking" in bad.stderr and "keepslot.handlers.api" in bad.stderr
