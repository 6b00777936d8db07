"""Writing a kiosk configuration that points at a running simulator.

The stdlib reads TOML but cannot write it, so the few strings are escaped by hand.
Credentials go to their own file with mode 0600, as the kiosk expects.
"""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.simulator.options import SimulatorOptions

_ESCAPES = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}


def toml_string(value: str) -> str:
    """`value` as a TOML basic string, quotes included."""
    escaped = "".join(
        _ESCAPES.get(char) or (f"\\u{ord(char):04X}" if char < " " or char == "\x7f" else char)
        for char in value
    )
    return f'"{escaped}"'


def credentials_path(config_path: Path) -> Path:
    return config_path.with_name(f"{config_path.stem}.credentials.toml")


def render_config(config_path: Path, url: str, channel_id: int) -> str:
    data_dir = f"{config_path.stem}-data"
    return f"""\
# Written by `kiosk lapor-sim`: points this kiosk at the local LAPOR! simulator.
[terminal]
id = "KIOSK-SIM"
number = 1
mall = "Mal Pelayanan Publik (simulator)"

[data]
dir = {toml_string(data_dir)}  # relative to the config file; keep relative

[lapor]
base_url = {toml_string(url)}
channel_id = {channel_id}
credentials_file = {toml_string(credentials_path(config_path).name)}
verify_tls = true  # plain http needs no certificate; keep the safe default
reference_lookup = true  # the simulator implements the ASSUMED reference search
timeout_s = 5.0

[forwarder]
poll_interval_s = 0.2
backoff_initial_s = 0.05
backoff_max_s = 0.5
jitter = 0.25
reconcile_grace_s = 0.5
"""


def render_credentials(options: SimulatorOptions) -> str:
    return f"auth_key = {toml_string(options.auth_key)}\ntoken = {toml_string(options.token)}\n"


def _write(path: Path, text: str, mode: int) -> None:
    """Replace `path` atomically; the new file has exactly `mode`, whatever the umask."""
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), mode)
        handle.write(text)
    os.replace(temporary, path)


def write_kiosk_config(config_path: Path, url: str, options: SimulatorOptions) -> Path:
    """Write the configuration and, beside it, its credentials file; returns the latter."""
    config_path.parent.mkdir(parents=True, exist_ok=True)
    secrets = credentials_path(config_path)
    _write(secrets, render_credentials(options), 0o600)
    _write(config_path, render_config(config_path, url, options.channel_id), 0o644)
    return secrets
