"""The real Kivy kiosk in a real X server (Xvfb), driven by touches; screenshots are kept
in `artifacts/screens/` for people to look at."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.simulator.process import REPO_ROOT, SimulatorProcess

SHOTS = REPO_ROOT / "artifacts" / "screens"


@pytest.fixture(scope="module")
def display():
    """A private X server for this module's windows."""
    xvfb = shutil.which("Xvfb")
    assert xvfb, "Xvfb is missing: `make test` installs it (package xvfb)"
    for number in range(91, 120):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            break
    server = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        assert time.monotonic() < deadline and server.poll() is None, "Xvfb did not start"
        time.sleep(0.05)
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


def run_scenario(name: str, config: Path, display: str, tmp_path: Path, **env) -> dict:
    result = tmp_path / f"{name}.json"
    environment = {**os.environ, "DISPLAY": display, "KIVY_HOME": str(tmp_path / "kivy"), **env}
    environment.pop("SDL_VIDEODRIVER", None)
    completed = subprocess.run(
        [sys.executable, "tests/touch_scenarios.py", name, "--config", str(config),
         "--shots", str(SHOTS), "--result", str(result)],
        cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    seen = json.loads(result.read_text()) if result.exists() else {}
    assert completed.returncode == 0, f"{seen.get('failure')}\n{completed.stderr[-3000:]}"
    return seen


def kiosk(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), *args],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_filing_a_report_by_touch_reaches_lapor(display, tmp_path):
    with SimulatorProcess(config_path=tmp_path / "kiosk.toml") as sim:
        seen = run_scenario("file_report", sim.config_path, display, tmp_path)
        assert seen["title_error"] == "Judul laporan: wajib diisi."
        assert seen["next_label"] == "Kirim laporan"
        assert seen["screens"][-2:] == ["receipt", "welcome"]
        assert seen["draft_after"] == ""  # nothing of this citizen is left for the next
        forwarded = kiosk(sim.config_path, "forward", "--until-empty")
        assert forwarded.returncode == 0, forwarded.stderr
        [complaint] = sim.complaints()
    assert complaint["title"] == "Lampu jalan mati"
    assert complaint["content"].startswith(
        "Lampu jalan di Gang Mawar mati sejak seminggu, gelap sekali.\n\nLokasi: Gang Mawar, Tebet"
    )
    assert complaint["classification_id"] == 1
    assert complaint["category_id"] == 4 and complaint["disposition_id"] == 104
    assert complaint["date_of_incident"] == "2026-11-20"
    assert complaint["nameUser"] == "Siti Aminah" and complaint["phoneUser"] == "081234567890"
    assert complaint["is_anonymous"] is False and complaint["is_secret"] is False
    status = json.loads(kiosk(sim.config_path, "track", seen["code"], "--json").stdout)
    assert status["complaint_id"] == str(complaint["complaint_id"])


def test_following_a_report_up_by_touch(display, tmp_path):
    report = {
        "classification": "permintaan_informasi",
        "title": "Syarat akta kelahiran",
        "content": "Dokumen apa saja yang perlu dibawa untuk membuat akta kelahiran anak?",
        "date_of_incident": "2026-11-20",
        "location": "Kantor Disdukcapil",
        "category": "3",
        "institution_id": 103,
    }
    with SimulatorProcess(config_path=tmp_path / "kiosk.toml") as sim:
        submitted = subprocess.run(
            [sys.executable, "-m", "kiosk", "--config", str(sim.config_path), "submit", "-"],
            cwd=REPO_ROOT, input=json.dumps(report), capture_output=True, text=True, check=True,
        )  # fmt: skip
        code = submitted.stdout.strip()
        assert kiosk(sim.config_path, "forward", "--until-empty").returncode == 0
        [complaint] = sim.complaints()
        seen = run_scenario(
            "follow_up", sim.config_path, display, tmp_path,
            KIOSK_TEST_CODE=code, KIOSK_TEST_SIM=sim.url,
            KIOSK_TEST_COMPLAINT=str(complaint["complaint_id"]),
        )  # fmt: skip
    assert seen["typo_error"].startswith("Kode laporan tidak valid")
    assert seen["first"][0].startswith("Laporan Anda sudah diterima LAPOR!")
    assert seen["second"][0] == "Laporan Anda sudah selesai ditindaklanjuti."
    assert any("Dinas Kependudukan dan Pencatatan Sipil" in line for line in seen["second"][1:])
    assert seen["shown_code"] == code
    assert seen["after"] == "welcome"


def test_time_out_warns_offers_more_time_and_wipes(display, tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text('[data]\ndir = "data"\n\n[session]\nidle_timeout_s = 5.0\nwarning_s = 3.0\n')
    seen = run_scenario("time_out", config, display, tmp_path)
    assert 1 <= seen["warning"] <= 3
    assert seen["after_more_time"] == "category" and seen["warning_after_more_time"] == 0
    assert seen["notice"] == "Sesi telah berakhir. Semua data yang Anda isi sudah dihapus."
    assert seen["draft_after"] == ""


def test_english_larger_text_dark_theme_and_help(display, tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text('[data]\ndir = "data"\n')
    seen = run_scenario("look", config, display, tmp_path)
    assert seen["help_open"] is True
    assert seen["title"] == "Category"
    assert seen["after"] == ["welcome", False, False]  # the next citizen gets the defaults
