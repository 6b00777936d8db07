"""Key scripts: a keypad session from a file, for technicians and tests.

One instruction a line: a key name (`1`, `DOWN`, `ENTER` ...), `wait SECONDS`, `listen`
(hear the kiosk out before the next key, as a first-time citizen does), or `speak FILE.wav`,
which plays the file through the sound output as if the citizen spoke it (on a test machine
the microphone hears the output). `#` starts a comment.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from pathlib import Path

import soundfile

from kiosk.audio.face import AudioFace
from kiosk.audio.keys import KEYS

TICK_S = 0.2
KEY_GAP_S = 0.05
"""Pause after each key, so that speech starts before the next key interrupts it."""
LISTEN_AT_MOST_S = 120.0
"""`listen` gives up on speech this long (no prompt is near it)."""


class ScriptError(ValueError):
    """A line the script runner does not understand; the message names the line."""


def parse(lines: Iterable[str]) -> list[tuple[str, str]]:
    steps = []
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        word, _, rest = line.partition(" ")
        if word == "wait":
            try:
                steps.append(("wait", str(float(rest))))
            except ValueError:
                raise ScriptError(f"line {number}: wait needs seconds, got {rest!r}") from None
        elif line == "listen":
            steps.append(("listen", ""))
        elif word == "speak":
            steps.append(("speak", rest.strip()))
        elif line.upper() in KEYS:
            steps.append(("key", line.upper()))
        else:
            raise ScriptError(f"line {number}: unknown key or command {line!r}")
    return steps


def _pause(face: AudioFace, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        time.sleep(min(TICK_S, left))
        face.tick()


def _speak_into_microphone(path: Path) -> None:
    from voice.playback import sounddevice_module

    samples, rate = soundfile.read(path, dtype="int16")
    sounddevice = sounddevice_module()
    sounddevice.play(samples, rate, blocking=True)


def _answer(face: AudioFace, path: Path) -> None:
    from voice.recorder import microphone_chunks

    face.speaker.wait()  # the citizen answers after the prompt
    stop = threading.Event()
    chunks = microphone_chunks(settings=face.recorder.settings, stop=stop)
    heard: list = []
    listener = threading.Thread(target=lambda: heard.append(face.listen(chunks)), daemon=True)
    listener.start()
    _speak_into_microphone(path)
    listener.join(timeout=30)
    stop.set()  # the listening thread closes its own microphone
    if heard and heard[0] is not None:
        face.hear(heard[0])


def run(face: AudioFace, steps: list[tuple[str, str]], base: Path) -> None:
    face.start()
    for kind, value in steps:
        if kind == "key":
            face.press(value)
            _pause(face, KEY_GAP_S)
            if face.recording:  # the citizen speaks only once the microphone listens
                face.wait_for_microphone(timeout=30)
        elif kind == "wait":
            _pause(face, float(value))
        elif kind == "listen":
            face.speaker.wait(timeout=LISTEN_AT_MOST_S)
        elif face.recording or face.recognizer is None:
            _speak_into_microphone(base / value)
        else:  # an answer: the face listens while the citizen speaks
            _answer(face, base / value)
