"""An audio session without a window: keys from a script or the console, speech to the device."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kiosk.audio import script
from kiosk.config import KioskConfig
from kiosk.session import KioskSession
from kiosk.terminal import TerminalServices


def run_audio_session(
    config: KioskConfig, lines: Iterable[str], transcript: Path | None, base: Path
) -> dict:
    """Run the key script in `lines`; returns what a technician wants to know of it.

    Raises SpeechUnavailable without espeak-ng."""
    steps = script.parse(lines)
    services = TerminalServices(config)
    transcript_file = transcript.open("w", encoding="utf-8") if transcript else None
    try:
        face = KioskSession(config, services, language="id", transcript=transcript_file).face
        script.run(face, steps, base)
        face.speaker.wait()
        return {
            "key_presses": face.presses,
            "speech_seconds": round(face.speaker.seconds_in_full(), 1),
            "screen": face.view.screen,
            "silent": face.speaker.unavailable,
        }
    finally:
        if transcript_file:
            transcript_file.close()
        services.close()
