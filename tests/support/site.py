"""The static site built from a given config, once per config per test process.

A local stack serves a site built from the config it runs (infra/local/serve.py
refuses any other), so tests never depend on `make site` or the root keepslot.yaml.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_built: dict[str, Path] = {}
_lock = threading.Lock()


def site_for(config: Path) -> Path:
    """A directory holding the site `mkdocs build --strict` makes from `config`."""
    key = hashlib.sha256(Path(config).read_bytes()).hexdigest()
    with _lock:
        if key not in _built:
            _built[key] = _build(Path(config))
        return _built[key]


def mkdocs_build(config: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of the repo's site from `config` into `site_dir`."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=ROOT,
        env={**os.environ, "KEEPSLOT_CONFIG": str(config.resolve()), "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _build(config: Path) -> Path:
    out = Path(tempfile.mkdtemp(prefix="keepslot-site-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    done = mkdocs_build(config, out)
    if done.returncode != 0:
        raise RuntimeError(f"mkdocs build with {config} failed:\n{done.stdout}{done.stderr}")
    return out
