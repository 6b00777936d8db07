"""Kiosk configuration: one frozen dataclass per part, read from a TOML file.

The file is named by `--config` or `KIOSK_CONFIG`; the data directory may be
overridden by `KIOSK_DATA_DIR`. API credentials live in their own file
(mode 0600) and are held as `Secret` so that they never reach a log or a
traceback by accident.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hardware.jack import JackError, jack_from_setting
from kiosk.engine.timer import SessionSettings
from voice.recognizer import RecognizerSettings

SYSTEM_CONFIG = Path("/etc/lapor-kiosk/kiosk.toml")
"""Where a provisioned terminal keeps its configuration."""


class ConfigError(Exception):
    """The configuration is missing or wrong; the message says what to fix."""


class Secret:
    """A credential that prints as `***`; `reveal()` is the only way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


@dataclass(frozen=True)
class TerminalConfig:
    id: str = "KIOSK-DEMO"
    """Human-readable terminal name, shown to technicians."""
    number: int = 1
    """Fleet-wide terminal number (1-9999); the first four digits of every receipt code."""
    mall: str = "Mal Pelayanan Publik"
    """Name of the public service mall where the terminal stands."""
    location: str = ""
    """Where in the mall the terminal stands (floor, counter)."""
    default_language: str = "id"
    """Language a new session starts in: `id` or `en`."""


@dataclass(frozen=True)
class DataConfig:
    dir: Path = Path("/var/lib/lapor-kiosk")
    """Directory holding the SQLite store and caches."""
    retention_days: float = 30.0
    """Days after delivery before a report's personal data is wiped from the terminal."""


@dataclass(frozen=True)
class LaporConfig:
    base_url: str = "https://api-splp.layanan.go.id/lapor/3.0.0"
    """LAPOR! v3 base URL, without a trailing slash."""
    channel_id: int = 0
    """Intake channel id agreed with LAPOR! for this kiosk fleet."""
    auth_header: str = "auth"
    """Header carrying `Bearer <key>`: `auth` in production, `Authorization` in some set-ups."""
    auth_key: Secret = field(default_factory=lambda: Secret(""))
    """API key (from the credentials file)."""
    token: Secret = field(default_factory=lambda: Secret(""))
    """API token GUID (from the credentials file)."""
    timeout_s: float = 20.0
    """Seconds a whole call may take (connect, send, the complete answer) before it fails."""
    upload_bytes_per_s: float = 50_000.0
    """Slowest upload speed allowed for, in bytes per second: an upload's deadline grows by its
    size divided by this."""
    verify_tls: bool = True
    """Check the server's TLS certificate; only a local simulator may turn this off."""
    reference_lookup: bool = False
    """Use the assumed `GET /complaints/search?reference=` to reconcile ambiguous creates."""
    tags: str = "#kiosk"
    """Tags sent in `tags_raw` before the kiosk reference."""


@dataclass(frozen=True)
class ForwarderConfig:
    workers: int = 2
    """Reports delivered at the same time (each worker owns a disjoint part of the outbox)."""
    poll_interval_s: float = 5.0
    """Seconds between looks at the outbox when nothing is due."""
    backoff_initial_s: float = 10.0
    """First retry delay in seconds."""
    backoff_max_s: float = 900.0
    """Longest retry delay in seconds."""
    backoff_factor: float = 2.0
    """Each failed attempt multiplies the delay by this."""
    jitter: float = 0.25
    """Random spread of each delay, as a fraction of it (0.25 = up to 25% shorter)."""
    reconcile_grace_s: float = 120.0
    """Seconds after an unanswered create before looking it up (LAPOR! may still be storing it)."""
    reconcile_lookups: int = 2
    """Lookups, a grace period apart, that must all miss before an unanswered create is posted
    again (a search may lag behind the create)."""
    max_create_posts: int = 2
    """Creates posted for one report at most; past this an unanswered report waits for staff."""
    refdata_refresh_s: float = 21600.0
    """Seconds between syncs of agencies, categories and locations."""


@dataclass(frozen=True)
class TouchConfig:
    fullscreen: bool = True
    """Fill the screen without window borders (kiosk mode); off for development."""
    pixels_per_mm: float = 5.88
    """Display density; 5.88 for a 10.1-inch 1280x800 panel. Sets the smallest text size."""
    technician_pin_sha256: str = ""
    """SHA-256 (hex) of the PIN that leaves kiosk mode; empty: the UI cannot be left."""


@dataclass(frozen=True)
class AudioConfig:
    keymap: str = "usb-numpad"
    """Key map of the tactile keypad: a name in hardware/keymaps/ or a TOML file's path."""
    blank_screen: bool = True
    """Black out the screen while an audio session runs (privacy for blind citizens)."""
    jack: str = ""
    """Headphone-jack detection: "", "gpio:PATH[:active_low]" or "alsa:CARD:CONTROL"."""
    output_device: str = ""
    """Sound output for speech, by name (see `kiosk audio devices`); "" for the system default."""
    input_device: str = ""
    """Microphone, by name (see `kiosk audio devices`); "" for the system default."""


@dataclass(frozen=True)
class PrinterConfig:
    device: str = ""
    """Receipt printer: "" (none), "dummy", "file:/dev/usb/lp0" or "usb:VENDOR:PRODUCT" (hex)."""


@dataclass(frozen=True)
class MetricsConfig:
    listen: str = ""
    """host:port where the forwarder serves Prometheus metrics; "" for none."""
    allow_remote: bool = False
    """Allow a listen address other than loopback (the metrics are then served to the network)."""


@dataclass(frozen=True)
class KioskConfig:
    terminal: TerminalConfig = field(default_factory=TerminalConfig)
    data: DataConfig = field(default_factory=DataConfig)
    lapor: LaporConfig = field(default_factory=LaporConfig)
    forwarder: ForwarderConfig = field(default_factory=ForwarderConfig)
    session: SessionSettings = field(default_factory=SessionSettings)
    touch: TouchConfig = field(default_factory=TouchConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    recognition: RecognizerSettings = field(default_factory=RecognizerSettings)
    printer: PrinterConfig = field(default_factory=PrinterConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    source: Path | None = None
    """The file this configuration was read from, if any."""

    @property
    def db_path(self) -> Path:
        return self.data.dir / "kiosk.sqlite3"


def _section(cls: type, raw: dict[str, Any], name: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    unknown = set(raw) - set(known)
    if unknown:
        raise ConfigError(f"[{name}]: unknown setting(s) {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        default = getattr(cls(), key)
        if default is None:  # an optional number (e.g. a decoder setting)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"[{name}] {key}: expected a number")
        elif isinstance(default, Path):
            value = Path(value)
        elif isinstance(default, bool) and not isinstance(value, bool):
            raise ConfigError(f"[{name}] {key}: expected true or false")
        elif isinstance(default, float) and isinstance(value, int):
            value = float(value)
        elif not isinstance(value, type(default)):
            raise ConfigError(f"[{name}] {key}: expected {type(default).__name__}")
        values[key] = value
    return cls(**values)


def _read_toml(path: Path, what: str) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{what} not found: {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{what} {path} is not valid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{what} {path} cannot be read: {error.strerror}") from None


def load_credentials(path: Path) -> tuple[Secret, Secret]:
    """Read `auth_key` and `token` from the credentials file."""
    raw = _read_toml(path, "Credentials file")
    try:
        return Secret(str(raw["auth_key"])), Secret(str(raw["token"]))
    except KeyError as missing:
        raise ConfigError(f"Credentials file {path} lacks {missing.args[0]}") from None


def _check_base_url(url: str) -> None:
    """HTTPS, except to this machine (the simulator): credentials never travel in clear text."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1"):
        return
    raise ConfigError(
        f"[lapor] base_url {url!r} must be https://host/... (plain http only to this machine)"
    )


def config_file(path: Path | None, env: dict[str, str]) -> Path | None:
    """The file to read: `path`, else `KIOSK_CONFIG`, else the system one when present."""
    if path is None and env.get("KIOSK_CONFIG"):
        path = Path(env["KIOSK_CONFIG"])
    if path is None and SYSTEM_CONFIG.exists():
        path = SYSTEM_CONFIG
    return path


def has_config(path: Path | None = None, env: dict[str, str] | None = None) -> bool:
    """Whether `load_config` has something to read (a file, or `KIOSK_DATA_DIR`)."""
    env = dict(os.environ) if env is None else env
    return config_file(path, env) is not None or bool(env.get("KIOSK_DATA_DIR"))


def load_config(path: Path | None = None, env: dict[str, str] | None = None) -> KioskConfig:
    """Read the configuration from `path`, else `KIOSK_CONFIG`, else defaults."""
    env = dict(os.environ) if env is None else env
    path = config_file(path, env)
    if path is None and not env.get("KIOSK_DATA_DIR"):
        raise ConfigError(
            "no configuration: pass --config FILE or set KIOSK_CONFIG (or KIOSK_DATA_DIR for an"
            f" offline terminal); {SYSTEM_CONFIG} is read when present. For the simulator:"
            " `kiosk lapor-sim --write-config k.toml`"
        )
    raw: dict[str, Any] = _read_toml(path, "Configuration file") if path else {}
    sections = {part.name for part in fields(KioskConfig)} - {"source"}
    unknown = set(raw) - sections
    if unknown:
        raise ConfigError(f"unknown section(s) [{'], ['.join(sorted(unknown))}]")
    lapor_raw = dict(raw.get("lapor", {}))
    credentials_file = lapor_raw.pop("credentials_file", None)
    data_raw = dict(raw.get("data", {}))
    if env.get("KIOSK_DATA_DIR"):
        data_raw["dir"] = env["KIOSK_DATA_DIR"]
    base = path.parent if path else Path.cwd()
    if "dir" in data_raw:
        data_raw["dir"] = str(base / Path(data_raw["dir"]).expanduser())
    lapor = _section(LaporConfig, lapor_raw, "lapor")
    if credentials_file:
        auth_key, token = load_credentials(base / credentials_file)
        lapor = replace(lapor, auth_key=auth_key, token=token)
    _check_base_url(lapor.base_url)
    audio = _section(AudioConfig, raw.get("audio", {}), "audio")
    try:
        jack_from_setting(audio.jack)
    except JackError as error:
        raise ConfigError(str(error)) from None
    terminal = _section(TerminalConfig, raw.get("terminal", {}), "terminal")
    if not 1 <= terminal.number <= 9999:
        raise ConfigError("[terminal] number must be between 1 and 9999")
    if terminal.default_language not in ("id", "en"):
        raise ConfigError("[terminal] default_language must be id or en")
    return KioskConfig(
        terminal=terminal,
        data=_section(DataConfig, data_raw, "data"),
        lapor=lapor,
        forwarder=_section(ForwarderConfig, raw.get("forwarder", {}), "forwarder"),
        session=_section(SessionSettings, raw.get("session", {}), "session"),
        touch=_section(TouchConfig, raw.get("touch", {}), "touch"),
        audio=audio,
        recognition=_section(RecognizerSettings, raw.get("recognition", {}), "recognition"),
        printer=_section(PrinterConfig, raw.get("printer", {}), "printer"),
        metrics=_section(MetricsConfig, raw.get("metrics", {}), "metrics"),
        source=path,
    )
