"""Tries of the technician PIN at the terminal: a growing wait after wrong ones, kept in the
data directory so that a restart does not reset it, and lifted by a technician.

Each try is counted before the PIN is checked and forgiven only when it was right, so a try
cut short (a crash, a pulled plug) still counts, and a try that cannot be counted (a full or
read-only disk) is not checked at all. The first `FREE_TRIES` wrong tries in a row (typos)
cost nothing; the next one earns a wait of `FIRST_WAIT_S`, and each further one twice the
last, up to `LONGEST_WAIT_S`: from the 16th on, one guess a day is left against a million
PINs. A right PIN, or `unlock` (`kiosk pin unlock`), forgets them all.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.i18n import text
from kiosk.technician_pin import verify
from kiosk.toml_files import write_file

STATE_FILE = "technician_pin_attempts.json"
FREE_TRIES = 3
FIRST_WAIT_S = 30.0
LONGEST_WAIT_S = 86400.0

log = logging.getLogger(__name__)


def wait_after(failures: int) -> float:
    """Seconds to wait after `failures` wrong tries in a row before the next try."""
    if failures <= FREE_TRIES:
        return 0.0
    return min(FIRST_WAIT_S * 2 ** min(failures - FREE_TRIES - 1, 32), LONGEST_WAIT_S)


@dataclass(frozen=True)
class Attempts:
    failures: int = 0
    """Wrong (or unfinished) tries since the last right one."""
    last_at: float = 0.0
    """Wall-clock time of the latest of them."""


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    reason: str
    """`accepted`, `wrong`, `locked` (not checked: the wait is not over) or `unrecorded` (not
    checked: the try could not be counted)."""
    wait_s: float = 0.0
    """Seconds until the next try is allowed."""


def verdict_text(verdict: Verdict, language: str) -> str:
    """What the PIN overlay shows for a verdict that is not `accepted`."""
    if verdict.reason == "unrecorded":
        return text("technician_pin.unrecorded", language)
    if verdict.wait_s <= 0:
        return text("ui.pin_wrong", language)
    if verdict.wait_s < 120:
        return text("technician_pin.wait_seconds", language, seconds=math.ceil(verdict.wait_s))
    return text("technician_pin.wait_minutes", language, minutes=math.ceil(verdict.wait_s / 60))


class PinLockout:
    """The counted tries in `data_dir`; `clock` is the wall clock (a test's own, if it likes)."""

    def __init__(self, data_dir: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = data_dir / STATE_FILE
        self.clock = clock

    def attempts(self) -> Attempts:
        try:
            raw = json.loads(self.path.read_text("utf-8"))
            return Attempts(int(raw["failures"]), float(raw["last_at"]))
        except FileNotFoundError:
            return Attempts()
        except (OSError, ValueError, KeyError, TypeError) as error:
            # Damaged or unreadable: as many tries as earn the first wait, never none.
            log.warning("technician PIN tries unreadable (%s): a wait is imposed", error)
            return Attempts(FREE_TRIES + 1, self._changed_at())

    def _changed_at(self) -> float:
        try:
            return self.path.stat().st_mtime
        except OSError:
            return self.clock()

    def wait_s(self) -> float:
        """Seconds until a try is allowed; 0 when it is now."""
        attempts = self.attempts()
        # A clock set back (elapsed < 0) restarts the wait; it never makes it longer.
        elapsed = max(self.clock() - attempts.last_at, 0.0)
        return max(wait_after(attempts.failures) - elapsed, 0.0)

    def _save(self, attempts: Attempts) -> None:
        state = {"failures": attempts.failures, "last_at": attempts.last_at}
        write_file(self.path, json.dumps(state) + "\n", 0o600)

    def try_pin(self, pin: str, stored: str) -> Verdict:
        """Check `pin` against the stored hash, if a try is allowed now."""
        wait = self.wait_s()
        if wait > 0:
            return Verdict(False, "locked", wait)
        failures = self.attempts().failures + 1
        try:
            self._save(Attempts(failures, self.clock()))
        except OSError as error:
            log.error("technician PIN not checked: the try cannot be counted: %s", error)
            return Verdict(False, "unrecorded")
        if verify(pin, stored):
            try:
                self.path.unlink(missing_ok=True)
            except OSError as error:  # the right PIN still leaves; the count stays
                log.warning("technician PIN tries not forgotten: %s", error)
            return Verdict(True, "accepted")
        log.warning("wrong technician PIN (%d in a row)", failures)
        return Verdict(False, "wrong", wait_after(failures))


def unlock(data_dir: Path) -> str:
    """Forget every wrong try (`kiosk pin unlock`); says what there was."""
    lockout = PinLockout(data_dir)
    failures, wait = lockout.attempts().failures, lockout.wait_s()
    lockout.path.unlink(missing_ok=True)
    if not failures:
        return "no wrong technician PIN tries were counted"
    held = f", the next try was {wait:.0f} s away" if wait else ""
    return f"{failures} wrong technician PIN tries forgotten{held}"
