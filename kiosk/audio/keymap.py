"""Physical keys to EZ Access key names, from a key map in `hardware/keymaps/`."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from kiosk.audio.keys import KEYS
from kiosk.config import ConfigError


def load_keymap(name_or_path: str) -> dict[int, str]:
    """A bundled map by name (`usb-numpad`) or a TOML file by path; key code -> key name."""
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.exists():
        raw_text = path.read_text("utf-8")
    else:
        bundled = resources.files("hardware.keymaps").joinpath(f"{name_or_path}.toml")
        if not bundled.is_file():
            raise ConfigError(f"no key map {name_or_path!r} in hardware/keymaps/")
        raw_text = bundled.read_text("utf-8")
    keymap = {}
    for code, key in tomllib.loads(raw_text).items():
        if not code.isdigit() or key not in KEYS:
            raise ConfigError(f"key map {name_or_path}: {code} = {key!r} is not a code and key")
        keymap[int(code)] = key
    return keymap
