"""A text rendered whole into a WAV file (`kiosk say --out`), sentence by sentence as spoken."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile

from voice.tts import Audio, Renderer, sentences

FILE_RATE_WPM = 165
"""The rate files are rendered at; the kiosk itself starts at `voice.settings` `rate_wpm`."""


def render_to_file(
    renderer: Renderer, text: str, voice: str, path: Path, rate_wpm: int = FILE_RATE_WPM
) -> Audio:
    """Write `text` spoken with `voice` to `path` (WAV); returns what was written."""
    parts = [renderer.render(sentence, voice, rate_wpm) for sentence in sentences(text)]
    audio = Audio(np.concatenate([part.samples for part in parts]), parts[0].sample_rate)
    soundfile.write(path, audio.samples, audio.sample_rate)
    return audio
