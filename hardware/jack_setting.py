"""The `[audio] jack` setting read: which headphone-jack detection a terminal has.

A leaf module, so that the configuration (kiosk/config.py) checks the setting without the
detection itself (hardware/jack.py):
- `""`: no detection (any keypad key still starts the audio mode);
- `gpio:PATH`: a GPIO value file (e.g. /sys/class/gpio/gpio17/value), `1` when plugged;
  `gpio:PATH:active_low` when the switch pulls the pin low;
- `alsa:CARD:CONTROL`: an ALSA jack control, e.g. `alsa:0:Headphone Jack` (read with amixer).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class JackError(ValueError):
    """The `[audio] jack` setting cannot be understood."""


@dataclass(frozen=True)
class GpioJackSetting:
    path: Path
    active_low: bool = False


@dataclass(frozen=True)
class AlsaJackSetting:
    card: str
    control: str


def parse_jack_setting(setting: str) -> GpioJackSetting | AlsaJackSetting | None:
    """The detection `setting` names; None for none; a JackError when it names none known."""
    if not setting:
        return None
    kind, _, rest = setting.partition(":")
    if kind == "gpio" and rest:
        path, _, mode = rest.partition(":")
        if mode not in ("", "active_low"):
            raise JackError(f"[audio] jack: unknown GPIO mode {mode!r} (only active_low)")
        return GpioJackSetting(Path(path), active_low=mode == "active_low")
    if kind == "alsa" and ":" in rest:
        card, _, control = rest.partition(":")
        return AlsaJackSetting(card, control)
    raise JackError(f"[audio] jack: {setting!r} is not gpio:PATH or alsa:CARD:CONTROL")
