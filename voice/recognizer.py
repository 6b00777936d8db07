"""Offline speech recognition with Vosk, in grammar mode, with our own end-pointing.

Per screen the dialog supplies the phrases it accepts; Vosk builds a bigram model from
them, so a result may be words that are not one phrase: it is matched back to the list,
and an unsure match is marked for confirmation rather than acted on. The end of an
utterance is found by voice activity detection (webrtcvad) a few hundred milliseconds
after speech stops, sooner than Vosk's own end-pointer (0.8-1.5 s in the PyPI release).
"""

from __future__ import annotations

import difflib
import json
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from voice.recognizer_settings import RecognizerSettings

SAMPLE_RATE = 16000


class RecognitionUnavailable(Exception):
    """No usable model (missing, corrupt, wrong kind): the keypad keeps working."""


@dataclass(frozen=True)
class Heard:
    text: str
    """What Vosk recognised, as words."""
    phrase: str | None
    """The accepted phrase it matches, if any."""
    confidence: float
    """0 to 1: Vosk's word confidences, lowered for an inexact match."""
    sure: bool
    """True when it may be acted on without asking the citizen."""
    speech_end_s: float = 0.0
    """Where speech ended in the audio, in seconds."""
    decided_s: float = 0.0
    """Where in the audio the end of the utterance was decided, in seconds."""
    final_ms: float = 0.0
    """Time to the final result once the end was decided, in milliseconds."""
    words: list[dict] = field(default_factory=list)


def match_phrase(text: str, phrases: Iterable[str]) -> tuple[str | None, float]:
    """The accepted phrase `text` stands for, and how closely (1.0 exact)."""
    text = " ".join(text.split())
    best, score = None, 0.0
    for phrase in phrases:
        ratio = difflib.SequenceMatcher(None, text, phrase).ratio()
        if ratio > score:
            best, score = phrase, ratio
    return (best, score) if score >= 0.75 else (None, score)


class Endpointer:
    """Finds where an utterance ends in a stream of 16 kHz 16-bit mono PCM."""

    def __init__(self, settings: RecognizerSettings) -> None:
        import webrtcvad

        self.settings = settings
        self._vad = webrtcvad.Vad(settings.vad_aggressiveness)
        self._frame_bytes = SAMPLE_RATE * settings.frame_ms // 1000 * 2
        self._pending = b""
        self._speech_ms = 0
        self._silence_ms = 0
        self.position_s = 0.0
        self.speech_end_s = 0.0

    def feed(self, pcm: bytes) -> bool:
        """True once the utterance is over (speech, then enough silence)."""
        self._pending += pcm
        settings = self.settings
        while len(self._pending) >= self._frame_bytes:
            frame, self._pending = (
                self._pending[: self._frame_bytes],
                self._pending[self._frame_bytes :],
            )
            self.position_s += settings.frame_ms / 1000
            if self._vad.is_speech(frame, SAMPLE_RATE):
                self._speech_ms += settings.frame_ms
                self._silence_ms = 0
                self.speech_end_s = self.position_s
            elif self._speech_ms >= settings.min_speech_ms:
                self._silence_ms += settings.frame_ms
                if self._silence_ms >= settings.end_silence_ms:
                    return True
            if self.position_s >= settings.max_utterance_s:
                return True
        return False


class Recognizer:
    """One Vosk model; `listen` decodes one utterance against the phrases of a screen."""

    def __init__(self, model_path: Path, settings: RecognizerSettings | None = None) -> None:
        self.settings = settings or RecognizerSettings()
        self._overlay: tempfile.TemporaryDirectory | None = None
        try:
            import vosk

            vosk.SetLogLevel(-1)
            self._vosk = vosk
            self.model = vosk.Model(str(self._tuned(model_path)))
        except Exception as error:  # vosk raises a bare Exception for a bad model folder
            raise RecognitionUnavailable(f"the speech model cannot be loaded: {error}") from None

    def _tuned(self, model_path: Path) -> Path:
        """The model, or a view of it whose conf/model.conf carries the decoder settings.

        The installed model is never changed (its checksum stays valid): the view links
        every other file and writes its own model.conf.
        """
        settings = self.settings
        tuning = {
            "--max-active": settings.max_active,
            "--beam": settings.beam,
            "--lattice-beam": settings.lattice_beam,
        }
        tuning = {name: value for name, value in tuning.items() if value is not None}
        if not tuning:
            return model_path
        self._overlay = tempfile.TemporaryDirectory(prefix="kiosk-model-")
        view = Path(self._overlay.name)
        for entry in model_path.iterdir():
            if entry.name != "conf":
                (view / entry.name).symlink_to(entry.resolve())
        (view / "conf").mkdir()
        for entry in (model_path / "conf").iterdir():
            if entry.name != "model.conf":
                (view / "conf" / entry.name).symlink_to(entry.resolve())
        lines = [
            line
            for line in (model_path / "conf" / "model.conf").read_text().splitlines()
            if line.split("=", 1)[0] not in tuning
        ]
        lines += [f"{name}={value}" for name, value in tuning.items()]
        (view / "conf" / "model.conf").write_text("\n".join(lines) + "\n")
        return view

    def _decoder(self, phrases: list[str] | None):
        if phrases is None:  # dictation
            decoder = self._vosk.KaldiRecognizer(self.model, SAMPLE_RATE)
        else:
            # ensure_ascii=False: Vosk does not decode \\u escapes, every word would be "missing".
            grammar = json.dumps(phrases, ensure_ascii=False)
            decoder = self._vosk.KaldiRecognizer(self.model, SAMPLE_RATE, grammar)
        decoder.SetWords(True)
        return decoder

    def transcribe(self, pcm: bytes) -> str:
        """A whole recording as text (dictation, no end-pointing): what the citizen said."""
        decoder = self._decoder(None)
        for chunk in wav_chunks(pcm, chunk_ms=500):
            decoder.AcceptWaveform(chunk)
        return json.loads(decoder.FinalResult()).get("text", "")

    def listen(self, chunks: Iterable[bytes], phrases: list[str] | None) -> Heard:
        """Decode until the end-pointer says the citizen stopped; `phrases` None: dictation."""
        decoder = self._decoder(phrases)
        endpointer = Endpointer(self.settings)
        for chunk in chunks:
            decoder.AcceptWaveform(chunk)
            if endpointer.feed(chunk):
                break
        decided = time.perf_counter()
        result = json.loads(decoder.FinalResult())
        final_ms = (time.perf_counter() - decided) * 1000
        words = result.get("result", [])
        text = result.get("text", "")
        confidence = sum(word["conf"] for word in words) / len(words) if words else 0.0
        phrase = None
        if phrases is not None and text:
            phrase, closeness = match_phrase(text, phrases)
            confidence *= closeness
        sure = bool(text) and confidence >= self.settings.confidence
        if phrases is not None and phrase is None:
            sure = False
        return Heard(
            text, phrase, round(confidence, 3), sure,
            endpointer.speech_end_s, endpointer.position_s, final_ms, words,
        )  # fmt: skip


def read_pcm(path: Path) -> bytes:
    """A WAV (or FLAC) file as 16 kHz 16-bit mono PCM (linear resampling, first channel)."""
    import numpy as np
    import soundfile

    samples, rate = soundfile.read(path, dtype="int16", always_2d=True)
    mono = samples[:, 0]
    if rate != SAMPLE_RATE:
        count = int(len(mono) * SAMPLE_RATE / rate)
        positions = np.linspace(0, len(mono) - 1, count)
        mono = np.interp(positions, np.arange(len(mono)), mono).astype(np.int16)
    return mono.tobytes()


def wav_chunks(pcm: bytes, chunk_ms: int = 30) -> Iterable[bytes]:
    size = SAMPLE_RATE * chunk_ms // 1000 * 2
    for start in range(0, len(pcm), size):
        yield pcm[start : start + size]


def timed_listen(
    recognizer: Recognizer, pcm: bytes, phrases: list[str] | None
) -> tuple[Heard, float]:
    """Decode a recording; returns the result and the processing time in seconds."""
    started = time.perf_counter()
    heard = recognizer.listen(wav_chunks(pcm), phrases)
    return heard, time.perf_counter() - started
