"""Speech synthesis: pyttsx3 on espeak-ng, rendered to 16-bit PCM in memory, one sentence at a time.

pyttsx3's own playback cannot be interrupted, so it only renders (to a WAV file
that is read back at once); playback is `voice.playback`. Rendered sentences are
cached, so a prompt heard before starts without rendering again.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from voice.pronounce import speakable

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class SpeechUnavailable(Exception):
    """espeak-ng (or pyttsx3) is missing or broken: the kiosk says so and stays touch-only."""


@dataclass(frozen=True)
class Audio:
    """Mono 16-bit PCM."""

    samples: np.ndarray
    sample_rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.sample_rate


def sentences(text: str) -> list[str]:
    """Split where a sentence ends, so the first can play while the next is rendered."""
    return [part for part in _SENTENCE_END.split(text.strip()) if part]


class Renderer:
    """Owns the one pyttsx3 engine of the process (it is not thread-safe: calls are locked)."""

    def __init__(self, cache_entries: int = 256) -> None:
        try:
            import pyttsx3

            self._engine = pyttsx3.init("espeak")
        except Exception as error:  # pyttsx3 raises bare errors when libespeak-ng is absent
            raise SpeechUnavailable(f"espeak-ng is not usable: {error}") from error
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, str, int], Audio] = OrderedDict()
        self._cache_entries = cache_entries
        self._file = Path(tempfile.mkdtemp(prefix="kiosk-tts-")) / "sentence.wav"
        self._applied: tuple[str, int] | None = None

    def render(self, sentence: str, voice: str, rate_wpm: int) -> Audio:
        key = (sentence, voice, rate_wpm)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
            text = speakable(sentence) if voice == "id" else sentence
            if (voice, rate_wpm) != self._applied:
                # pyttsx3 queues property changes; on their own loop they are in effect
                # before the next synthesis (queued with it, the rate was sometimes late).
                self._engine.setProperty("voice", voice)
                self._engine.setProperty("rate", rate_wpm)
                self._engine.runAndWait()
                self._applied = (voice, rate_wpm)
            self._engine.save_to_file(text, str(self._file))
            with contextlib.redirect_stdout(io.StringIO()):  # pyttsx3 prints "Audio saved to"
                self._engine.runAndWait()
            samples, sample_rate = soundfile.read(self._file, dtype="int16")
            audio = Audio(np.ascontiguousarray(samples), sample_rate)
            self._cache[key] = audio
            if len(self._cache) > self._cache_entries:
                self._cache.popitem(last=False)
            return audio
