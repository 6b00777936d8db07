"""An audio session without a window: keys from a script or the console, speech to the device."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kiosk.audio import script
from kiosk.audio.devices import recorder_for, speaker_for
from kiosk.audio.face import AudioFace
from kiosk.audio.recognition import recognizer_for
from kiosk.config import KioskConfig
from kiosk.engine.dialog import Dialog
from kiosk.i18n import text
from kiosk.terminal import TerminalServices


def run_audio_session(
    config: KioskConfig, lines: Iterable[str], transcript: Path | None, base: Path
) -> dict:
    """Run the key script in `lines`; returns what a technician wants to know of it."""
    steps = script.parse(lines)
    services = TerminalServices(config)
    transcript_file = transcript.open("w", encoding="utf-8") if transcript else None
    try:
        speaker = speaker_for(config, transcript_file)
        recognizer = recognizer_for(config, "id")
        dialog = Dialog(services, config.session, "id")
        face = AudioFace(dialog, speaker, recorder_for(config), recognizer)
        if recognizer is None:
            face.notices.append(text("voice.keypad_only", "id"))
        script.run(face, steps, base)
        speaker.wait()
        return {
            "key_presses": face.presses,
            "speech_seconds": round(speaker.seconds_in_full(), 1),
            "screen": face.view.screen,
            "silent": speaker.unavailable,
        }
    finally:
        if transcript_file:
            transcript_file.close()
        services.close()
