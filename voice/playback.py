"""Playback through sounddevice: each utterance on a callback stream that `stop()` aborts at once.

Measured on the CI machine kind: `abort()` silences a callback stream within about
1 ms, a fresh stream starts in 1-7 ms (../shared/reference/test-recipes.md).
"""

from __future__ import annotations

import threading
import time
from collections import deque

import numpy as np

from voice.settings import PlaybackSettings
from voice.tts import Audio


class AudioUnavailable(Exception):
    """No output device (or it vanished): the kiosk says so on screen and in the log."""


def sounddevice_module():
    """The sounddevice module; AudioUnavailable where PortAudio cannot be loaded."""
    try:
        import sounddevice
    except OSError as error:  # PortAudio missing
        raise AudioUnavailable(f"PortAudio is not usable: {error}") from error
    return sounddevice


class Utterance:
    """Audio handed to one output stream as it arrives; ends when `finish()` and drained."""

    def __init__(self, sample_rate: int, volume: float, settings: PlaybackSettings) -> None:
        sounddevice = sounddevice_module()
        self._callback_abort = sounddevice.CallbackAbort
        self._callback_stop = sounddevice.CallbackStop
        self._chunks: deque[np.ndarray] = deque()
        self._finished = False
        self._stopped = False
        self.volume = volume
        self.first_sample_at: float | None = None
        """`time.perf_counter()` when the first sound was handed to the device."""
        self.done = threading.Event()
        try:
            self._stream = sounddevice.OutputStream(
                samplerate=sample_rate,
                channels=1,
                dtype="int16",
                blocksize=settings.block_frames,
                device=settings.device or None,
                callback=self._fill,
                finished_callback=self.done.set,
            )
            self._stream.start()
        except Exception as error:  # PortAudioError, ValueError for an unknown device
            raise AudioUnavailable(f"no audio output: {error}") from error

    def add(self, audio: Audio) -> None:
        self._chunks.append(audio.samples)

    def finish(self) -> None:
        self._finished = True

    def _fill(self, outdata: np.ndarray, frames: int, _time, _status) -> None:
        """The device's callback: only this thread takes chunks out of the queue."""
        if self._stopped:
            outdata[:] = 0
            raise self._callback_abort
        written = 0
        while written < frames and self._chunks:
            chunk = self._chunks[0]
            take = min(frames - written, len(chunk))
            outdata[written : written + take, 0] = (chunk[:take] * self.volume).astype(np.int16)
            if take == len(chunk):
                self._chunks.popleft()
            else:
                self._chunks[0] = chunk[take:]
            written += take
        if written and self.first_sample_at is None:
            self.first_sample_at = time.perf_counter()
        outdata[written:] = 0
        if self._finished and not self._chunks:
            raise self._callback_stop

    def stop(self) -> None:
        """Silence now (abort drops what the device still holds)."""
        self._stopped = True
        self._stream.abort()
        self._stream.close()
        self.done.set()
