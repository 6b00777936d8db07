"""`kiosk audio devices|test` on a real PulseAudio null sink: what is played to it can be
recorded from its monitor, so the test phrase and a tone are really heard."""

import json
import os
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
import pytest
from repo_paths import REPO_ROOT

from kiosk.sound_check import judge_level
from voice.devices import Device, find_device, meter
from voice.recorder import RecordingSettings, dbfs
from voice.virtual_sound import virtual_sound


@pytest.fixture(scope="module")
def sound():
    with virtual_sound() as environment:
        yield {**os.environ, **environment}


def kiosk_audio(env: dict, *args: str) -> subprocess.Popen:
    environment = {name: value for name, value in env.items() if name != "KIOSK_CONFIG"}
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "audio", *args], cwd=REPO_ROOT, env=environment,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def tone_file(path: Path, seconds: float, amplitude: float) -> Path:
    rate = 16000
    t = np.arange(int(rate * seconds)) / rate
    samples = (np.sin(2 * np.pi * 440 * t) * amplitude * 32767).astype(np.int16)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return path


def loudest_dbfs(path: Path) -> float:
    with wave.open(str(path)) as recording:
        samples = recording.readframes(recording.getnframes())
    width = 3200 * recording.getnchannels()  # 100 ms windows
    return max(dbfs(samples[i : i + width]) for i in range(0, len(samples) - width, width))


def test_devices_are_listed_with_the_defaults(sound):
    listing = kiosk_audio(sound, "devices", "--json")
    out, err = listing.communicate(timeout=60)
    assert listing.returncode == 0, err
    devices = [Device(**device) for device in json.loads(out)]
    assert find_device("", "output", devices).default_output
    assert find_device("", "input", devices).default_input
    assert find_device("PULSE", "output", devices).name == "pulse"  # any part, any case
    assert find_device("tidak-ada", "output", devices) is None


def test_the_phrase_is_played_and_a_speaking_microphone_passes(sound, tmp_path):
    recording = tmp_path / "heard.wav"
    recorder = subprocess.Popen(
        ["parecord", "--channels=1", "--rate=16000", "--format=s16le", "--file-format=wav",
         str(recording)], env=sound,
    )  # fmt: skip
    time.sleep(0.5)
    check = kiosk_audio(sound, "test", "--seconds", "3")
    spoken = check.stdout.readline() + check.stdout.readline()
    assert "Speak into" in spoken  # the phrase is over: now "someone speaks"
    recorder.terminate()
    recorder.wait(timeout=10)
    player = subprocess.Popen(["paplay", str(tone_file(tmp_path / "t.wav", 4, 0.3))], env=sound)
    out, err = check.communicate(timeout=60)
    player.wait(timeout=30)
    assert check.returncode == 0, out + err
    assert "output ok  played: 'Tes suara terminal LAPOR." in out
    assert "input  ok  good: loudest -13 dBFS" in out  # a sine at 0.3 of full scale
    assert "#" * 20 in out  # the level bar moved
    assert loudest_dbfs(recording) > -30  # the test phrase really reached the device


def test_a_silent_microphone_and_a_missing_output_fail_with_a_fix(sound):
    check = kiosk_audio(sound, "test", "--seconds", "1", "--output", "tidak-ada")
    out, err = check.communicate(timeout=60)
    assert check.returncode == 1, err
    assert "output FAIL  no sound: no audio output" in out
    assert "(check the name and the cable)" in out
    assert "input  FAIL  too quiet: loudest -120 dBFS (is the microphone plugged in" in out


def test_levels_are_judged_and_drawn():
    settings = RecordingSettings()
    assert judge_level(-20, settings).ok
    assert not judge_level(-50, settings).ok
    assert judge_level(-0.5, settings).detail.startswith("distorted")
    assert meter(-30) == f"[{'#' * 15}{'.' * 15}]   -30 dBFS"
    assert dbfs(np.full(1600, 32767, np.int16).tobytes()) == pytest.approx(0, abs=0.01)
    assert dbfs(b"") == dbfs(bytes(3200)) == -120.0
