"""The microphone: 16 kHz mono PCM on its own thread, checked for level, stored as FLAC.

Recording runs in PortAudio's callback thread (an input stream), so a busy UI
never makes the input overflow (vosk-api#326).
"""

from __future__ import annotations

import io
import math
import threading
from dataclasses import dataclass

import numpy as np
import soundfile

from voice.playback import AudioUnavailable, sounddevice_module

SILENCE_DBFS = -120.0
"""The level reported for digital silence, in dBFS."""


@dataclass(frozen=True)
class RecordingSettings:
    sample_rate: int = 16000
    """Samples per second of the recording (16 kHz mono, as the speech recogniser wants)."""
    device: str = ""
    """sounddevice input device; empty: the system default."""
    max_seconds: float = 120.0
    """Longest spoken complaint, in seconds; recording stops by itself then."""
    min_seconds: float = 1.0
    """Shorter recordings are refused, in seconds."""
    quiet_dbfs: float = -45.0
    """A recording whose loudest half-second stays below this level (dBFS) is too quiet."""
    clipped_share: float = 0.01
    """A recording with more than this share of samples at full scale is clipped."""


@dataclass(frozen=True)
class Recording:
    flac: bytes
    seconds: float
    problem: str
    """Catalog key (`recording.too_quiet`, `recording.clipped`, `recording.too_short`) or empty."""


def level_problem(samples: np.ndarray, settings: RecordingSettings) -> str:
    """Whether a recording is too short, too quiet or clipped."""
    rate = settings.sample_rate
    if len(samples) < settings.min_seconds * rate:
        return "recording.too_short"
    if np.mean(np.abs(samples.astype(np.int32)) >= 32767) > settings.clipped_share:
        return "recording.clipped"
    window = rate // 2
    halves = range(0, len(samples) - window + 1, window)
    loudest = max((dbfs(samples[i : i + window].tobytes()) for i in halves), default=SILENCE_DBFS)
    if loudest < settings.quiet_dbfs:
        return "recording.too_quiet"
    return ""


def dbfs(chunk: bytes) -> float:
    """Loudness of 16-bit PCM as RMS in dBFS (0 is full scale)."""
    samples = np.frombuffer(chunk, dtype=np.int16).astype(np.float64) / 32768
    if not len(samples):
        return SILENCE_DBFS
    rms = math.sqrt(float(np.mean(samples**2)))
    return max(SILENCE_DBFS, 20 * math.log10(rms)) if rms else SILENCE_DBFS


def encode_flac(samples: np.ndarray, sample_rate: int) -> bytes:
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, sample_rate, format="FLAC", subtype="PCM_16")
    return buffer.getvalue()


def microphone_chunks(
    chunk_ms: int = 30,
    settings: RecordingSettings | None = None,
    stop: threading.Event | None = None,
):
    """Live 16 kHz 16-bit mono PCM from the microphone, chunk by chunk, until `stop` is set."""
    import queue

    settings = settings or RecordingSettings()
    chunks: queue.Queue[bytes] = queue.Queue()
    sounddevice = sounddevice_module()
    frames = settings.sample_rate * chunk_ms // 1000
    try:
        stream = sounddevice.RawInputStream(
            samplerate=settings.sample_rate,
            channels=1,
            dtype="int16",
            blocksize=frames,
            device=settings.device or None,
            callback=lambda data, *_: chunks.put(bytes(data)),
        )
    except Exception as error:
        raise AudioUnavailable(f"no microphone: {error}") from error
    with stream:
        while stop is None or not stop.is_set():
            try:
                yield chunks.get(timeout=0.1)
            except queue.Empty:
                continue


class Recorder:
    def __init__(self, settings: RecordingSettings | None = None) -> None:
        self.settings = settings or RecordingSettings()
        self._blocks: list[np.ndarray] = []
        self._stream = None
        self.full = threading.Event()
        """Set when the maximum length is reached."""

    def start(self) -> None:
        sounddevice = sounddevice_module()
        self._blocks = []
        self.full.clear()
        limit = int(self.settings.max_seconds * self.settings.sample_rate)

        collected = 0

        def collect(data: np.ndarray, _frames, _time, _status) -> None:
            nonlocal collected
            self._blocks.append(data[:, 0].copy())
            collected += len(data)
            if collected >= limit:
                self.full.set()
                raise sounddevice.CallbackStop

        try:
            self._stream = sounddevice.InputStream(
                samplerate=self.settings.sample_rate,
                channels=1,
                dtype="int16",
                device=self.settings.device or None,
                callback=collect,
            )
            self._stream.start()
        except Exception as error:
            raise AudioUnavailable(f"no microphone: {error}") from error

    def stop(self) -> Recording:
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None
        limit = int(self.settings.max_seconds * self.settings.sample_rate)
        samples = np.concatenate(self._blocks)[:limit] if self._blocks else np.zeros(0, np.int16)
        self._blocks = []  # the citizen's voice lives on only in the report
        seconds = len(samples) / self.settings.sample_rate
        problem = level_problem(samples, self.settings)
        return Recording(encode_flac(samples, self.settings.sample_rate), seconds, problem)
