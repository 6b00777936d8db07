"""Simulator options, shared by the command line and in-process use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_AUTH_KEY = "sim-dev-key"
DEFAULT_TOKEN = "00000000-0000-4000-8000-00000000sim0"

_HEADER_VALUE = re.compile(r"[!-~]+")
"""Visible ASCII without spaces: safe inside an HTTP header and a TOML string."""


@dataclass(frozen=True)
class SimulatorOptions:
    host: str = "127.0.0.1"
    port: int = 8765
    """0 picks a free port."""
    db: Path | None = None
    """SQLite file that keeps state across restarts; None keeps it in memory."""
    fail_rate: float = 0.0
    drop_response_rate: float = 0.0
    latency_ms: int = 0
    seed: int | None = None
    retry_after_s: int = 1
    advance_every_s: float = 0.0
    """Seconds after which a report moves to its next status by itself; 0 = never."""
    channel_id: int = 99
    auth_key: str = DEFAULT_AUTH_KEY
    token: str = DEFAULT_TOKEN

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
                (not self.advance_every_s >= 0, "--advance-every-s must not be negative"),
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
