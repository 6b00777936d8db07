"""Headphone-jack detection, so that plugging in headphones starts the audio mode.

Configured by `[audio] jack` (read in hardware/jack_setting.py).
"""

from __future__ import annotations

import subprocess
from typing import Protocol

from hardware.jack_setting import AlsaJackSetting, GpioJackSetting, parse_jack_setting


class Jack(Protocol):
    def plugged(self) -> bool | None:
        """True or False; None when the state cannot be read right now."""
        ...


class GpioJack(GpioJackSetting):
    def plugged(self) -> bool | None:
        try:
            level = self.path.read_text().strip()
        except OSError:
            return None
        return (level == "0") if self.active_low else (level == "1")


class AlsaJack(AlsaJackSetting):
    def plugged(self) -> bool | None:
        try:
            answer = subprocess.run(
                ["amixer", "-c", self.card, "cget", f"name={self.control}"],
                capture_output=True, text=True, timeout=2, check=True,
            ).stdout  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            return None
        for line in answer.splitlines():
            if ": values=" in line:
                return line.rsplit("=", 1)[1].strip() == "on"
        return None


def jack_from_setting(setting: str) -> Jack | None:
    """The detection `setting` names (None for none); a JackError when it names none known."""
    match parse_jack_setting(setting):
        case GpioJackSetting(path, active_low):
            return GpioJack(path, active_low)
        case AlsaJackSetting(card, control):
            return AlsaJack(card, control)
    return None


class JackWatcher:
    """Reports changes: `check()` says `in` or `out` once each time headphones go in or out."""

    def __init__(self, jack: Jack) -> None:
        self.jack = jack
        self.plugged = jack.plugged()
        """The latest state read: True, False, or None when it cannot be read."""

    def check(self) -> str:
        """`in`, `out`, or "" when nothing changed (or the state cannot be read)."""
        plugged = self.jack.plugged()
        if plugged is None or plugged == self.plugged:
            return ""
        was_known = self.plugged is not None
        self.plugged = plugged
        if plugged:
            return "in"
        return "out" if was_known else ""
