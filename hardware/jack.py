"""Headphone-jack detection, so that plugging in headphones starts the audio mode.

Configured by `[audio] jack`:
- `""`: no detection (any keypad key still starts the audio mode);
- `gpio:PATH`: a GPIO value file (e.g. /sys/class/gpio/gpio17/value), `1` when plugged;
  `gpio:PATH:active_low` when the switch pulls the pin low;
- `alsa:CARD:CONTROL`: an ALSA jack control, e.g. `alsa:0:Headphone Jack` (read with amixer).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class JackError(ValueError):
    """The `[audio] jack` setting cannot be understood."""


class Jack(Protocol):
    def plugged(self) -> bool | None:
        """True or False; None when the state cannot be read right now."""
        ...


@dataclass(frozen=True)
class GpioJack:
    path: Path
    active_low: bool = False

    def plugged(self) -> bool | None:
        try:
            level = self.path.read_text().strip()
        except OSError:
            return None
        return (level == "0") if self.active_low else (level == "1")


@dataclass(frozen=True)
class AlsaJack:
    card: str
    control: str

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
    if not setting:
        return None
    kind, _, rest = setting.partition(":")
    if kind == "gpio" and rest:
        path, _, mode = rest.partition(":")
        if mode not in ("", "active_low"):
            raise JackError(f"[audio] jack: unknown GPIO mode {mode!r} (only active_low)")
        return GpioJack(Path(path), active_low=mode == "active_low")
    if kind == "alsa" and ":" in rest:
        card, _, control = rest.partition(":")
        return AlsaJack(card, control)
    raise JackError(f"[audio] jack: {setting!r} is not gpio:PATH or alsa:CARD:CONTROL")


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
