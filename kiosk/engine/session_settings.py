"""The `[session]` settings: how long a citizen's session may stay idle.

A leaf module, so that the configuration (kiosk/config.py) reads them without importing the
engine."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SessionSettings:
    idle_timeout_s: float = 120.0
    """Seconds without a touch or key before the session ends."""
    warning_s: float = 30.0
    """Seconds before the end at which the warning (with "more time") appears."""
    receipt_timeout_s: float = 90.0
    """Seconds the receipt stays on screen before the kiosk returns to the start."""
    notice_s: float = 15.0
    """Seconds the notice that a session ended stays on the welcome, unless touched sooner."""
