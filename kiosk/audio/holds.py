"""Held keys: a key with a second function acts when it is let go, or does that function
once it has been held long enough. Plain logic with a clock passed in; the touch app
feeds it key downs and ups and asks it on a timer."""

from __future__ import annotations

from dataclasses import dataclass, field

HOLD_S = 0.8
"""How long a key must be held for its second function, in seconds."""
ACTED = float("inf")
"""The start time of a hold whose second function was done: its release does nothing."""


@dataclass
class HeldKeys:
    holds: dict[str, str]
    """Key name -> what it does when held (`UP` -> `VOL_UP`)."""
    hold_s: float = HOLD_S
    _down: dict[str, float] = field(default_factory=dict)
    """Keys with a second function that are down now, and since when."""

    def down(self, key: str, now: float) -> str:
        """A key went down: the key to act on now, or "" when it must wait (it may be held)."""
        if key not in self.holds:
            return key
        self._down.setdefault(key, now)  # key repeats of a held key change nothing
        return ""

    def up(self, key: str, now: float) -> str:
        """A key came up: the key to act on, or "" (not ours, or it already acted as held)."""
        since = self._down.pop(key, None)
        if since is None or since == ACTED:
            return ""
        return self.holds[key] if now - since >= self.hold_s else key

    def due(self, now: float) -> str:
        """The second function of a key held long enough (once per hold), else ""."""
        for key, since in self._down.items():
            if now - since >= self.hold_s:
                self._down[key] = ACTED
                return self.holds[key]
        return ""
