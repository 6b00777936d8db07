"""The audio face as a blind citizen uses it: keypad only, no screen, real speech on a
virtual sound device (PulseAudio null sink), the complaint spoken into the microphone."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile
from repo_paths import REPO_ROOT

from lapor_sim.process import SimulatorProcess
from voice.numbers import code_words
from voice.pronounce import speakable
from voice.virtual_sound import virtual_sound

FILING = """\
# Keypad only: a spoken pengaduan.
5          # the first key: the key guide and the welcome
1          # Bahasa Indonesia
1          # Buat laporan
1          # Pengaduan
4          # Infrastruktur dan Jalan
0          # the next page of kecamatan
0          # and the next: page 3 of 4
1          # Kecamatan Coblong
2          # Kelurahan Dago
ENTER      # no place detail (it may be skipped)
2          # the agency is not known: LAPOR!'s staff choose (after the suggested one)
1          # Rekam
speak complaint.wav
ENTER      # stop recording
ENTER      # go on
1          # Hari ini
2          # Anonim
1          # Boleh dilihat publik
ENTER      # Kirim laporan
REPEAT     # the code once more
wait 0.5
"""


@pytest.fixture(scope="module")
def sound():
    with virtual_sound() as environment:
        yield environment


def say_into_file(words: str, path: Path) -> None:
    """A citizen's spoken complaint, to be played to the microphone (`speak` in a key script)."""
    subprocess.run(
        [sys.executable, "-m", "kiosk", "say", "--out", str(path), words],
        cwd=REPO_ROOT, check=True, capture_output=True,
    )  # fmt: skip


def run_keys(config: Path, script: str, folder: Path, sound: dict, name: str) -> tuple[dict, str]:
    keys = folder / f"{name}.keys"
    keys.write_text(script)
    transcript = folder / f"{name}.transcript.txt"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "run", "--face", "audio",
         "--no-window", "--keys-from", str(keys), "--transcript", str(transcript)],
        cwd=REPO_ROOT, env={**os.environ, **sound}, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), transcript.read_text()


def forward_until_empty(config: Path) -> None:
    forwarded = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "forward", "--until-empty"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert forwarded.returncode == 0, forwarded.stderr


def test_a_blind_citizen_files_a_spoken_report_and_follows_it_up(sound, tmp_path):
    say_into_file(
        "Jalan di depan pasar berlubang besar sejak dua minggu. Mohon segera diperbaiki.",
        tmp_path / "complaint.wav",
    )
    with SimulatorProcess(config_path=tmp_path / "kiosk.toml") as sim:
        summary, transcript = run_keys(sim.config_path, FILING, tmp_path, sound, "filing")
        assert summary["silent"] == "" and summary["screen"] == "receipt"
        assert summary["key_presses"] == 19
        lines = transcript.splitlines()
        assert lines[0].endswith("Selamat datang di LAPOR! Tekan 1: Bahasa Indonesia. 2: English.")
        assert "Panduan tombol. Angka memilih jawaban; tombol 5" in lines[1]  # the first key
        assert "suara tidak tersedia" not in transcript  # no speech model: nothing said of it
        assert any("Langkah 1 dari 6. Laporan Anda termasuk jenis apa?" in line for line in lines)
        assert any("Silakan bicara setelah nada." in line for line in lines)
        receipts = [line for line in lines if "Kode tanda terima Anda:" in line]
        assert len(receipts) == 2  # spoken, then repeated on REPEAT
        code = receipts[0].split("Kode tanda terima Anda: ")[1].split(".")[0]
        # What espeak-ng is given for that line: the code digit by digit, in groups.
        assert code_words(code) in speakable(receipts[0])

        forward_until_empty(sim.config_path)
        [complaint] = sim.complaints()
        assert complaint["title"] == "Laporan suara: Infrastruktur dan Jalan"
        assert complaint["is_anonymous"] is True
        [recording] = complaint["attachment_files"]
        assert recording["content_type"] == "audio/flac" and recording["size"] > 20_000

        sim.advance(complaint["complaint_id"])
        digits = code.replace("-", "")
        follow_up = "HOME\n1\n2\n" + "\n".join(digits) + "\nENTER\nwait 0.5\n0\nwait 0.5\n"
        summary, transcript = run_keys(sim.config_path, follow_up, tmp_path, sound, "follow-up")
    assert summary["screen"] == "track_result"
    assert "Laporan Anda sedang ditindaklanjuti oleh" in transcript
    # The status first; the code again, slowly, group by group, on 0.
    assert f"Kode, per kelompok: {' '.join(digits[:4])}." in transcript


NAMED = """\
# Keypad only, named: the kecamatan found by its first letter, the name typed by multi-tap,
# each letter taken after a pause.
5
1
1
1          # Pengaduan
4          # Infrastruktur dan Jalan
SEARCH     # the letter jump
2
2
2          # C
wait 1.3   # taken: the page from Cibeunying Kaler, the first with C
0          # the next page
1          # Kecamatan Coblong
2          # Kelurahan Dago
1          # Rekam: the place's detail
speak detail.wav
ENTER      # stop recording
ENTER      # go on
1          # the suggested office
1          # Rekam
speak complaint.wav
ENTER      # stop recording
ENTER      # go on
1          # Hari ini
1          # Dengan nama saya
2
2          # B
wait 1.3
8
8          # u
wait 1.3
3          # d
wait 1.3
4
4
4          # i
wait 1.3
ENTER      # the name is read back
ENTER      # and taken
0
8
1
2
3
4
5
6
7
8
9
0
ENTER      # the phone number
1          # Boleh dilihat publik
ENTER      # Kirim laporan
wait 0.5
"""


def test_a_named_report_by_keypad_reaches_lapor_with_the_typed_name(sound, tmp_path):
    """A blind citizen who gives a name: typed letter by letter, never sent empty."""
    say_into_file("Lampu jalan di depan sekolah mati sejak seminggu.", tmp_path / "complaint.wav")
    say_into_file("Jalan Dago nomor sepuluh, depan masjid.", tmp_path / "detail.wav")
    with SimulatorProcess(config_path=tmp_path / "kiosk.toml") as sim:
        summary, transcript = run_keys(sim.config_path, NAMED, tmp_path, sound, "named")
        assert summary["screen"] == "receipt", transcript[-2000:]
        assert "Yang Anda ketik: Budi" in transcript  # read back (headphones: no jack here)
        assert "Huruf C. Halaman 2 dari 4. 4: Cibeunying Kaler." in transcript
        forward_until_empty(sim.config_path)
        [complaint] = sim.complaints()
    assert complaint["nameUser"] == "Budi" and complaint["phoneUser"] == "081234567890"
    assert complaint["disposition_id"] == 3273103  # the suggestion: Sumber Daya Air dan Bina Marga
    assert complaint["location_id"] == 327302  # Coblong
    assert (
        "Lokasi: Disebutkan dalam rekaman suara keterangan tempat, Kelurahan Dago, Kecamatan"
        " Coblong, Kota Bandung"
    ) in complaint["content"]
    detail, recording = complaint["attachment_files"]  # the place's detail, then the complaint
    assert detail["content_type"] == recording["content_type"] == "audio/flac"
    assert 20_000 < detail["size"] < recording["size"]


def test_the_recording_is_the_spoken_complaint(sound, tmp_path):
    """What reaches LAPOR! is what the microphone heard, stored as FLAC at 16 kHz."""
    from kiosk.store import load_report
    from kiosk.wiring import open_store

    say_into_file("Lampu jalan mati. Gelap sekali di malam hari.", tmp_path / "complaint.wav")
    config = tmp_path / "kiosk.toml"
    config.write_text('[data]\ndir = "data"\n')
    run_keys(config, FILING, tmp_path, sound, "recording")
    from kiosk.config import load_config

    conn = open_store(load_config(config))
    uuid = conn.execute("SELECT uuid FROM reports").fetchone()[0]
    attachment = load_report(conn, uuid).report.attachments[0]
    conn.close()
    import io

    samples, rate = soundfile.read(io.BytesIO(attachment.data), dtype="int16")
    spoken, _ = soundfile.read(tmp_path / "complaint.wav", dtype="int16")
    assert rate == 16000
    assert len(samples) / rate > len(spoken) / 22050 - 0.5  # the whole complaint was heard
    assert abs(samples).max() > 3000  # and it is not silence


def test_code_words_for_the_receipt():
    assert (
        code_words("0005-297-338-2")
        == "nol nol nol lima, dua sembilan tujuh, tiga tiga delapan, dua"
    )


SILENT = """\
# A citizen who says nothing after the tone: the silent recording does not go by itself.
5
1
1
1          # Pengaduan
4          # Infrastruktur dan Jalan
0
0
1          # Kecamatan Coblong
2          # Kelurahan Dago
ENTER      # no place detail
2          # LAPOR!'s staff choose the office
1          # Rekam
wait 1.5   # silence
ENTER      # stop recording
ENTER      # go on: refused, the recording failed its check
wait 0.5
"""


def test_a_silent_recording_is_sent_only_when_the_citizen_says_so(sound, tmp_path):
    with SimulatorProcess(config_path=tmp_path / "kiosk.toml") as sim:
        summary, transcript = run_keys(sim.config_path, SILENT, tmp_path, sound, "silent")
        assert summary["screen"] == "recording", transcript[-2000:]
        assert "Suara Anda terlalu pelan." in transcript
        assert "2: rekam ulang. 1: dengarkan. 3: kirim apa adanya." in transcript
        assert "Rekaman ini belum dapat dikirim." in transcript  # ENTER did not send it
        forward_until_empty(sim.config_path)
        assert sim.complaints() == []  # nothing was stored, nothing went out
        script = SILENT.replace("wait 0.5\n", "3          # Kirim apa adanya\n1\n2\n1\nENTER\n")
        summary, transcript = run_keys(sim.config_path, script, tmp_path, sound, "sent-anyway")
        assert summary["screen"] == "receipt", transcript[-2000:]
        assert re.search(r"Rekaman suara, \d detik, dikirim apa adanya\.", transcript)  # review
        forward_until_empty(sim.config_path)
        [complaint] = sim.complaints()
    assert "pelapor memilih mengirimnya apa adanya" in complaint["content"]
    [recording] = complaint["attachment_files"]
    assert recording["content_type"] == "audio/flac"
