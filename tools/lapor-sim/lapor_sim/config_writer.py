"""Writing a kiosk configuration that points at a running simulator.

Credentials go to their own file with mode 0600, as the kiosk expects.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.toml_files import toml_string, write_file
from lapor_sim.options import SimulatorOptions


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
region = "32.73"  # Kota Bandung, whose offices the simulator knows

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


def write_kiosk_config(config_path: Path, url: str, options: SimulatorOptions) -> Path:
    """Write the configuration and, beside it, its credentials file; returns the latter."""
    config_path.parent.mkdir(parents=True, exist_ok=True)
    secrets = credentials_path(config_path)
    write_file(secrets, render_credentials(options), 0o600)
    write_file(config_path, render_config(config_path, url, options.channel_id), 0o644)
    return secrets
