"""The speaker and the recorder of a terminal, on the sound devices its configuration names."""

from __future__ import annotations

from typing import TextIO

from kiosk.config import KioskConfig
from voice.recorder import Recorder, RecordingSettings
from voice.settings import PlaybackSettings
from voice.speaker import Speaker
from voice.tts import Renderer


def speaker_for(config: KioskConfig, transcript: TextIO | None = None) -> Speaker:
    """Raises SpeechUnavailable without espeak-ng; a missing device only makes it silent."""
    playback = PlaybackSettings(device=config.audio.output_device)
    return Speaker(Renderer(), playback=playback, transcript=transcript)


def microphone_settings(config: KioskConfig) -> RecordingSettings:
    return RecordingSettings(device=config.audio.input_device)


def recorder_for(config: KioskConfig) -> Recorder:
    return Recorder(microphone_settings(config))
