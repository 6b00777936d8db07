"""Spoken answers in the touch kiosk: after each prompt, one answer is listened for on a
thread of its own; any key cancels it. Without echo cancellation there is no barge-in: the
microphone opens when the kiosk has finished speaking."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from voice.playback import AudioUnavailable
from voice.recognizer import Heard, Recognizer
from voice.recorder import RecordingSettings, microphone_chunks
from voice.speaker import Speaker

log = logging.getLogger("kiosk.audio")


class Listener:
    def __init__(
        self,
        recognizer: Recognizer,
        speaker: Speaker,
        deliver: Callable[[Heard], None],
        microphone: RecordingSettings,
    ) -> None:
        self.recognizer = recognizer
        self.microphone = microphone
        self.speaker = speaker
        self.deliver = deliver
        """Called with each answer heard (on the listening thread: the caller marshals it)."""
        self.last: Heard | None = None
        """The latest result, heard or empty (for diagnostics and tests)."""
        self._stop = threading.Event()

    def listen_after_prompt(self, phrases: list[str]) -> None:
        self.cancel()
        stop = threading.Event()
        self._stop = stop
        threading.Thread(
            target=self._listen, args=(stop, phrases), name="listen", daemon=True
        ).start()

    def cancel(self) -> None:
        self._stop.set()

    def _listen(self, stop: threading.Event, phrases: list[str]) -> None:
        self.speaker.wait()
        if stop.is_set():
            return
        try:
            heard = self.recognizer.listen(
                microphone_chunks(settings=self.microphone, stop=stop), phrases
            )
        except AudioUnavailable as error:
            log.info("not listening: %s", error)
            return
        self.last = heard
        if not stop.is_set() and heard.text:
            self.deliver(heard)
