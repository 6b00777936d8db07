"""`kiosk selftest` on this machine: a simulator for LAPOR!, a virtual screen and sound."""

import json
import os
import subprocess
import sys

from kiosk.simulator.process import REPO_ROOT, SimulatorProcess
from kiosk.touch.display import virtual_display
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
    for name in ("display", "audio_out", "audio_in", "speech", "disk", "clock", "lapor_api"):
        assert checks[name]["status"] == "ok", checks[name]
    assert checks["speech_model"]["status"] == "warn"  # no Indonesian model: keypad only
    assert checks["printer"]["status"] == "warn"  # none configured
    assert "kiosk models install" in checks["speech_model"]["fix"]


def test_refused_credentials_and_stuck_reports_are_reported(tmp_path):
    with SimulatorProcess(config_path=tmp_path / "kiosk.toml") as sim:
        bad = {"classification": "aspirasi", "title": "Usul jam layanan",
               "content": "Mohon jam layanan diperpanjang sampai sore hari.",
               "date_of_incident": "2026-11-20", "location": "MPP", "category": "999"}  # fmt: skip
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
