"""Writing the TOML files the kiosk reads: the stdlib reads TOML but cannot write it, so the
few values are escaped by hand, and each file is replaced atomically with an exact mode."""

from __future__ import annotations

import os
from pathlib import Path

_ESCAPES = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}


def toml_string(value: str) -> str:
    """`value` as a TOML basic string, quotes included."""
    escaped = "".join(
        _ESCAPES.get(char) or (f"\\u{ord(char):04X}" if char < " " or char == "\x7f" else char)
        for char in value
    )
    return f'"{escaped}"'


def toml_value(value: object) -> str:
    """A string, number or boolean as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return toml_string(str(value))


def write_file(path: Path, text: str, mode: int) -> None:
    """Replace `path` atomically and durably; the new file has exactly `mode`, whatever the
    umask."""
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), mode)
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())  # a power cut keeps the old file or the new one, whole
    os.replace(temporary, path)
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(folder)  # and the rename itself
    finally:
        os.close(folder)
