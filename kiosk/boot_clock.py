"""The clock delivery waits are measured on: seconds since boot, never the wall clock.

A Raspberry Pi has no hardware clock: until NTP answers, its wall clock may be a year
ahead or behind, and it jumps when corrected. A back-off scheduled on the wall clock
would then hold a report for that year, or send it early. Waits are kept instead as
"due at this many seconds since boot `boot_id`" (CLOCK_BOOTTIME counts on through
suspend and never jumps), so a restart of the forwarder keeps them exactly; after a
reboot they are counted again from the start of the new boot, at most one wait late.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")


_PROCESS_ID = f"process-{uuid.uuid4()}"


def _boot_id() -> str:
    try:
        return BOOT_ID_FILE.read_text().strip()
    except OSError:  # not Linux: waits are then kept for this process only
        return _PROCESS_ID


def _seconds_since_boot() -> float:
    return time.clock_gettime(getattr(time, "CLOCK_BOOTTIME", time.CLOCK_MONOTONIC))


@dataclass(frozen=True)
class BootClock:
    boot_id: str = field(default_factory=_boot_id)
    """Changes at every boot: a wait written under another boot is re-based."""
    seconds: Callable[[], float] = _seconds_since_boot
    """Seconds since boot; a test passes its own."""
