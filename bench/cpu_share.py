"""Run a command with the CPU a Lambda function of a given memory size gets.

Lambda gives a function CPU in proportion to its memory: 1,769 MB is one vCPU, so
512 MB is about 0.29 of one. A cgroup CPU quota of memory/1769 of one core
reproduces that bound here: cgroup v1 (`cpu.cfs_quota_us`) or v2 (`cpu.max`),
whichever the machine mounts, which needs root (CI runs as root).

Lambda may give the INIT phase more than this, so a figure measured here is the
bound to plan against, not the truth.

    share = CpuShare.open()          # None: this machine cannot throttle (says why)
    with share.limited(512) as run_in:
        subprocess.run(cmd, preexec_fn=run_in)
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ONE_VCPU_MB = 1769  # Lambda: the memory size that gets one full vCPU
PERIOD_US = 100_000
V1_CPU = Path("/sys/fs/cgroup/cpu")
V2_ROOT = Path("/sys/fs/cgroup")


def quota_us(memory_mb: int) -> int:
    """The CPU time per period a function of `memory_mb` gets, at most one core."""
    return min(PERIOD_US, max(1000, round(PERIOD_US * memory_mb / ONE_VCPU_MB)))


@dataclass(frozen=True)
class CpuShare:
    parent: Path
    version: int  # 1 or 2

    @classmethod
    def open(cls) -> CpuShare | None:
        """The cgroup hierarchy to throttle in, or None when there is none we may write."""
        if (V1_CPU / "cpu.cfs_quota_us").exists() and os.access(V1_CPU, os.W_OK):
            return cls(V1_CPU, 1)
        controllers = V2_ROOT / "cgroup.controllers"
        writable = os.access(V2_ROOT, os.W_OK)
        if writable and controllers.exists() and "cpu" in controllers.read_text().split():
            return cls(V2_ROOT, 2)
        return None

    @staticmethod
    def why_not() -> str:
        if os.geteuid() != 0:
            return "not root: cgroup quotas need root"
        return "no writable cgroup CPU controller (v1 cpu or v2 cpu.max) on this machine"

    @contextmanager
    def limited(self, memory_mb: int) -> Iterator[Callable[[], None]]:
        """A child cgroup with the quota of `memory_mb`; yields a preexec_fn joining it."""
        group = self.parent / f"keepslot-bench-{uuid.uuid4().hex[:8]}"
        group.mkdir()
        try:
            if self.version == 1:
                (group / "cpu.cfs_period_us").write_text(str(PERIOD_US))
                (group / "cpu.cfs_quota_us").write_text(str(quota_us(memory_mb)))
            else:
                (group / "cpu.max").write_text(f"{quota_us(memory_mb)} {PERIOD_US}")
            procs = group / "cgroup.procs"

            def join() -> None:  # runs in the child between fork and exec
                procs.write_text(str(os.getpid()))

            yield join
        finally:
            group.rmdir()  # its processes have exited: the group is empty
