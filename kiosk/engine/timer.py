"""The session's idle time-out: a warning first, then the session ends and is wiped."""

from __future__ import annotations

import math

from kiosk.engine.session_settings import SessionSettings


class IdleTimer:
    def __init__(self, settings: SessionSettings) -> None:
        self.settings = settings
        self.deadline: float | None = None

    def start(self, now: float, seconds: float | None = None) -> None:
        self.deadline = now + (self.settings.idle_timeout_s if seconds is None else seconds)

    def stop(self) -> None:
        self.deadline = None

    def warning(self, now: float) -> int:
        """Whole seconds left when the warning is due, else 0."""
        if self.deadline is None or self.deadline - now > self.settings.warning_s:
            return 0
        return max(1, math.ceil(self.deadline - now))

    def expired(self, now: float) -> bool:
        return self.deadline is not None and now >= self.deadline
