"""The `[recognition]` settings: decoder speed and end-pointing of the speech recogniser.

A leaf module, so that the configuration (kiosk/config.py) reads them without loading the
recogniser (voice/recognizer.py), which needs Vosk and webrtcvad.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecognizerSettings:
    confidence: float = 0.6
    """Below this (0 to 1) a result is confirmed with the citizen before it is acted on."""
    vad_aggressiveness: int = 2
    """webrtcvad mode, 0 (keeps most sound as speech) to 3 (strictest)."""
    frame_ms: int = 30
    """Length of one VAD frame in milliseconds (10, 20 or 30)."""
    end_silence_ms: int = 300
    """Silence after speech that ends an utterance, in milliseconds."""
    min_speech_ms: int = 120
    """Shorter bursts (a cough, a click) are not an utterance, in milliseconds."""
    max_utterance_s: float = 8.0
    """An answer longer than this is cut, in seconds."""
    max_active: int | None = None
    """Decoder: most active states a frame (3000 suits small models on a Pi); None: the model's."""
    beam: float | None = None
    """Decoder beam (e.g. 10.0); None: the model's."""
    lattice_beam: float | None = None
    """Decoder lattice beam (e.g. 2.0); None: the model's."""
