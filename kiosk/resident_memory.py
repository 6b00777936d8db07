"""How much memory this process holds in RAM (its resident set), for the benchmarks."""

from __future__ import annotations

from pathlib import Path


def rss_mb() -> float:
    """The resident set size in MiB, from /proc/self/status (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
