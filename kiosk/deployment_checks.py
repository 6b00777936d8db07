"""Settings that are fine against the local simulator but unsafe against the real LAPOR!: told
at start-up (the log, once a process), by `kiosk status` and by `kiosk selftest` (which fails).

Plain http to anything but this machine is refused outright by `kiosk.config`, so it is not
among them.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from urllib.parse import urlsplit

from kiosk.config import KioskConfig, is_loopback
from kiosk.demo_settings import DEFAULT_AUTH_KEY, DEFAULT_TOKEN


@dataclass(frozen=True)
class SecurityProblem:
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.problem}: {self.fix}"


def is_production(config: KioskConfig) -> bool:
    """Whether the API is anything but this machine (the simulator runs on loopback)."""
    return not is_loopback(urlsplit(config.lapor.base_url).hostname or "")


def security_problems(config: KioskConfig) -> list[SecurityProblem]:
    """What is unsafe in how this terminal reaches a production LAPOR!; [] for the simulator."""
    if not is_production(config):
        return []
    lapor = config.lapor
    problems = []
    if not lapor.verify_tls:
        problems.append(SecurityProblem(
            f"[lapor] verify_tls = false with {lapor.base_url}: anyone on the way can pose as"
            " LAPOR! and read the credentials and every report",
            "set verify_tls = true (a certificate the system does not trust is named by"
            " `kiosk selftest`)",
        ))  # fmt: skip
    simulator = [
        name for name, value, demo in (("auth_key", lapor.auth_key, DEFAULT_AUTH_KEY),
                                       ("token", lapor.token, DEFAULT_TOKEN))
        if value.reveal() == demo
    ]  # fmt: skip
    if simulator:
        problems.append(SecurityProblem(
            f"the LAPOR! simulator's demo {' and '.join(simulator)} with {lapor.base_url}",
            f"put the channel's own key and token into {lapor.credentials_file} (`kiosk"
            " provision` writes it)",
        ))  # fmt: skip
    try:
        mode = lapor.credentials_file.stat().st_mode if lapor.credentials_file else 0
    except OSError:
        mode = 0  # gone since it was read: nothing to say about who can read it
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        problems.append(SecurityProblem(
            f"other users can read the credentials file {lapor.credentials_file}"
            f" (mode {stat.S_IMODE(mode):o})",
            f"`chmod 600 {lapor.credentials_file}`",
        ))  # fmt: skip
    return problems
