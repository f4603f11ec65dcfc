"""`make serve CONFIG=path` serves a site built from the config it serves: a client never
accepts rules the policy page did not show. The server refuses a site built from
another config; `make serve` builds the site from its CONFIG first.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from infra.site_hooks import site_built_from
from tests.support.configs import FIXTURE, config_with, with_payments
from tests.support.site import site_for
from tests.support.stack import ROOT, LocalStack

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("english")
    return config_with(
        directory, "en", business={"locale": "en", "name": "Studio Giulia Rossi (EN)"}
    )


def serve(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            *("-m", "infra.local.serve", "--port", "0"),
            *("--config", str(config), "--site", str(site)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_serve_refuses_a_site_built_from_another_config(tmp_path: Path) -> None:
    other = with_payments("offline", tmp_path, policy={"grace_minutes": 30})
    done = serve(other, site_for(FIXTURE))
    assert done.returncode == 2, done.stderr
    assert "was not built from" in done.stderr
    assert f"make serve CONFIG={other}" in done.stderr


def test_a_built_site_knows_the_config_it_came_from(english: Path) -> None:
    site = site_for(english)
    assert site_built_from(site, english)
    assert not site_built_from(site, FIXTURE)


def test_the_stack_serves_the_policy_page_of_the_config_it_runs(english: Path) -> None:
    with LocalStack(config=english) as stack:
        page = stack.get("/policy/").text
        assert stack.get("/api/config").json()["business"]["name"] == "Studio Giulia Rossi (EN)"
    assert 'lang="en"' in page
    assert "Studio Giulia Rossi (EN)" in page


def test_make_serve_builds_the_site_from_the_config_it_serves(tmp_path: Path) -> None:
    config = tmp_path / "other.yaml"
    dry = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "serve", f"CONFIG={config}", "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.splitlines()
    build = next(line for line in dry if "mkdocs build" in line)
    run = next(line for line in dry if "infra.local.serve" in line)
    assert f"KEEPSLOT_CONFIG={config}" in build
    assert f"--config {config}" in run and "--port 8123" in run
    assert dry.index(build) < dry.index(run)
