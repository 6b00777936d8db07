"""Answers as bytes on the socket: a head whose header values may be raw UTF-8, and trickling.

`http.server` encodes header values as strict Latin-1 and writes each answer at once; a test
of a client's robustness needs a `Retry-After` of "٣" (U+0663, sent as its UTF-8 bytes, as a
careless server would) and an answer that arrives a few bytes at a time over a slow link.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

TRICKLE_PERIOD_S = 0.05
"""How often a trickled answer writes a piece: often enough that no read waits long."""


def header_bytes(value: str) -> bytes:
    """Latin-1 when the value fits (what HTTP clients decode), else its raw UTF-8 bytes."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def render_head(version: str, status: int, headers: list[tuple[str, str]]) -> bytes:
    """Status line and headers, ending with the blank line; names are ASCII, values any text."""
    lines = [f"{version} {status} {HTTPStatus(status).phrase}".encode("ascii")]
    lines += [name.encode("ascii") + b": " + header_bytes(value) for name, value in headers]
    return b"\r\n".join([*lines, b"", b""])


def trickle(
    write: Callable[[bytes], Any],
    data: bytes,
    bytes_per_s: float,
    *,
    sleep: Callable[[float], Any] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Write `data` at about `bytes_per_s`: a small piece, a pause, the next piece, and so on.

    Pieces are paced against the start time, so slow writes do not add up to a slower rate;
    below 20 bytes per second each piece is a single byte.
    """
    piece = max(1, int(bytes_per_s * TRICKLE_PERIOD_S))
    started = clock()
    for offset in range(0, len(data), piece):
        delay = started + offset / bytes_per_s - clock()
        if delay > 0:
            sleep(delay)
        write(data[offset : offset + piece])
