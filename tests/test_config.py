"""The configuration file as a technician writes it: every number has an allowed range, and
`[metrics] listen` is a loopback host:port unless remote serving is allowed."""

import json
import subprocess
import sys
from dataclasses import fields

import pytest
from repo_paths import REPO_ROOT

from kiosk.config import (
    CHOICES,
    ConfigError,
    KioskConfig,
    allowed_range,
    is_numeric,
    load_config,
)
from kiosk.health import metrics_warning


def load(tmp_path, text: str) -> KioskConfig:
    path = tmp_path / "kiosk.toml"
    path.write_text(text)
    return load_config(path, env={"KIOSK_DATA_DIR": str(tmp_path / "data")})


def refused(tmp_path, text: str) -> str:
    with pytest.raises(ConfigError) as error:
        load(tmp_path, text)
    return str(error.value)


def numeric_settings():
    """(section, field) of every int or float setting of every section."""
    for section in fields(KioskConfig):
        if section.name != "source":
            for setting in fields(section.default_factory):
                if is_numeric(setting):
                    yield section.name, setting


def toml(value) -> str:
    return repr(value) if isinstance(value, int) else f"{float(value)!r}"


def test_every_numeric_setting_has_a_range():
    found = {(section, setting.name) for section, setting in numeric_settings()}
    assert ("forwarder", "workers") in found and ("recognition", "beam") in found
    assert ("session", "warning_s") in found  # classes outside kiosk/config.py too
    missing = [key for key, setting in numeric_settings() if allowed_range(key, setting) is None]
    assert missing == []


@pytest.mark.parametrize("end", [0, 1], ids=["lowest", "highest"])
def test_every_setting_at_the_end_of_its_range_loads(tmp_path, end):
    sections: dict[str, list[str]] = {}
    expected = {}
    for section, setting in numeric_settings():
        value = (allowed_range(section, setting) or (None, None))[end]
        if "float" not in str(setting.type):
            value = int(value)
        sections.setdefault(section, []).append(f"{setting.name} = {toml(value)}")
        expected[section, setting.name] = value
    text = "".join(f"[{name}]\n" + "\n".join(lines) + "\n" for name, lines in sections.items())
    config = load(tmp_path, text)
    for (section, key), value in expected.items():
        assert getattr(getattr(config, section), key) == value, (section, key)


def just_outside(section, setting) -> list:
    if allowed_range(section, setting) is None:
        return []  # test_every_numeric_setting_has_a_range fails
    low, high = allowed_range(section, setting)
    if "float" in str(setting.type):
        step = max(abs(high) * 1e-6, 1e-6)
        return [low - step, high + step]
    return [int(low) - 1, int(high) + 1]


@pytest.mark.parametrize(
    ("section", "setting", "value"),
    [
        (section, setting, value)
        for section, setting in numeric_settings()
        for value in just_outside(section, setting)
    ],
    ids=lambda item: getattr(item, "name", str(item)),
)
def test_every_setting_just_outside_its_range_is_refused(tmp_path, section, setting, value):
    message = refused(tmp_path, f"[{section}]\n{setting.name} = {toml(value)}\n")
    assert f"[{section}] {setting.name} must be between" in message


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("forwarder", "workers", "0", "[forwarder] workers must be between 1 and 16, not 0"),
        ("forwarder", "workers", "17", "[forwarder] workers must be between 1 and 16, not 17"),
        ("forwarder", "jitter", "5.0", "[forwarder] jitter must be between 0 and 0.9, not 5"),
        ("forwarder", "jitter", "1.0", "[forwarder] jitter must be between 0 and 0.9, not 1"),
        ("forwarder", "jitter", "-0.1", "[forwarder] jitter must be between 0 and 0.9, not -0.1"),
        ("forwarder", "poll_interval_s", "0", "poll_interval_s must be between 0.05 and 3600"),
        ("forwarder", "backoff_factor", "0.5", "backoff_factor must be between 1 and 10"),
        ("forwarder", "max_create_posts", "0", "max_create_posts must be between 1 and 5"),
        ("forwarder", "reconcile_lookups", "0", "reconcile_lookups must be between 1 and 10"),
        ("forwarder", "refdata_refresh_s", "1", "refdata_refresh_s must be between 60 and 2592000"),
        ("lapor", "timeout_s", "0", "[lapor] timeout_s must be between 1 and 600, not 0"),
        ("lapor", "upload_bytes_per_s", "10", "must be between 1000 and 1000000000, not 10"),
        ("lapor", "channel_id", "-1", "[lapor] channel_id must be between 0 and 2147483647"),
        ("terminal", "number", "123456", "[terminal] number must be between 1 and 9999"),
        ("data", "retention_days", "-1", "[data] retention_days must be between 0 and 3650"),
        ("touch", "pixels_per_mm", "0.5", "[touch] pixels_per_mm must be between 1 and 40"),
        ("touch", "settle_ms", "5000", "[touch] settle_ms must be between 0 and 2000, not 5000"),
        ("touch", "settle_ms", "0.4", "[touch] settle_ms: expected int"),
        ("session", "idle_timeout_s", "1", "[session] idle_timeout_s must be between 5 and 3600"),
        ("recognition", "confidence", "1.5", "[recognition] confidence must be between 0 and 1"),
        ("recognition", "vad_aggressiveness", "4", "vad_aggressiveness must be between 0 and 3"),
        ("recognition", "frame_ms", "25", "[recognition] frame_ms must be 10, 20 or 30, not 25"),
        ("recognition", "max_active", "10", "max_active must be between 100 and 100000"),
        ("recognition", "max_active", "3000.5", "[recognition] max_active: expected int"),
        ("forwarder", "workers", "true", "[forwarder] workers: expected int"),
        ("forwarder", "workers", "2.0", "[forwarder] workers: expected int"),
        ("forwarder", "jitter", "true", "[forwarder] jitter: expected float"),
    ],
)
def test_a_bad_number_names_section_key_and_range(tmp_path, section, key, value, message):
    assert message in refused(tmp_path, f"[{section}]\n{key} = {value}\n")


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        ("forwarder", "jitter", "nan"),
        ("forwarder", "backoff_max_s", "inf"),
        ("lapor", "timeout_s", "+inf"),
        ("data", "retention_days", "-inf"),
        ("recognition", "beam", "nan"),  # an optional decoder setting
        ("session", "warning_s", "-nan"),
    ],
)
def test_nan_and_infinity_are_refused(tmp_path, section, key, value):
    message = refused(tmp_path, f"[{section}]\n{key} = {value}\n")
    assert f"[{section}] {key} must be a finite number, not" in message


def test_an_integer_setting_cannot_be_nan(tmp_path):
    assert "[forwarder] workers: expected int" in refused(tmp_path, "[forwarder]\nworkers = nan\n")


def test_settings_that_must_not_pass_each_other(tmp_path):
    message = refused(tmp_path, "[forwarder]\nbackoff_initial_s = 60\nbackoff_max_s = 30\n")
    assert message == "[forwarder] backoff_max_s (30) must be at least backoff_initial_s (60)"
    # Only one given: checked against the other's default (backoff_max_s = 900).
    message = refused(tmp_path, "[forwarder]\nbackoff_initial_s = 1000\n")
    assert "backoff_max_s (900) must be at least backoff_initial_s (1000)" in message
    equal = load(tmp_path, "[forwarder]\nbackoff_initial_s = 30\nbackoff_max_s = 30\n")
    assert equal.forwarder.backoff_max_s == equal.forwarder.backoff_initial_s == 30.0
    message = refused(tmp_path, "[session]\nidle_timeout_s = 30\nwarning_s = 30\n")
    assert message == "[session] idle_timeout_s (30) must be more than warning_s (30)"


def test_a_fine_configuration_loads(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text(
        '[terminal]\nnumber = 9999\n[data]\ndir = "data"\nretention_days = 0\n'
        "[forwarder]\nworkers = 16\njitter = 0\nbackoff_initial_s = 1\nbackoff_max_s = 3600\n"
        "backoff_factor = 1.5\nreconcile_grace_s = 0\nrefdata_refresh_s = 2592000\n"
        "[lapor]\ntimeout_s = 600\nupload_bytes_per_s = 1e9\n"
        "[session]\nidle_timeout_s = 5.0\nwarning_s = 3.0\n"
        "[recognition]\nframe_ms = 20\nmax_active = 3000\nbeam = 10\nlattice_beam = 2.0\n"
        '[metrics]\nlisten = "127.0.0.1:9108"\n'
    )
    config = load_config(path, env={})
    assert config.terminal.number == 9999 and config.forwarder.workers == 16
    assert config.forwarder.backoff_initial_s == 1.0
    assert isinstance(config.forwarder.backoff_initial_s, float)  # an int for a float is fine
    assert config.data.retention_days == 0.0 and config.lapor.upload_bytes_per_s == 1e9
    assert (config.session.idle_timeout_s, config.session.warning_s) == (5.0, 3.0)
    assert (config.recognition.frame_ms, config.recognition.beam) == (20, 10)
    assert config.metrics.listen == "127.0.0.1:9108"


def test_touches_settle_400_ms_after_a_screen_change_unless_set(tmp_path):
    assert load(tmp_path, "").touch.settle_ms == 400
    assert load(tmp_path, "[touch]\nsettle_ms = 0\n").touch.settle_ms == 0


def test_the_choices_table_only_names_numeric_settings():
    numeric = {(section, setting.name) for section, setting in numeric_settings()}
    assert set(CHOICES) <= numeric


def test_forward_with_no_workers_exits_2_before_delivering(tmp_path):
    """The reported bug: workers = 0 made `kiosk forward --until-empty` exit 0, report queued."""
    path = tmp_path / "kiosk.toml"
    path.write_text('[data]\ndir = "data"\n[forwarder]\nworkers = 0\n')
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(path), "forward", "--until-empty"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2, result
    assert "[forwarder] workers must be between 1 and 16, not 0" in result.stderr


@pytest.mark.parametrize(
    "listen",
    [
        "9108", ":9108", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
        "127.0.0.1:port", "127.0.0.1:-1", "::1:9108", "[::1]", "[::1]9108", "[kiosk]:9108",
        "300.1.1.1:9108", "host name:9108", " 127.0.0.1:9108", "http://127.0.0.1:9108",
        "-kiosk:9108", "127.0.0.1:9108/metrics",
    ],
)  # fmt: skip
def test_a_listen_value_that_is_not_host_port_is_refused(tmp_path, listen):
    message = refused(tmp_path, f"[metrics]\nlisten = {listen!r}\nallow_remote = true\n")
    assert message.startswith(f"[metrics] listen = {listen!r} is not host:port")


@pytest.mark.parametrize(
    "listen", ["127.0.0.1:9108", "127.5.6.7:1", "[::1]:65535", "localhost:9108", "LOCALHOST:80"]
)
def test_loopback_listen_values_load_without_a_warning(tmp_path, listen):
    config = load(tmp_path, f"[metrics]\nlisten = {listen!r}\n")
    assert config.metrics.listen == listen
    assert metrics_warning(config) is None


@pytest.mark.parametrize(
    "listen", ["0.0.0.0:9108", "[::]:9108", "192.168.1.20:9108", "kiosk.local:9108"]
)
def test_a_remote_listen_address_needs_allow_remote(tmp_path, listen):
    message = refused(tmp_path, f"[metrics]\nlisten = {listen!r}\n")
    assert f"[metrics] listen = {listen!r} would serve the metrics to the network" in message
    assert "allow_remote = true" in message
    config = load(tmp_path, f"[metrics]\nlisten = {listen!r}\nallow_remote = true\n")
    assert config.metrics.allow_remote and config.metrics.listen == listen
    warning = metrics_warning(config)
    assert warning is not None and listen in warning and "network" in warning


def test_no_metrics_no_warning(tmp_path):
    assert metrics_warning(load(tmp_path, "[metrics]\nallow_remote = true\n")) is None


@pytest.fixture(scope="module")
def pin_hash() -> str:
    from kiosk.technician_pin import hash_pin

    return hash_pin("246810")


def test_the_old_unsalted_pin_is_not_used_and_delivery_goes_on(tmp_path):
    """A terminal updated from before the scrypt PIN: kiosk mode cannot be left until a new
    PIN is set, selftest says so, and every other command works (delivery never stops)."""
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[data]\ndir = "data"\n[touch]\ntechnician_pin_sha256 = "{"ab" * 32}"\n')
    path.chmod(0o600)
    config = load_config(path, env={})
    assert config.touch.technician_pin_hash == ""
    assert "set a new PIN of at least 6 digits with `kiosk pin set`" in config.touch.pin_problem
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(path), "status"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "technician_pin_sha256 is no longer used" in result.stderr  # the log says it
    selftest = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(path), "selftest", "--json"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    [technician] = [c for c in json.loads(selftest.stdout) if c["name"] == "technician"]
    assert technician["status"] == "fail" and "kiosk pin set" in technician["detail"]


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_pin_hash_others_can_read_is_not_used(tmp_path, pin_hash, mode):
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[touch]\ntechnician_pin_hash = "{pin_hash}"\n')
    path.chmod(mode)
    config = load_config(path, env={"KIOSK_DATA_DIR": str(tmp_path / "data")})
    assert config.touch.technician_pin_hash == ""
    assert config.touch.pin_problem == (
        f"{path} holds the technician PIN's hash and other users can read it (mode {mode:o}):"
        f" `chmod 600 {path}`; until then the PIN is not used"
    )
    path.chmod(0o600)
    config = load_config(path, env={"KIOSK_DATA_DIR": str(tmp_path / "data")})
    assert (config.touch.technician_pin_hash, config.touch.pin_problem) == (pin_hash, "")


def test_a_readable_configuration_without_a_pin_is_fine(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text("[touch]\nfullscreen = false\n")
    path.chmod(0o644)
    assert load_config(path, env={"KIOSK_DATA_DIR": str(tmp_path)}).touch.technician_pin_hash == ""


def test_a_pin_hash_that_is_not_scrypt_is_refused(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[touch]\ntechnician_pin_hash = "{"ab" * 32}"\n')
    path.chmod(0o600)
    with pytest.raises(ConfigError, match=r"is not scrypt\$N\$r\$p\$SALT\$KEY: set a new PIN"):
        load_config(path, env={"KIOSK_DATA_DIR": str(tmp_path)})


def test_setting_a_pin_replaces_the_old_one_and_keeps_everything_else(tmp_path, pin_hash):
    """What `kiosk pin set` does to a file written by an older `kiosk provision`."""
    import stat

    from kiosk.technician_pin import store_pin_hash, verify

    path = tmp_path / "kiosk.toml"
    original = (
        '# Written by `kiosk provision`.\n\n[data]\ndir = "data"\n\n[touch]\n'
        f'fullscreen = true  # kiosk mode\ntechnician_pin_sha256 = "{"ab" * 32}"\n'
        'pixels_per_mm = 6.0\n\n[printer]\ndevice = "dummy"\n'
    )
    path.write_text(original)
    path.chmod(0o644)
    store_pin_hash(path, pin_hash)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == original.replace(
        f'fullscreen = true  # kiosk mode\ntechnician_pin_sha256 = "{"ab" * 32}"\n',
        f'technician_pin_hash = "{pin_hash}"\nfullscreen = true  # kiosk mode\n',
    )
    config = load_config(path, env={})
    assert verify("246810", config.touch.technician_pin_hash)
    assert (config.touch.pixels_per_mm, config.printer.device) == (6.0, "dummy")


def test_setting_a_pin_where_there_is_no_touch_section_adds_one(tmp_path, pin_hash):
    from kiosk.technician_pin import store_pin_hash

    path = tmp_path / "kiosk.toml"
    path.write_text('[data]\ndir = "data"')  # no newline at the end
    store_pin_hash(path, pin_hash)
    store_pin_hash(path, pin_hash)  # set again: still one line
    written = f'[data]\ndir = "data"\n\n[touch]\ntechnician_pin_hash = "{pin_hash}"\n'
    assert path.read_text() == written
    assert load_config(path, env={}).touch.technician_pin_hash == pin_hash


def test_the_credentials_file_read_is_known(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('[lapor]\ncredentials_file = "secrets/c.toml"\n')
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "c.toml").write_text('auth_key = "k"\ntoken = "t"\n')
    config = load_config(path, env={"KIOSK_DATA_DIR": str(tmp_path)})
    assert config.lapor.credentials_file == tmp_path / "secrets" / "c.toml"
    assert load(tmp_path, "").lapor.credentials_file is None


def test_the_configuration_imports_no_stage_above_it():
    listing = "import kiosk.config, sys; print(' '.join(sys.modules))"
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", listing], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    above = {"hardware.jack", "kiosk.engine.timer", "kiosk.technician_pin", "voice.recognizer"}
    assert loaded & (above | {"vosk", "numpy", "sounddevice"}) == set()
