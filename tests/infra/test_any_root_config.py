"""The tests never depend on the root keepslot.yaml: that file is the freelancer's, and
the README tells them to edit it.

A copy of the repo (its tracked files) gets someone else's config at the root (another
business, language, currency, services and hours, offline payments:
tests/fixtures/another-business.yaml), and `make test-fast` plus a slice of every
other layer run there: the in-process API, the local stack and the browser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ANOTHER = ROOT / "tests" / "fixtures" / "another-business.yaml"
# One file per layer that asserts the fixture's own values (Studio Giulia Rossi,
# `strategia`, the Italian wording): each would fail if it read the root file.
SLICE = [
    "tests/integration/test_api_bookings.py",
    "tests/integration/test_local_stack.py::test_config_answers_200_json",
    "tests/integration/test_local_stack.py::test_a_booking_s_emails_are_in_the_outbox_when_it_returns",
    "tests/infra/test_deploy.py::test_sender_and_alerts_come_from_keepslot_yaml",
    "tests/e2e/test_booking_flow.py",
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tracked files, with their times (so make sees the installed .venv as current),
    the same .venv, and another business's keepslot.yaml at the root."""
    target = tmp_path_factory.mktemp("repo")
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file() and name != "keepslot.yaml":  # the freelancer's: not even read
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / ".venv").symlink_to(ROOT / ".venv")
    shutil.copy2(ANOTHER, target / "keepslot.yaml")
    return target


def run(copy: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "KEEPSLOT_"))}
    return subprocess.run(
        command, cwd=copy, env=env, capture_output=True, text=True, timeout=900, check=False
    )


def test_the_copy_really_has_another_business_at_its_root(copy: Path) -> None:
    done = run(copy, sys.executable, "-m", "keepslot.config.check_config", "keepslot.yaml")
    assert done.returncode == 0, done.stderr
    text = (copy / "keepslot.yaml").read_text(encoding="utf-8")
    assert "Harbour Lane" in text and "Giulia" not in text and "strategia" not in text


def test_make_test_fast_passes_with_another_business_at_the_root(copy: Path) -> None:
    # -o: the .venv is this repo's, installed already; never reinstall it from the copy.
    done = run(copy, "make", "-o", ".venv/.installed", "test-fast")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert " passed" in done.stdout


def test_every_layer_passes_with_another_business_at_the_root(copy: Path) -> None:
    done = run(copy, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SLICE)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert " passed" in done.stdout and " failed" not in done.stdout
