"""Kiosk configuration: one frozen dataclass per part, read from a TOML file.

The file is named by `--config` or `KIOSK_CONFIG`; the data directory may be
overridden by `KIOSK_DATA_DIR`. API credentials live in their own file
(mode 0600) and are held as `Secret` so that they never reach a log or a
traceback by accident.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import os
import re
import tomllib
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hardware.jack_setting import JackError, parse_jack_setting
from kiosk.engine.session_settings import SessionSettings
from kiosk.pin_hash import OLD_CONFIG_KEY, PinError, parse_hash
from voice.recognizer_settings import RecognizerSettings

log = logging.getLogger(__name__)

SYSTEM_CONFIG = Path("/etc/lapor-kiosk/kiosk.toml")
"""Where a provisioned terminal keeps its configuration."""


class ConfigError(Exception):
    """The configuration is missing or wrong; the message says what to fix."""


def ranged(default: float, low: float, high: float) -> Any:
    """A numeric setting's field with its allowed range, `low` to `high` inclusive."""
    return field(default=default, metadata={"range": (low, high)})


RANGES: dict[tuple[str, str], tuple[float, float]] = {
    # [session]: SessionSettings (kiosk/engine/session_settings.py).
    ("session", "idle_timeout_s"): (5, 3600),
    ("session", "warning_s"): (1, 600),  # and less than idle_timeout_s (checked below)
    ("session", "receipt_timeout_s"): (5, 3600),
    ("session", "notice_s"): (1, 600),
    # [recognition]: RecognizerSettings (voice/recognizer_settings.py).
    ("recognition", "confidence"): (0, 1),
    ("recognition", "vad_aggressiveness"): (0, 3),
    ("recognition", "frame_ms"): (10, 30),  # and one of CHOICES
    ("recognition", "end_silence_ms"): (30, 5000),
    ("recognition", "min_speech_ms"): (0, 5000),
    ("recognition", "max_utterance_s"): (1, 60),
    ("recognition", "max_active"): (100, 100_000),
    ("recognition", "beam"): (1, 100),
    ("recognition", "lattice_beam"): (0.1, 50),
}
"""Allowed ranges of the numeric settings whose classes live in leaf modules of their stage
(the ones here declare theirs with `ranged`), by (section, key)."""

CHOICES: dict[tuple[str, str], tuple[int, ...]] = {("recognition", "frame_ms"): (10, 20, 30)}
"""Numeric settings that take only some values (webrtcvad frames are 10, 20 or 30 ms)."""

ORDER: dict[str, list[tuple[str, str, bool]]] = {
    "forwarder": [("backoff_initial_s", "backoff_max_s", False)],
    "session": [("warning_s", "idle_timeout_s", True)],
}
"""Per section, (smaller, larger, strictly): settings that must not pass each other."""


def allowed_range(section: str, setting: Field) -> tuple[float, float] | None:
    """The range a numeric setting must lie in, from its field or from `RANGES`."""
    return setting.metadata.get("range") or RANGES.get((section, setting.name))


def is_numeric(setting: Field) -> bool:
    """int or float (possibly optional), not bool: the settings that need a range."""
    words = set(re.findall(r"\w+", str(setting.type)))  # "int | None", or <class 'int'>
    return bool(words & {"int", "float"}) and "bool" not in words


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
    number: int = ranged(1, 1, 9999)
    """Fleet-wide terminal number (1-9999); the first four digits of every receipt code."""
    mall: str = "Mal Pelayanan Publik"
    """Name of the public service mall where the terminal stands."""
    location: str = ""
    """Where in the mall the terminal stands (floor, counter)."""
    region: str = "32.73"
    """Kemendagri code of the kota or kabupaten the terminal serves (`32.73`: Kota Bandung);
    its kecamatan and kelurahan are offered to every citizen."""
    default_language: str = "id"
    """Language a new session starts in: `id` or `en`."""


@dataclass(frozen=True)
class DataConfig:
    dir: Path = Path("/var/lib/lapor-kiosk")
    """Directory holding the SQLite store and caches."""
    retention_days: float = ranged(30.0, 0, 3650)
    """Days after delivery before a report's personal data is wiped from the terminal (0 to
    3650; 0 wipes it at the first clean-up after delivery)."""


@dataclass(frozen=True)
class LaporConfig:
    base_url: str = "https://api-splp.layanan.go.id/lapor/3.0.0"
    """LAPOR! v3 base URL, without a trailing slash."""
    channel_id: int = ranged(0, 0, 2**31 - 1)
    """Intake channel id agreed with LAPOR! for this kiosk fleet."""
    auth_header: str = "auth"
    """Header carrying `Bearer <key>`: `auth` in production, `Authorization` in some set-ups."""
    auth_key: Secret = field(default_factory=lambda: Secret(""))
    """API key (from the credentials file)."""
    token: Secret = field(default_factory=lambda: Secret(""))
    """API token GUID (from the credentials file)."""
    timeout_s: float = ranged(20.0, 1, 600)
    """Seconds a whole call may take (connect, send, the complete answer) before it fails
    (1 to 600)."""
    upload_bytes_per_s: float = ranged(50_000.0, 1000, 1e9)
    """Slowest upload speed allowed for, in bytes per second (1000 to 1e9): an upload's deadline
    grows by its size divided by this."""
    verify_tls: bool = True
    """Check the server's TLS certificate; only a local simulator may turn this off."""
    reference_lookup: bool = False
    """Use the assumed `GET /complaints/search?reference=` to reconcile ambiguous creates."""
    tags: str = "#kiosk"
    """Tags sent in `tags_raw` before the kiosk reference."""
    credentials_file: Path | None = None
    """The credentials file read (the setting names it relative to the configuration file);
    None without one."""


@dataclass(frozen=True)
class ForwarderConfig:
    workers: int = ranged(2, 1, 16)
    """Reports delivered at the same time, 1 to 16 (each worker owns a disjoint part of the
    outbox)."""
    poll_interval_s: float = ranged(5.0, 0.05, 3600)
    """Seconds between looks at the outbox when nothing is due (0.05 to 3600)."""
    backoff_initial_s: float = ranged(10.0, 0.01, 86400)
    """First retry delay in seconds (0.01 to 86400)."""
    backoff_max_s: float = ranged(900.0, 0.01, 86400)
    """Longest retry delay in seconds (at least backoff_initial_s, at most 86400)."""
    backoff_factor: float = ranged(2.0, 1, 10)
    """Each failed attempt multiplies the delay by this (1 to 10)."""
    jitter: float = ranged(0.25, 0, 0.9)
    """Random spread of each delay, as a fraction of it (0.25 = up to 25% shorter); 0 to 0.9, so
    that a delay is never shorter than a tenth of the backoff (never zero or negative)."""
    reconcile_grace_s: float = ranged(120.0, 0, 86400)
    """Seconds after an unanswered create before looking it up (LAPOR! may still be storing it);
    0 to 86400."""
    reconcile_lookups: int = ranged(2, 1, 10)
    """Lookups, a grace period apart, that must all miss before an unanswered create is posted
    again (a search may lag behind the create); 1 to 10."""
    max_create_posts: int = ranged(3, 1, 5)
    """Creates posted for one report at most (1 to 5; 3 = the first and two re-posts); past this
    an unanswered report waits for staff."""
    refdata_refresh_s: float = ranged(21600.0, 60, 30 * 86400)
    """Seconds between syncs of agencies, categories and locations (60 to 30 days)."""


@dataclass(frozen=True)
class TouchConfig:
    fullscreen: bool = True
    """Fill the screen without window borders (kiosk mode); off for development."""
    pixels_per_mm: float | None = ranged(None, 1, 40)
    """Display density, 1 to 40 (5.88 for a 10.1-inch 1280x800 panel); every size on screen
    comes from it. Absent or 0: what the panel says of its size (its EDID, or X's outputs),
    else 5.88, logged (kiosk/touch/display.py `panel_density`)."""
    settle_ms: int = ranged(400, 0, 2000)
    """Touches are ignored for this long after the screen changes (another screen, an overlay
    opening or closing), in milliseconds, 0 to 2000: the second tap of a hurried double tap
    does nothing on the new screen, as on bank and airline kiosks. 0: no pause."""
    technician_pin_hash: str = ""
    """The PIN that leaves kiosk mode, as `kiosk pin set` or `kiosk provision` stores it
    (`scrypt$N$r$p$SALT$KEY`, see kiosk/technician_pin.py); empty: the UI cannot be left. A file
    holding it must not be readable by other users."""
    pin_problem: str = ""
    """Why a PIN in the file is not used (set by loading, not in the file): kiosk mode then
    cannot be left, selftest fails, and delivery goes on."""


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
    """host:port (`127.0.0.1:9108`, `[::1]:9108`, `localhost:9108`) where the forwarder serves
    Prometheus metrics; "" for none. A value that is not host:port with a port of 1 to 65535 is a
    configuration error, reported by every command; a port that cannot be had when the forwarder
    starts is not (the forwarder delivers without metrics, `kiosk status` and `kiosk selftest`
    show why)."""
    allow_remote: bool = False
    """Allow a listen address other than loopback (127.0.0.0/8, ::1, localhost), `0.0.0.0`
    included: the metrics are then served to the network."""


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


def _number(value: float) -> str:
    """A number as a technician would write it: 9999, 0.05, 86400, 1000000000, nan."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _check_number(name: str, setting: Field, value: float) -> None:
    if not math.isfinite(value):
        raise ConfigError(f"[{name}] {setting.name} must be a finite number, not {value!r}")
    limits = allowed_range(name, setting)
    if limits is None:
        raise ConfigError(f"[{name}] {setting.name}: no allowed range declared (a kiosk bug)")
    low, high = limits
    if not low <= value <= high:
        raise ConfigError(
            f"[{name}] {setting.name} must be between {_number(low)} and {_number(high)},"
            f" not {_number(value)}"
        )
    choices = CHOICES.get((name, setting.name))
    if choices and value not in choices:
        allowed = ", ".join(map(_number, choices[:-1])) + f" or {_number(choices[-1])}"
        raise ConfigError(f"[{name}] {setting.name} must be {allowed}, not {_number(value)}")


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
            if "float" not in re.findall(r"\w+", str(known[key].type)) and isinstance(value, float):
                raise ConfigError(f"[{name}] {key}: expected int")
        elif isinstance(default, Path):
            value = Path(value)
        elif isinstance(default, bool) and not isinstance(value, bool):
            raise ConfigError(f"[{name}] {key}: expected true or false")
        elif isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        elif not isinstance(value, type(default)) or (
            isinstance(value, bool) and not isinstance(default, bool)
        ):
            raise ConfigError(f"[{name}] {key}: expected {type(default).__name__}")
        if is_numeric(known[key]):
            _check_number(name, known[key], value)
        values[key] = value
    section = cls(**values)
    for smaller, larger, strictly in ORDER.get(name, []):
        low, high = getattr(section, smaller), getattr(section, larger)
        if high < low or (strictly and high == low):
            relation = "more than" if strictly else "at least"
            raise ConfigError(
                f"[{name}] {larger} ({_number(high)}) must be {relation} {smaller} ({_number(low)})"
            )
    return section


_HOSTNAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*")


def parse_listen(listen: str) -> tuple[str, int]:
    """(host, port) of a `[metrics] listen` value: "host:port" or "[IPv6]:port", the host an IP
    address or a name, the port 1 to 65535; a ConfigError naming the setting otherwise."""
    problem = ConfigError(
        f"[metrics] listen = {listen!r} is not host:port (e.g. 127.0.0.1:9108 or [::1]:9108,"
        " a port from 1 to 65535)"
    )
    host, colon, port = listen.rpartition(":")
    if not colon or not re.fullmatch(r"[0-9]{1,5}", port) or not 1 <= int(port) <= 65535:
        raise problem
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise problem from None
        return host, int(port)
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        # A name, not an address: four numbers that are not an address (300.1.1.1) are refused.
        if not _HOSTNAME.fullmatch(host) or re.fullmatch(r"[0-9.]+", host):
            raise problem from None
    return host, int(port)


def is_loopback(host: str) -> bool:
    """Whether `host` (as `parse_listen` gives it) is this machine only: 127.0.0.0/8, ::1,
    localhost. Any other name counts as remote: what it resolves to is not known here."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_metrics(metrics: MetricsConfig) -> None:
    if not metrics.listen:
        return
    host, port = parse_listen(metrics.listen)
    if not is_loopback(host) and not metrics.allow_remote:
        raise ConfigError(
            f"[metrics] listen = {metrics.listen!r} would serve the metrics to the network: use"
            f" 127.0.0.1:{port}, or set [metrics] allow_remote = true"
        )


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


def _touch(raw: dict[str, Any], path: Path | None) -> TouchConfig:
    """[touch]. A PIN that is unsafe to use (the old unsalted key, a hash other users can
    read) is not used, and said; it never stops the terminal from delivering reports."""
    raw = dict(raw)
    if type(raw.get("pixels_per_mm")) in (int, float) and raw["pixels_per_mm"] == 0:  # absent
        del raw["pixels_per_mm"]
    old_pin = raw.pop(OLD_CONFIG_KEY, None)
    touch = _section(TouchConfig, raw, "touch")
    problem = ""
    if old_pin is not None:
        problem = (
            f"[touch] {OLD_CONFIG_KEY} is no longer used (an unsalted hash of a short PIN is"
            " cracked in milliseconds): set a new PIN of at least 6 digits with `kiosk pin set`"
        )
    elif touch.technician_pin_hash:
        try:
            parse_hash(touch.technician_pin_hash)
        except PinError as error:
            raise ConfigError(str(error)) from None
        mode = path.stat().st_mode if path else 0
        if mode & 0o044:
            problem = (
                f"{path} holds the technician PIN's hash and other users can read it (mode"
                f" {mode & 0o777:o}): `chmod 600 {path}`; until then the PIN is not used"
            )
    if not problem:
        return touch
    log.warning("%s", problem)
    return replace(touch, technician_pin_hash="", pin_problem=problem)


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
        credentials = base / credentials_file
        auth_key, token = load_credentials(credentials)
        lapor = replace(lapor, auth_key=auth_key, token=token, credentials_file=credentials)
    _check_base_url(lapor.base_url)
    audio = _section(AudioConfig, raw.get("audio", {}), "audio")
    try:
        parse_jack_setting(audio.jack)
    except JackError as error:
        raise ConfigError(str(error)) from None
    terminal = _section(TerminalConfig, raw.get("terminal", {}), "terminal")
    if terminal.default_language not in ("id", "en"):
        raise ConfigError("[terminal] default_language must be id or en")
    if not re.fullmatch(r"[0-9]{2}\.[0-9]{2}", terminal.region):
        raise ConfigError(
            f"[terminal] region must be a kota/kabupaten code like 32.73, not {terminal.region!r}"
        )
    metrics = _section(MetricsConfig, raw.get("metrics", {}), "metrics")
    _check_metrics(metrics)
    return KioskConfig(
        terminal=terminal,
        data=_section(DataConfig, data_raw, "data"),
        lapor=lapor,
        forwarder=_section(ForwarderConfig, raw.get("forwarder", {}), "forwarder"),
        session=_section(SessionSettings, raw.get("session", {}), "session"),
        touch=_touch(raw.get("touch", {}), path),
        audio=audio,
        recognition=_section(RecognizerSettings, raw.get("recognition", {}), "recognition"),
        printer=_section(PrinterConfig, raw.get("printer", {}), "printer"),
        metrics=metrics,
        source=path,
    )
