"""Builds the kiosk's parts from its configuration: the store, the API client, forwarders."""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING

from kiosk.config import ConfigError, KioskConfig
from kiosk.db import connect
from kiosk.outbox import WHOLE, Shard

if TYPE_CHECKING:
    from kiosk.adapters.lapor_v3 import LaporV3Client
    from kiosk.forwarder import Forwarder

log = logging.getLogger("kiosk.security")
_told: set[str] = set()
"""Unsafe settings already logged by this process (each API client would repeat them)."""


def open_store(config: KioskConfig, check: bool = True) -> sqlite3.Connection:
    """The store; `check=False` where the caller has just checked it (see `db.connect`)."""
    return connect(config.db_path, check)


def has_credentials(config: KioskConfig) -> bool:
    return bool(config.lapor.auth_key and config.lapor.token)


def open_api(config: KioskConfig) -> LaporV3Client:
    from kiosk.adapters.lapor_v3 import LaporV3Client  # HTTP only where the API is used

    if not has_credentials(config):
        raise ConfigError(
            "LAPOR! credentials are not configured: set [lapor] credentials_file (run"
            " `kiosk provision`, or `kiosk lapor-sim --write-config FILE` for the simulator)"
        )
    _warn_of_unsafe_settings(config)
    return LaporV3Client(config.lapor, config.terminal.id)


def _warn_of_unsafe_settings(config: KioskConfig) -> None:
    """Each unsafe way of reaching a production LAPOR!, logged once a process."""
    from kiosk.deployment_checks import security_problems

    for problem in map(str, security_problems(config)):
        if problem not in _told:
            _told.add(problem)
            log.warning("UNSAFE SETTING: %s", problem)


def open_forwarder(config: KioskConfig, shard: Shard = WHOLE) -> Forwarder:
    from kiosk.forwarder import Forwarder  # delivery only where it runs

    retention_s = config.data.retention_days * 86400.0
    # Unchecked: the forwarder checks the store at its first housekeeping, and the workers
    # of one `kiosk forward` need not read the whole file once each.
    store = open_store(config, check=False)
    return Forwarder(store, open_api(config), config.forwarder, retention_s, shard)
