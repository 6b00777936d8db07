"""Text from outside (LAPOR!'s answers, report fields) made safe for a log line or a terminal.

A complaint id or a rejection reason is the API's text: a newline in it would forge a log
line, an ESC sequence would repaint the technician's terminal. `printable` escapes every
control character (C0, C1, DEL, line and paragraph separators, bidi overrides, lone
surrogates that no terminal can encode) so that one event stays one line and the text reads
as it came.
"""

from __future__ import annotations

import unicodedata

MAX_CHARS = 500
"""Longer text is cut here (with an ellipsis): a log line, not a dump."""


def _escaped(char: str) -> str:
    if char in "\n\r\t":
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(value: object, limit: int = MAX_CHARS) -> str:
    """`value` as one line of visible text: control and format characters escaped, cut at
    `limit` characters."""
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return "".join(
        _escaped(char) if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") else char
        for char in text
    )
