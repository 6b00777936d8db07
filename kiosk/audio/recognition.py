"""The speech recogniser for a session: the installed model of its language, if any."""

from __future__ import annotations

import logging
from pathlib import Path

from kiosk.config import KioskConfig
from models.installer import choose
from voice.recognizer import RecognitionUnavailable, Recognizer

log = logging.getLogger("kiosk.audio")


def recognizer_for(config: KioskConfig, language: str) -> Recognizer | None:
    """None when no model of `language` is installed (a wrong-language one is not used)."""
    model = choose(config.data.dir / "models", language)
    if model is None:
        return None
    try:
        return Recognizer(Path(model.path), config.recognition)
    except RecognitionUnavailable as error:
        log.warning("speech recognition off: %s", error)
        return None
