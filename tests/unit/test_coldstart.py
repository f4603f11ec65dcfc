"""A handler's cold start: no garbage collection while its modules load, and after it,
collection as usual for everything but what loaded (frozen: it lives as long as the process).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

CHECK = """
import gc, sys
import keepslot.handlers.coldstart
assert not gc.isenabled(), "collection runs while modules load"
__import__(sys.argv[1])
assert gc.isenabled(), "collection never resumed"
assert gc.get_freeze_count() > 50_000, gc.get_freeze_count()
assert gc.get_count()[0] < 1_000, gc.get_count()  # a fresh start for what comes next
"""


@pytest.mark.parametrize("handler", ["api", "tick", "dispatcher", "webhook"])
def test_handler_loads_without_collection_and_then_collects(handler: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHECK, f"keepslot.handlers.{handler}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
