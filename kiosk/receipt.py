"""Receipt codes: digits only, unique across the fleet, guarded by a Damm check digit.

A code is the terminal's four-digit fleet number, six random digits (so that
codes cannot be guessed by counting) and one Damm check digit: eleven digits,
shown and spoken in groups as ``TTTT-NNN-NNN-C``. The Damm algorithm detects
every single wrong digit and every swap of two neighbouring digits, so a
mistyped code is reported as not valid instead of opening another report.
"""

from __future__ import annotations

import secrets

from kiosk.i18n import text

CODE_LENGTH = 11
GROUPS = (4, 3, 3, 1)

# The weakly totally anti-symmetric quasigroup of order 10 from Damm (2004).
_DAMM_TABLE = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def damm_digit(digits: str) -> str:
    """The check digit that makes `digits` + it valid."""
    interim = 0
    for char in digits:
        interim = _DAMM_TABLE[interim][int(char)]
    return str(interim)


def is_damm_valid(digits: str) -> bool:
    return digits.isascii() and digits.isdigit() and damm_digit(digits) == "0"


def new_code(terminal_number: int) -> str:
    """A fresh code for this terminal (uniqueness is enforced by the store)."""
    if not 1 <= terminal_number <= 9999:
        raise ValueError("terminal number must be 1-9999")
    body = f"{terminal_number:04d}{secrets.randbelow(10**6):06d}"
    return body + damm_digit(body)


def normalize_code(typed: str) -> str | None:
    """The canonical eleven digits of a typed code, or None when it is not a valid code.

    Spaces, dashes and dots between digit groups are accepted.
    """
    digits = "".join(char for char in typed if char not in " -.\t")
    if len(digits) != CODE_LENGTH or not is_damm_valid(digits):
        return None
    return digits


def format_code(code: str) -> str:
    """`00011234567` + check as `0001-123-456-7` for screens and paper (a code being typed
    as far as it goes: `0001-23`)."""
    parts, start = [], 0
    for size in GROUPS:
        parts.append(code[start : start + size])
        start += size
    return "-".join(part for part in parts if part)


def qr_text(code: str, mall: str, language: str) -> str:
    """What the receipt's QR code holds, on the screen and on paper: the code (`code` as shown,
    `0001-234-567-8`) in a short sentence in the citizen's language, which a phone camera shows
    as it is ("LAPOR! kode laporan 0001-234-567-8 (tanda terima Mal Pelayanan Publik)").

    ASSUMED: not a link. The public page of a report on LAPOR!'s site, as far as known
    (`/pengaduan/<TrackingID>`, unconfirmed), needs the tracking id LAPOR! gives on delivery,
    and at the receipt the report is only stored on this terminal: a kiosk code opens nothing
    there. Once a receipt can name a delivered report, its page belongs here."""
    return text("code.qr", language, code=code, mall=mall)
