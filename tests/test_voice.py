"""Speech out through a real (virtual) sound device: PulseAudio null sink, recorded back."""

import io
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile
from repo_paths import REPO_ROOT

from voice.playback import AudioUnavailable, Utterance
from voice.pronounce import speakable
from voice.settings import PlaybackSettings
from voice.speaker import Speaker
from voice.tts import Renderer, sentences
from voice.virtual_sound import with_sound_environment


@pytest.fixture(scope="module")
def sound():
    """A null sink for this module; PortAudio is restarted so that it sees it."""
    with with_sound_environment():
        import sounddevice

        sounddevice._terminate()
        sounddevice._initialize()
        yield sounddevice
        sounddevice._terminate()
        sounddevice._initialize()


@pytest.fixture(scope="module")
def renderer():
    return Renderer()


def rms_dbfs(samples: np.ndarray) -> float:
    level = np.sqrt(np.mean((samples.astype(np.float64) / 32768) ** 2))
    return 20 * np.log10(max(level, 1e-9))


def test_speech_is_heard_and_a_key_silences_it(sound, renderer):
    recorded: list[np.ndarray] = []
    transcript = io.StringIO()
    speaker = Speaker(renderer, transcript=transcript)
    with sound.InputStream(samplerate=22050, channels=1, dtype="int16",
                           callback=lambda data, *_: recorded.append(data.copy())):  # fmt: skip
        speaker.say(
            "Selamat datang di LAPOR. Silakan pilih bahasa. Tekan satu untuk Bahasa Indonesia."
        )
        time.sleep(1.5)
        speaking = np.concatenate(recorded)
        pressed = time.perf_counter()
        speaker.stop()
        stop_ms = (time.perf_counter() - pressed) * 1000
        recorded.clear()
        time.sleep(1.0)
    after = np.concatenate(recorded)
    assert speaker.unavailable == ""
    assert rms_dbfs(speaking[-11025:]) > -40, "no speech reached the device"
    assert rms_dbfs(after[-11025:]) < -60, "speech went on after the key"
    assert stop_ms < 50
    assert "Selamat datang di LAPOR." in transcript.getvalue()


def test_sentences_are_rendered_once_then_cached(renderer):
    started = time.perf_counter()
    first = renderer.render("Laporan Anda tersimpan.", "id", 165)
    fresh_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    again = renderer.render("Laporan Anda tersimpan.", "id", 165)
    assert again is first  # the cache, not a second rendering
    assert first.sample_rate == 22050 and first.seconds > 0.5
    assert fresh_ms > 0 and (time.perf_counter() - started) * 1000 < fresh_ms


def test_rate_changes_the_speech_every_time(renderer):
    # A rate change once reached espeak one sentence late, now and then: try it often.
    for number in range(12):
        renderer.render(f"Kalimat pembuka nomor {number}.", "id", 165)
        slow = renderer.render(f"Pilih jenis laporan Anda, {number}.", "id", 120)
        fast = renderer.render(f"Pilih jenis laporan Anda, {number}.", "id", 260)
        assert slow.seconds > fast.seconds * 1.5, number


def test_no_device_is_said_clearly_and_the_transcript_goes_on(renderer):
    transcript = io.StringIO()
    speaker = Speaker(
        renderer, playback=PlaybackSettings(device="tidak-ada"), transcript=transcript
    )
    speaker.say("Perangkat suara tidak ada.")
    assert "no audio output" in speaker.unavailable
    assert "Perangkat suara tidak ada." in transcript.getvalue()
    with pytest.raises(AudioUnavailable):
        Utterance(22050, 1.0, PlaybackSettings(device="tidak-ada"))


def test_rate_and_volume_reset_for_the_next_citizen(renderer):
    speaker = Speaker(renderer, play_audio=False)
    speaker.change_rate(3)
    speaker.change_volume(-2)
    assert speaker.rate_wpm == 255 and speaker.volume == pytest.approx(0.6)
    speaker.reset()
    assert speaker.rate_wpm == 180 and speaker.volume == pytest.approx(0.8)


def test_words_espeak_says_badly_and_numbers():
    said = speakable("Kode 0003-508-816-3 dari SP4N-LAPOR! di MPP, langkah 2 dari 6. Bawa KTP.")
    assert "nol nol nol tiga, lima nol delapan, delapan satu enam, tiga" in said
    assert "es pe empat en" in said and "em pe pe" in said and "ka te pe" in said
    assert "langkah dua dari enam" in said
    assert speakable("pada 23-11-2026") == "pada dua puluh tiga November dua ribu dua puluh enam"
    assert sentences("Satu. Dua? Tiga!") == ["Satu.", "Dua?", "Tiga!"]


def test_kiosk_say_renders_a_file(tmp_path):
    out = tmp_path / "salam.wav"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "say", "Selamat pagi. Ada yang bisa kami bantu?",
         "--out", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    samples, rate = soundfile.read(out)
    assert rate == 22050 and len(samples) / rate > 1.5


def test_the_tone_is_heard(sound, renderer):
    recorded: list[np.ndarray] = []
    speaker = Speaker(renderer)
    with sound.InputStream(samplerate=22050, channels=1, dtype="int16",
                           callback=lambda data, *_: recorded.append(data.copy())):  # fmt: skip
        time.sleep(0.3)
        speaker.tone(seconds=0.5)
        speaker.wait()
        time.sleep(0.6)  # the null sink's loop-back lags about 0.3 s
    heard = np.concatenate(recorded)
    loudest = max(rms_dbfs(heard[start : start + 2205]) for start in range(0, len(heard), 2205))
    assert loudest > -30
