"""Settings of each voice stage: frozen, one dataclass a stage, units in every docstring."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SpeechSettings:
    voice: str = "id"
    """espeak-ng voice for a session whose language espeak-ng has no voice for (Indonesian)."""
    rate_wpm: int = 180
    """Default speaking rate in words per minute; every new citizen starts here."""
    rate_step_wpm: int = 25
    """How much one RATE key changes the rate, in words per minute."""
    rate_range_wpm: tuple[int, int] = (100, 300)
    """Slowest and fastest rate a citizen can choose, in words per minute."""
    volume: float = 0.8
    """Default volume, 0 to 1; every new citizen starts here."""
    volume_step: float = 0.1
    """How much one VOLUME key changes the volume (0 to 1 scale)."""


@dataclass(frozen=True)
class PlaybackSettings:
    device: str = ""
    """sounddevice output device name or index; empty: the system default."""
    block_frames: int = 512
    """Frames per callback; 512 at 22050 Hz is 23 ms."""
