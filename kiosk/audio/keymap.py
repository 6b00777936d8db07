"""Physical keys to EZ Access key names, from a key map in `hardware/keymaps/`.

A map may also say what a key does when held (`[hold]`): a plain numeric keypad has no
keys left for volume, rate, back, home and search, so holding UP turns the volume up, and so on.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from kiosk.audio.keys import KEYS
from kiosk.config import ConfigError

DEFAULT_HOLDS = {"UP": "VOL_UP", "DOWN": "VOL_DOWN", "CLEAR": "BACK", "HELP": "HOME",
                 "REPEAT": "RATE", "0": "SEARCH"}  # fmt: skip
"""What held keys do on a keypad without keys of their own for these functions. 0 turns the
page of a long list; held, it opens the jump to a first letter (one key for the list)."""


def _read(name_or_path: str) -> tuple[dict[int, str], dict[str, str]]:
    """The map's codes and its `[hold]` table, both checked (a bad map fails everywhere)."""
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.exists():
        raw_text = path.read_text("utf-8")
    else:
        bundled = resources.files("hardware.keymaps").joinpath(f"{name_or_path}.toml")
        if not bundled.is_file():
            raise ConfigError(f"no key map {name_or_path!r} in hardware/keymaps/")
        raw_text = bundled.read_text("utf-8")
    try:
        raw = tomllib.loads(raw_text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"key map {name_or_path}: {error}") from None
    holds = raw.pop("hold", {})
    for key, held in holds.items():
        if key not in KEYS or held not in KEYS:
            raise ConfigError(f"key map {name_or_path}: [hold] {key} = {held!r} is not two keys")
    codes = {}
    for code, key in raw.items():
        if not code.isdigit() or key not in KEYS:
            raise ConfigError(f"key map {name_or_path}: {code} = {key!r} is not a code and key")
        codes[int(code)] = key
    return codes, dict(holds)


def load_keymap(name_or_path: str) -> dict[int, str]:
    """A bundled map by name (`usb-numpad`) or a TOML file by path; key code -> key name."""
    return _read(name_or_path)[0]


def load_holds(name_or_path: str) -> dict[str, str]:
    """The map's `[hold]` table: key name -> what that key does when held."""
    return _read(name_or_path)[1]
