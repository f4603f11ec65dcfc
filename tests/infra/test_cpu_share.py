"""bench/cpu_share.py: a command run at a Lambda size's CPU share gets no more CPU than
that size buys, so the bench's cold starts at the share are what a client would wait."""

from __future__ import annotations

import os
import subprocess
import sys

from bench.cpu_share import PERIOD_US, CpuShare, quota_us

BUSY = """
import time
end = time.monotonic() + 1.0
while time.monotonic() < end:
    pass
print(time.process_time())
"""


def test_quota_follows_memory_up_to_one_core() -> None:
    assert quota_us(1769) == PERIOD_US
    assert quota_us(3008) == PERIOD_US  # past one vCPU a single thread gains nothing
    assert quota_us(512) == round(PERIOD_US * 512 / 1769)
    assert quota_us(128) < quota_us(256) < quota_us(1024)


def test_a_busy_process_at_256_mb_gets_about_a_seventh_of_a_core() -> None:
    share = CpuShare.open()
    if os.geteuid() != 0:  # the bench then says why and measures the full core only
        assert share is None
        assert "root" in CpuShare.why_not()
        return
    assert share is not None, CpuShare.why_not()
    with share.limited(256) as join:
        out = subprocess.run(
            [sys.executable, "-c", BUSY],
            preexec_fn=join,
            capture_output=True,
            text=True,
            check=True,
        )
    cpu_seconds = float(out.stdout)
    # 256/1769 = 0.145 of a core for one second of wall time (plus interpreter start-up,
    # which is throttled too); unthrottled, a busy loop takes close to a full second.
    assert cpu_seconds < 0.3, cpu_seconds
