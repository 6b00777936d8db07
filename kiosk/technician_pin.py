"""The technician PIN that leaves kiosk mode: rules, a salted slow hash, and its place in the
configuration (`[touch] technician_pin_hash`).

The hash is one self-describing string, `scrypt$N$r$p$SALT$KEY` (salt and key in base64), so
the cost can be raised later without breaking PINs already set. The cost chosen here,
N=2**15, r=8, p=1, takes 32 MiB and about 0.1 s a check on the development machine (x86-64;
a Raspberry Pi 4 takes a few times longer): slow enough that trying all million 6-digit PINs
offline costs a day of CPU, fast enough for a tap on the overlay. A day is not much for a
determined attacker, so the configuration holding the hash is also kept unreadable by other
users (`kiosk.config` refuses it otherwise), and tries at the terminal are limited
(`kiosk.pin_lockout`).
"""

from __future__ import annotations

import os
import re
import secrets
import tomllib
from collections.abc import Callable
from pathlib import Path

from kiosk.pin_hash import CONFIG_KEY, OLD_CONFIG_KEY, PinError, ScryptHash, parse_hash, scrypt
from kiosk.toml_files import toml_string, write_file

MIN_DIGITS = 6
MAX_DIGITS = 12
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32


def pin_problem(pin: str) -> str | None:
    """Why `pin` may not be a technician PIN, or None when it may."""
    if not re.fullmatch(r"[0-9]+", pin) or not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        return f"the PIN must be {MIN_DIGITS} to {MAX_DIGITS} digits"
    runs = "01234567890123456789", "98765432109876543210"
    if len(set(pin)) == 1 or any(pin in run for run in runs):
        return "the PIN must not be one digit repeated or a run like 123456: it is guessed first"
    return None


def hash_pin(pin: str) -> str:
    """The string to store for `pin`, with a fresh random salt."""
    if problem := pin_problem(pin):
        raise PinError(problem)
    salt = secrets.token_bytes(SALT_BYTES)
    key = scrypt(pin, SCRYPT_N, SCRYPT_R, SCRYPT_P, salt, KEY_BYTES)
    return str(ScryptHash(SCRYPT_N, SCRYPT_R, SCRYPT_P, salt, key))


def verify(pin: str, stored: str) -> bool:
    """Whether `pin` is the PIN behind `stored`; a PinError when `stored` is no usable hash."""
    expected = parse_hash(stored)
    return bool(re.fullmatch(r"[0-9]{1,64}", pin)) and expected.matches(pin)


def ask_new_pin(read_secret: Callable[[str], str], allow_empty: bool = False) -> str:
    """A new PIN typed twice without echo, asked again until it follows the rules; "" only
    with `allow_empty` (no PIN: kiosk mode cannot be left at the terminal)."""
    empty = ", empty: kiosk mode cannot be left" if allow_empty else ""
    while True:
        pin = read_secret(f"Technician PIN ({MIN_DIGITS}-{MAX_DIGITS} digits{empty}): ").strip()
        if not pin and allow_empty:
            return ""
        if problem := pin_problem(pin):
            print(f"  {problem}")
        elif read_secret("The same PIN again: ").strip() != pin:
            print("  the two PINs differ")
        else:
            return pin


_TOUCH_HEADER = re.compile(r"\s*\[\s*touch\s*\]\s*(#.*)?\n?")
_ANY_HEADER = re.compile(r"\s*\[")
_PIN_LINE = re.compile(rf"\s*({CONFIG_KEY}|{OLD_CONFIG_KEY})\s*=")


def store_pin_hash(config_path: Path, stored: str) -> None:
    """Put `stored` into `[touch]` of the configuration file (replacing an old PIN of either
    kind), keeping every other line; the file gets mode 0600 and keeps its owner."""
    try:
        before = config_path.stat()
        lines = config_path.read_text("utf-8").splitlines(keepends=True)
    except OSError as error:
        raise PinError(f"{config_path}: {error.strerror}") from None
    setting = f"{CONFIG_KEY} = {toml_string(stored)}\n"
    header = next((i for i, line in enumerate(lines) if _TOUCH_HEADER.fullmatch(line)), None)
    if header is None:
        ending = "" if not lines or lines[-1].endswith("\n") else "\n"
        lines += [ending, "\n[touch]\n", setting]
    else:
        end = next(
            (i for i in range(header + 1, len(lines)) if _ANY_HEADER.match(lines[i])), len(lines)
        )
        kept = [line for line in lines[header + 1 : end] if not _PIN_LINE.match(line)]
        lines[header + 1 : end] = [setting, *kept]
    text = "".join(lines)
    try:
        touch = tomllib.loads(text).get("touch", {})
    except tomllib.TOMLDecodeError as error:
        raise PinError(f"{config_path} is not valid TOML ({error}): fix it first") from None
    if touch.get(CONFIG_KEY) != stored or OLD_CONFIG_KEY in touch:
        raise PinError(
            f"{config_path}: the PIN could not be placed in [touch] (an unusual layout);"
            f" write this line into [touch] by hand, without any other PIN line: {setting}"
        )
    write_file(config_path, text, 0o600)
    if os.geteuid() == 0:  # root sets PINs for the kiosk user, who must still read the file
        os.chown(config_path, before.st_uid, before.st_gid)
