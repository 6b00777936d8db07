"""Builds the kiosk's parts from its configuration: the store, the API client, forwarders."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from kiosk.config import ConfigError, KioskConfig
from kiosk.db import connect
from kiosk.forwarder import Forwarder
from kiosk.outbox import WHOLE, Shard

if TYPE_CHECKING:
    from kiosk.adapters.lapor_v3 import LaporV3Client


def open_store(config: KioskConfig) -> sqlite3.Connection:
    return connect(config.db_path)


def has_credentials(config: KioskConfig) -> bool:
    return bool(config.lapor.auth_key and config.lapor.token)


def open_api(config: KioskConfig) -> LaporV3Client:
    from kiosk.adapters.lapor_v3 import LaporV3Client  # HTTP only where the API is used

    if not has_credentials(config):
        raise ConfigError(
            "LAPOR! credentials are not configured: set [lapor] credentials_file (run"
            " `kiosk provision`, or `kiosk lapor-sim --write-config FILE` for the simulator)"
        )
    return LaporV3Client(config.lapor, config.terminal.id)


def open_forwarder(config: KioskConfig, shard: Shard = WHOLE) -> Forwarder:
    retention_s = config.data.retention_days * 86400.0
    return Forwarder(open_store(config), open_api(config), config.forwarder, retention_s, shard)
