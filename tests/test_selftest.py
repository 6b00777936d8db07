"""`kiosk selftest` on this machine: a simulator for LAPOR!, a virtual screen and sound."""

import json
import os
import subprocess
import sys
import time

from repo_paths import REPO_ROOT

from kiosk.config import load_config
from kiosk.db import connect
from kiosk.touch.display import virtual_display
from lapor_sim.process import SimulatorProcess
from voice.virtual_sound import virtual_sound


def selftest(config, env=None) -> tuple[int, dict]:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "selftest", "--json"],
        cwd=REPO_ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    return result.returncode, {check["name"]: check for check in json.loads(result.stdout)}


def test_a_ready_terminal_passes(tmp_path):
    with (
        SimulatorProcess(config_path=tmp_path / "kiosk.toml") as sim,
        virtual_display() as display,
        virtual_sound() as sound,
    ):
        code, checks = selftest(sim.config_path, {"DISPLAY": display, **sound})
    assert code == 0
    for name in (
        "display",
        "audio_out",
        "audio_in",
        "speech",
        "region",
        "city_file",
        "disk",
        "clock",
        "lapor_api",
    ):
        assert checks[name]["status"] == "ok", checks[name]
    assert checks["speech_model"]["status"] == "warn"  # no Indonesian model: keypad only
    assert checks["printer"]["status"] == "warn"  # none configured
    # Xvfb does not know a panel's size: the default density, and how to set the real one.
    assert checks["density"]["status"] == "warn"
    assert checks["density"]["detail"].startswith("5.88 pixels per mm, from the default: the")
    assert "pixels_per_mm" in checks["density"]["fix"]
    assert "kiosk models install" in checks["speech_model"]["fix"]
    assert checks["security"]["status"] == "ok"  # demo credentials are right for the simulator
    assert checks["technician"]["status"] == "warn"  # no PIN: kiosk mode cannot be left
    assert checks["technician"]["fix"] == "set one with `kiosk pin set`"


def test_refused_credentials_and_stuck_reports_are_reported(tmp_path):
    with SimulatorProcess(config_path=tmp_path / "kiosk.toml") as sim:
        bad = {"classification": "aspirasi", "title": "Usul jam layanan",
               "content": "Mohon jam layanan diperpanjang sampai sore hari.",
               "date_of_incident": "2026-11-20", "location": "MPP", "category": "999"}  # fmt: skip
        # The terminal's cached list still has a category LAPOR! has dropped: LAPOR! refuses it.
        conn = connect(load_config(sim.config_path).db_path)
        conn.execute(
            "INSERT INTO refdata (kind, items_json, fetched_at) VALUES ('categories', ?, ?)",
            (json.dumps([{"id": 999, "name": "Kategori yang sudah dihapus"}]), time.time()),
        )
        conn.close()
        subprocess.run([sys.executable, "-m", "kiosk", "--config", str(sim.config_path),
                        "submit", "-"], input=json.dumps(bad), text=True, cwd=REPO_ROOT,
                       check=True, capture_output=True)  # fmt: skip
        subprocess.run([sys.executable, "-m", "kiosk", "--config", str(sim.config_path),
                        "forward", "--until-empty"], cwd=REPO_ROOT, check=True,
                       capture_output=True)  # fmt: skip
        sim.config_path.with_name("kiosk.credentials.toml").write_text(
            'auth_key = "salah"\ntoken = "salah"\n'
        )
        with sim.config_path.open("a") as config:
            config.write('\n[printer]\ndevice = "file:/nonexistent/printer/lp0"\n')
        code, checks = selftest(sim.config_path, {"DISPLAY": ""})
    assert code == 1
    assert checks["printer"]["status"] == "fail"
    assert checks["lapor_api"]["status"] == "fail"
    assert checks["lapor_api"]["detail"] == "credentials refused"
    assert checks["queue"]["status"] == "warn" and "1 rejected" in checks["queue"]["detail"]
    assert "salah" not in json.dumps(checks)


def test_a_configured_sound_device_that_is_not_there_fails(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text('[data]\ndir = "data"\n[audio]\noutput_device = "USB Headset"\n'
                      'input_device = "pulse"\n')  # fmt: skip
    with virtual_sound() as sound:
        code, checks = selftest(config, {"DISPLAY": "", **sound})
    assert code == 1
    assert checks["audio_out"]["status"] == "fail"
    assert checks["audio_out"]["detail"] == "sound output 'USB Headset' not found"
    assert "kiosk audio devices" in checks["audio_out"]["fix"]
    assert checks["audio_in"] == {**checks["audio_in"], "status": "ok", "detail": "input: pulse"}


def test_a_metrics_port_taken_by_another_program_fails_with_the_fix(tmp_path):
    import socket

    from kiosk.config import load_config
    from kiosk.db import connect
    from kiosk.health import start_metrics, stop_metrics
    from kiosk.selftest import _metrics

    config_path = tmp_path / "kiosk.toml"
    config_path.write_text('[data]\ndir = "data"\n')
    code, checks = selftest(config_path, {"DISPLAY": ""})
    assert checks["metrics"]["status"] == "ok" and "listen is empty" in checks["metrics"]["detail"]

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config_path.write_text(f'[data]\ndir = "data"\n[metrics]\nlisten = "127.0.0.1:{port}"\n')
        config = load_config(config_path, env={})
        problem = start_metrics(config, lambda: connect(config.db_path))  # as the forwarder does
        code, checks = selftest(config_path, {"DISPLAY": ""})
    assert code == 1
    assert checks["metrics"]["status"] == "fail"
    assert checks["metrics"]["detail"] == problem and "Address already in use" in problem
    assert checks["metrics"]["fix"].startswith(
        f"another program uses port {port}: choose another [metrics] listen port, or stop it"
    )
    assert "restart lapor-kiosk-forwarder" in checks["metrics"]["fix"]

    # The technician chose another port but has not restarted the forwarder yet.
    config_path.write_text(f'[data]\ndir = "data"\n[metrics]\nlisten = "127.0.0.1:{port + 1}"\n')
    conn = connect(config.db_path)
    try:
        check = _metrics(load_config(config_path, env={}), conn)
        assert check.status == "warn" and "restart" in check.fix

        # The forwarder started again and serves: the check passes.
        try:
            assert start_metrics(config, lambda: connect(config.db_path)) is None
            check = _metrics(config, conn)
        finally:
            stop_metrics()
    finally:
        conn.close()
    assert check.status == "ok" and f"127.0.0.1:{port}" in check.detail


def test_a_redirecting_lapor_fails_with_the_fix(tmp_path):
    with SimulatorProcess(
        "--redirect-to", "http://127.0.0.1:9", config_path=tmp_path / "kiosk.toml"
    ) as sim:
        code, checks = selftest(sim.config_path, {"DISPLAY": ""})
    assert code == 1
    api = checks["lapor_api"]
    assert api["status"] == "fail" and "redirect to 127.0.0.1" in api["detail"]
    assert "base_url" in api["fix"]


def test_an_untrusted_certificate_is_named_as_a_tls_failure_with_the_fix(tmp_path):
    import ssl

    from test_adapter import ScriptedServer, make_certificate

    cert, key = make_certificate(tmp_path / "cert", "127.0.0.1", "IP:127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = ScriptedServer(tls=context)
    try:
        (tmp_path / "c.toml").write_text('auth_key = "k"\ntoken = "t"\n')
        config = tmp_path / "kiosk.toml"
        config.write_text(
            f'[data]\ndir = "data"\n[lapor]\nbase_url = "{server.url}"\n'
            'credentials_file = "c.toml"\n'
        )
        code, checks = selftest(config, {"DISPLAY": ""})
    finally:
        server.close()
    api = checks["lapor_api"]
    assert code == 1 and api["status"] == "fail"
    assert api["detail"].startswith("TLS: LAPOR!'s certificate is not trusted by this terminal")
    assert api["fix"] == "check base_url, the system CA certificates and the clock"
    assert server.calls == []


def test_the_simulators_settings_against_a_production_lapor_fail_with_the_fix(tmp_path):
    from test_deployment_checks import production_files

    from lapor_sim.config_writer import credentials_path

    config = production_files(tmp_path, verify_tls=False, demo=True, mode=0o644)
    code, checks = selftest(config, {"DISPLAY": ""})
    assert code == 1
    security = checks["security"]
    assert security["status"] == "fail"
    assert security["detail"].startswith("[lapor] verify_tls = false with https://lapor.invalid")
    assert "the LAPOR! simulator's demo auth_key and token" in security["detail"]
    credentials = credentials_path(config)
    assert (
        f"other users can read the credentials file {credentials} (mode 644)"
        in (security["detail"])
    )
    assert security["fix"].startswith("set verify_tls = true")
    assert security["fix"].endswith(f"`chmod 600 {credentials}`")
    assert "sim-dev-key" not in json.dumps(checks)


def test_a_technician_pin_locked_by_wrong_tries_is_reported(tmp_path):
    from kiosk.pin_lockout import FIRST_WAIT_S, FREE_TRIES, PinLockout
    from kiosk.technician_pin import hash_pin

    stored = hash_pin("246810")
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[data]\ndir = "data"\n[touch]\ntechnician_pin_hash = "{stored}"\n')
    config.chmod(0o600)
    (tmp_path / "data").mkdir()
    lockout = PinLockout(tmp_path / "data")
    lockout.try_pin("135790", stored)
    _, checks = selftest(config, {"DISPLAY": ""})
    assert checks["technician"] == {
        "name": "technician", "status": "ok", "fix": "",
        "detail": "PIN set, 1 wrong tries since the last right one",
    }  # fmt: skip
    for _ in range(FREE_TRIES):
        lockout.try_pin("135790", stored)
    _, checks = selftest(config, {"DISPLAY": ""})
    assert checks["technician"]["status"] == "warn"
    assert checks["technician"]["detail"].startswith(f"PIN locked after {FREE_TRIES + 1} wrong")
    assert 0 < int(checks["technician"]["detail"].split()[-2]) <= FIRST_WAIT_S
    assert checks["technician"]["fix"].startswith("if that was you, `kiosk pin unlock`")


def test_the_region_and_its_city_file_are_checked(tmp_path):
    from kiosk.selftest import _city_file, _region

    def checks(terminal: str) -> tuple:
        config = tmp_path / "kiosk.toml"
        config.write_text(f'[terminal]\n{terminal}\n[data]\ndir = "data"\n')
        loaded = load_config(config, env={})
        return _region(loaded), _city_file(loaded)

    region, city_file = checks('region = "32.73"')  # extracted now, the bundled file
    assert (region.status, region.detail) == (
        "ok",
        "Kota Bandung (32.73): 30 kecamatan, 151 kelurahan",
    )
    assert (tmp_path / "data" / "region-32.73.json").is_file()
    assert city_file.status == "ok" and city_file.detail.endswith(
        "26 agencies, 10 routes (bundled)"
    )

    region, city_file = checks('region = "32.04"')  # Kabupaten Bandung: no file bundled
    assert region.status == "ok" and region.detail.startswith("Kabupaten Bandung (32.04): ")
    assert city_file.status == "warn" and city_file.detail.startswith(
        "no city file for region 32.04"
    )
    assert city_file.fix == "install the city's file: `kiosk refdata import FILE`"

    (tmp_path / "data" / "city.toml").write_text('region = "32.73"\n')  # left from elsewhere
    assert checks('region = "32.04"')[1].status == "fail"

    region, _ = checks("")  # not set: the default region stands, and the technician is told
    assert (region.status, region.detail) == (
        "warn",
        "Kota Bandung (32.73): 30 kecamatan, 151 kelurahan; the default, not set in the"
        " configuration",
    )
    assert region.fix.startswith("set [terminal] region to the terminal's own kota/kabupaten")

    region, _ = checks('region = "32.99"')
    assert region.status == "fail" and "no kota or kabupaten has the code 32.99" in region.detail
    assert region.fix.startswith("set [terminal] region to a kota/kabupaten code")
