"""Simulator options, shared by the command line and in-process use.

Each option is declared once, here: its field's `metadata` (see `cli_help`) carries the
command-line help, so `cli` derives `--some-option` (from the field name), its type (from the
annotation), its default and its help from this dataclass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kiosk.demo_settings import DEFAULT_AUTH_KEY, DEFAULT_TOKEN
from lapor_sim.shapes import SHAPE_NAMES

REDIRECT_STATUSES = (301, 302, 303, 307, 308)

_HEADER_VALUE = re.compile(r"[!-~]+")
"""Visible ASCII without spaces: safe inside an HTTP header and a TOML string."""


def cli_help(
    text: str, *, metavar: str | None = None, choices: tuple[Any, ...] | None = None
) -> dict[str, Any]:
    """Field metadata for the command line; `%(default)s` in `text` shows the default."""
    return {"help": text, "metavar": metavar, "choices": choices}


def flag_of(name: str) -> str:
    """The command-line flag of a field: `fail_rate` -> `--fail-rate`."""
    return "--" + name.replace("_", "-")


def _is_redirect_target(url: str) -> bool:
    """An http(s) base URL without query or fragment, safe to put in a `Location` header."""
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and bool(parts.netloc)
        and not parts.query
        and not parts.fragment
        and bool(_HEADER_VALUE.fullmatch(url))
    )


@dataclass(frozen=True)
class SimulatorOptions:
    host: str = field(
        default="127.0.0.1", metadata=cli_help("address to listen on (default %(default)s)")
    )
    port: int = field(
        default=8765, metadata=cli_help("port; 0 picks a free one (default %(default)s)")
    )
    db: Path | None = field(
        default=None,
        metadata=cli_help(
            "SQLite file that survives restarts (default: in memory)", metavar="FILE"
        ),
    )
    fail_rate: float = field(
        default=0.0,
        metadata=cli_help(
            "share of API calls answered 500, 503 or 429 at once (0..1)", metavar="F"
        ),
    )
    drop_response_rate: float = field(
        default=0.0,
        metadata=cli_help(
            "share of valid creates stored but left without an answer (0..1)", metavar="F"
        ),
    )
    latency_ms: int = field(default=0, metadata=cli_help("delay before each API call", metavar="N"))
    seed: int | None = field(
        default=None,
        metadata=cli_help("seed for fault injection (repeatable runs)", metavar="N"),
    )
    retry_after_s: int = field(
        default=1,
        metadata=cli_help("Retry-After sent with 503 and 429 (default %(default)s)", metavar="S"),
    )
    retry_after_value: str | None = field(
        default=None,
        metadata=cli_help(
            "literal Retry-After text sent with 503 and 429 instead of --retry-after-s, to try"
            " clients on garbage or non-ASCII digits such as '٣'; one line of printable text,"
            " sent as Latin-1 when it fits, else as raw UTF-8 bytes",
            metavar="TEXT",
        ),
    )
    advance_every_s: float = field(
        default=0.0,
        metadata=cli_help(
            "move each report to its next status after S seconds; 0 = only on request",
            metavar="S",
        ),
    )
    """Seconds after which a report moves to its next status by itself; 0 = never."""
    redirect_to: str | None = field(
        default=None,
        metadata=cli_help(
            "answer every API call (not /_sim/) with a redirect to URL + the same path and"
            " query, storing nothing, as a moved API would (e.g. http://127.0.0.1:9000)",
            metavar="URL",
        ),
    )
    redirect_status: int = field(
        default=307,
        metadata=cli_help(
            f"status of --redirect-to answers: {', '.join(map(str, REDIRECT_STATUSES))}"
            " (default %(default)s)",
            metavar="CODE",
            choices=REDIRECT_STATUSES,
        ),
    )
    trickle_bytes_per_s: float = field(
        default=0.0,
        metadata=cli_help(
            "write every API answer (status line, headers, body) at N bytes per second in"
            " small pieces, so a client timing each read never gives up; 0 = at once",
            metavar="N",
        ),
    )
    answer_shape: str = field(
        default="normal",
        metadata=cli_help(
            "JSON body of successful API answers, as odd back ends send it under the right"
            f" status: {', '.join(SHAPE_NAMES)} (default %(default)s; see"
            " lapor_sim/shapes.py); creates are stored whatever the shape",
            metavar="SHAPE",
            choices=SHAPE_NAMES,
        ),
    )
    search_lag_s: float = field(
        default=0.0,
        metadata=cli_help(
            "reference search shows a report only S seconds after its create, like a"
            " search index lagging behind (default %(default)s)",
            metavar="S",
        ),
    )
    channel_id: int = field(default=99, metadata=cli_help("accepted channel id", metavar="N"))
    auth_key: str = field(default=DEFAULT_AUTH_KEY, metadata=cli_help("accepted API key"))
    token: str = field(default=DEFAULT_TOKEN, metadata=cli_help("accepted API token (GUID)"))

    def __post_init__(self) -> None:
        """Refuse impossible values; messages name the command-line option, never a secret."""
        problems = [
            message
            for wrong, message in (
                (not 0 <= self.port <= 65535, "--port must be between 0 and 65535"),
                (not 0 <= self.fail_rate <= 1, "--fail-rate must be between 0 and 1"),
                (
                    not 0 <= self.drop_response_rate <= 1,
                    "--drop-response-rate must be between 0 and 1",
                ),
                (self.latency_ms < 0, "--latency-ms must not be negative"),
                (self.retry_after_s < 0, "--retry-after-s must not be negative"),
                (
                    self.retry_after_value is not None and not self.retry_after_value.isprintable(),
                    "--retry-after-value must be one line of printable text",
                ),
                (not self.advance_every_s >= 0, "--advance-every-s must not be negative"),
                (
                    self.redirect_to is not None and not _is_redirect_target(self.redirect_to),
                    "--redirect-to must be an http(s) URL without spaces, query or fragment",
                ),
                (
                    self.redirect_status not in REDIRECT_STATUSES,
                    f"--redirect-status must be one of {', '.join(map(str, REDIRECT_STATUSES))}",
                ),
                (
                    # `not x >= 0` also refuses NaN; infinity would sleep forever per byte.
                    not 0 <= self.trickle_bytes_per_s < float("inf"),
                    "--trickle-bytes-per-s must be a positive number (0 = off)",
                ),
                (
                    self.answer_shape not in SHAPE_NAMES,
                    f"--answer-shape must be one of {', '.join(SHAPE_NAMES)}",
                ),
                (
                    not 0 <= self.search_lag_s < float("inf"),
                    "--search-lag-s must not be negative",
                ),
                (self.channel_id < 1, "--channel-id must be a positive number"),
                (
                    not _HEADER_VALUE.fullmatch(self.auth_key),
                    "--auth-key must be visible ASCII characters without spaces",
                ),
                (
                    not _HEADER_VALUE.fullmatch(self.token),
                    "--token must be visible ASCII characters without spaces",
                ),
            )
            if wrong
        ]
        if problems:
            raise ValueError("; ".join(problems))
