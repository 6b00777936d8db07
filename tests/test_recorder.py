"""The microphone's checks on a spoken complaint, on synthetic 16 kHz signals."""

import io

import numpy as np
import soundfile

from voice.recorder import RecordingSettings, encode_flac, level_problem

RATE = 16000


def tone(seconds: float, amplitude: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (np.sin(2 * np.pi * 220 * t) * amplitude * 32767).astype(np.int16)


def test_a_clear_voice_passes():
    assert level_problem(tone(3, 0.3), RecordingSettings()) == ""


def test_too_short_too_quiet_and_clipped():
    settings = RecordingSettings()
    assert level_problem(tone(0.5, 0.3), settings) == "recording.too_short"
    assert level_problem(tone(3, 0.003), settings) == "recording.too_quiet"
    t = np.arange(3 * RATE) / RATE
    overdriven = np.clip(np.sin(2 * np.pi * 220 * t) * 4 * 32767, -32767, 32767)
    assert level_problem(overdriven.astype(np.int16), settings) == "recording.clipped"


def test_flac_keeps_every_sample():
    samples = tone(1, 0.5)
    decoded, rate = soundfile.read(io.BytesIO(encode_flac(samples, RATE)), dtype="int16")
    assert rate == RATE and np.array_equal(decoded, samples)
    assert len(encode_flac(samples, RATE)) < samples.nbytes  # compressed
