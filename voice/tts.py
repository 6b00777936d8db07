"""Speech synthesis: pyttsx3 on espeak-ng, rendered to 16-bit PCM in memory, one sentence at a time.

pyttsx3's own playback cannot be interrupted, so it only renders (to a WAV file
that is read back at once); playback is `voice.playback`. Rendered sentences are
cached, so a prompt heard before starts without rendering again.
"""

from __future__ import annotations

import atexit
import queue
import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from voice.pronounce import speakable

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
RENDER_TIMEOUT_S = 10.0


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


_worker_lock = threading.Lock()
_worker: tuple[queue.Queue, Future] | None = None
"""The process's one rendering thread: its request queue, and whether it started."""


def _shared_worker() -> queue.Queue:
    """pyttsx3 hands every caller the same espeak engine, so one thread must own it."""
    global _worker
    with _worker_lock:
        if _worker is None:
            requests: queue.Queue = queue.Queue()
            ready: Future = Future()
            threading.Thread(
                target=Renderer._work, args=(requests, ready), name="tts", daemon=True
            ).start()
            _worker = (requests, ready)
    requests, ready = _worker
    ready.result(timeout=RENDER_TIMEOUT_S)  # raises SpeechUnavailable from the thread
    return requests


class Renderer:
    """Renders on the process's one rendering thread, which owns pyttsx3's engine.

    pyttsx3 is not thread-safe, and `pyttsx3.init` returns the same engine to everyone:
    driven from two threads it returned the previous sentence's audio. Callers on any
    thread queue a request and wait for its result; each Renderer keeps its own cache.
    """

    def __init__(self, cache_entries: int = 256) -> None:
        self._cache: OrderedDict[tuple[str, str, int], Audio] = OrderedDict()
        self._cache_entries = cache_entries
        self._cache_lock = threading.Lock()
        self._epoch = 0
        self._requests = _shared_worker()

    def forget(self) -> None:
        """Drop every rendered sentence: they may hold a citizen's words (the review, digits).

        A rendering still under way when this is called is not cached either (the epoch).
        """
        with self._cache_lock:
            self._cache.clear()
            self._epoch += 1

    def render(self, sentence: str, voice: str, rate_wpm: int) -> Audio:
        key = (sentence, voice, rate_wpm)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
            epoch = self._epoch
        result: Future = Future()
        self._requests.put((sentence, voice, rate_wpm, result))
        audio = result.result(timeout=RENDER_TIMEOUT_S)
        with self._cache_lock:
            if epoch != self._epoch:  # forgotten meanwhile: a new citizen is at the kiosk
                return audio
            self._cache[key] = audio
            if len(self._cache) > self._cache_entries:
                self._cache.popitem(last=False)
        return audio

    @staticmethod
    def _work(requests: queue.Queue, ready: Future) -> None:
        try:
            import pyttsx3
            import pyttsx3.drivers.espeak as espeak_driver
            from pyttsx3.drivers import _espeak as espeak

            engine = pyttsx3.init("espeak")
            espeak_driver.print = lambda *_args, **_kwargs: None  # it prints "Audio saved to"
        except Exception as error:  # pyttsx3 raises bare errors when libespeak-ng is absent
            ready.set_exception(SpeechUnavailable(f"espeak-ng is not usable: {error}"))
            return
        ready.set_result(None)
        folder = tempfile.mkdtemp(prefix="kiosk-tts-")
        atexit.register(shutil.rmtree, folder, True)
        wav = Path(folder) / "sentence.wav"
        applied: tuple[str, int] | None = None
        while True:
            sentence, voice, rate_wpm, result = requests.get()
            try:
                # Straight to pyttsx3's espeak driver, not through the engine's command queue:
                # queued, a rate change reached espeak late now and then.
                driver = engine.proxy._driver
                if (voice, rate_wpm) != applied:
                    driver.setProperty("voice", voice)
                    driver.setProperty("rate", rate_wpm)
                    espeak.Synchronize()  # a parameter is queued in espeak like a sentence
                    applied = (voice, rate_wpm)
                wav.unlink(missing_ok=True)
                text = speakable(sentence, voice)
                driver.save_to_file(text, str(wav))
                engine.runAndWait()
                # espeak synthesises on its own thread (AUDIO_OUTPUT_RETRIEVAL) and the loop
                # above can end on the previous sentence's events: wait until all synthesis
                # is done and the file holds this sentence.
                espeak.Synchronize()
                samples, sample_rate = soundfile.read(wav, dtype="int16")
                wav.unlink()  # it may hold a citizen's words
                result.set_result(Audio(np.ascontiguousarray(samples), sample_rate))
            except Exception as error:
                result.set_exception(SpeechUnavailable(f"speech could not be rendered: {error}"))
