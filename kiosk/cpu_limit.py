"""A Pi-class slow-down for benchmarks: one core, and only a share of it (a CFS quota).

The process (and every child it starts afterwards) is pinned to CPU 0 and moved into a cgroup
whose quota is `share` of that core: cgroup v2's `cpu.max` where the unified hierarchy has the
cpu controller, else cgroup v1's `cpu.cfs_quota_us`. Needs root. The group is this process's own
(`kiosk-bench-<pid>`) and is removed when it exits.
"""

from __future__ import annotations

import atexit
import contextlib
import os
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
GROUP_PREFIX = "kiosk-bench-"
PERIOD_US = 100_000


class CpuLimitUnavailable(RuntimeError):
    """The slow-down cannot be applied here; the message says why."""


def limit_cpu(share: float) -> str:
    """Pin this process to one core and cap it at `share` of it; returns how (for the figures)."""
    if not 0 < share <= 1:
        raise CpuLimitUnavailable(f"the CPU share must be above 0 and at most 1, not {share}")
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    quota = int(PERIOD_US * share)
    try:
        group = _group()
        if (group / "cpu.max").exists():
            (group / "cpu.max").write_text(f"{quota} {PERIOD_US}\n")
        else:
            (group / "cpu.cfs_period_us").write_text(f"{PERIOD_US}\n")
            (group / "cpu.cfs_quota_us").write_text(f"{quota}\n")
        (group / "cgroup.procs").write_text(f"{os.getpid()}\n")
        atexit.register(_remove, group)
    except OSError as error:
        problem = f"no CPU quota here ({error}): run as root, with cgroups"
        raise CpuLimitUnavailable(problem) from None
    return f"one core, {share:.0%} of it (cgroup {group})"


def _group() -> Path:
    """The benchmark's cgroup, made if needed: v2 where it has the cpu controller, else v1."""
    unified = CGROUP_ROOT / "unified" if (CGROUP_ROOT / "unified").is_dir() else CGROUP_ROOT
    controllers = unified / "cgroup.controllers"
    if controllers.exists() and "cpu" in controllers.read_text().split():
        (unified / "cgroup.subtree_control").write_text("+cpu\n")
        parent = unified
    else:
        parent = CGROUP_ROOT / "cpu"
    group = parent / f"{GROUP_PREFIX}{os.getpid()}"
    group.mkdir(exist_ok=True)
    return group


def _remove(group: Path) -> None:
    """Leave the group for its parent and remove it. A child that outlives this process keeps it
    (the kernel refuses to remove a group with processes in it): nothing else to do then."""
    with contextlib.suppress(OSError):
        (group.parent / "cgroup.procs").write_text(f"{os.getpid()}\n")
        group.rmdir()
