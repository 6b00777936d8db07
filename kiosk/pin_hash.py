"""The technician PIN's stored hash, `scrypt$N$r$p$SALT$KEY`, read and checked (the cost and
the rules of the PIN are explained in kiosk/technician_pin.py).

A leaf module, so that the configuration (kiosk/config.py) checks a stored hash without the
rest of the PIN's handling.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

MAX_MEMORY = 256 * 2**20
"""A stored hash asking for more memory than this is refused (a typo must not exhaust RAM)."""
CONFIG_KEY = "technician_pin_hash"
OLD_CONFIG_KEY = "technician_pin_sha256"
"""The unsalted SHA-256 of kiosks before issue 11: refused, the technician sets a new PIN."""


class PinError(ValueError):
    """A PIN or a stored hash that cannot be used; the message says what to do."""


def scrypt(pin: str, n: int, r: int, p: int, salt: bytes, length: int) -> bytes:
    # OpenSSL counts 128*r*(N+p+2) bytes; a mebibyte more leaves room for its own needs.
    memory = 128 * r * (n + p + 2) + 2**20
    return hashlib.scrypt(
        pin.encode("ascii"), salt=salt, n=n, r=r, p=p, maxmem=memory, dklen=length
    )


@dataclass(frozen=True)
class ScryptHash:
    n: int
    r: int
    p: int
    salt: bytes
    key: bytes

    def __str__(self) -> str:
        salt, key = (base64.b64encode(part).decode("ascii") for part in (self.salt, self.key))
        return f"scrypt${self.n}${self.r}${self.p}${salt}${key}"

    def matches(self, pin: str) -> bool:
        """Whether `pin` gives this key (compared in constant time)."""
        derived = scrypt(pin, self.n, self.r, self.p, self.salt, len(self.key))
        return hmac.compare_digest(derived, self.key)


def parse_hash(stored: str) -> ScryptHash:
    """The parts of a stored hash, checked; a PinError says what is wrong with it."""
    fix = "set a new PIN with `kiosk pin set`"
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        raise PinError(f"[touch] {CONFIG_KEY} is not scrypt$N$r$p$SALT$KEY: {fix}")
    try:
        n, r, p = (int(part) for part in parts[1:4])
        salt, key = (base64.b64decode(part, validate=True) for part in parts[4:])
    except ValueError:  # binascii.Error is one
        raise PinError(
            f"[touch] {CONFIG_KEY} has a part that is not a number or base64: {fix}"
        ) from None
    if n < 2**10 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 16:
        raise PinError(
            f"[touch] {CONFIG_KEY}: N must be a power of two of at least 1024, r 1 to 32 and"
            f" p 1 to 16: {fix}"
        )
    if 128 * r * (n + p + 2) > MAX_MEMORY:
        raise PinError(f"[touch] {CONFIG_KEY} asks for over {MAX_MEMORY >> 20} MiB: {fix}")
    if len(salt) < 8 or not 16 <= len(key) <= 64:
        raise PinError(f"[touch] {CONFIG_KEY}: salt or key too short: {fix}")
    return ScryptHash(n, r, p, salt, key)
