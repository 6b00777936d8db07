"""What the citizen says on a recording screen (the complaint, the place's detail): recorded
after the prompt and a tone, checked and encoded as FLAC (`voice.recorder`), transcribed
where a model allows, played back on request.

The recording stored on each screen is kept here for playing back (the face never reaches
into the dialog's draft for it), and forgotten as soon as the draft holding it is: the report
stored, or the draft dropped (the face then leaves the filing flow), or the citizen gone.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable

import numpy as np
import soundfile

from kiosk.engine.events import Recorded
from voice.playback import AudioUnavailable, Utterance
from voice.recognizer import Recognizer
from voice.recorder import Recorder, Recording
from voice.speaker import Speaker
from voice.tts import Audio

log = logging.getLogger("kiosk.audio")


class SpokenRecordings:
    def __init__(
        self, recorder: Recorder, speaker: Speaker, cannot_record: Callable[[], None]
    ) -> None:
        self.recorder = recorder
        self.speaker = speaker
        self._cannot_record = cannot_record
        """Called (on the recording thread) when no microphone can be opened."""
        self.active = False
        """Recording now, from the prompt until a key (or the maximum length) ends it."""
        self.started = threading.Event()
        """Set once the microphone listens (key scripts wait for it before `speak`)."""
        self.kept: dict[str, Recording] = {}
        """The recording stored on each screen, for playing back; empty once the draft is gone."""
        self._playback: Utterance | None = None

    # -- recording --------------------------------------------------------------------------

    def start(self, say_prompt: Callable[[], None]) -> None:
        """Say the prompt, beep, then listen; on a thread of its own, so no screen freezes."""
        self.active = True
        self.started.clear()
        say_prompt()
        threading.Thread(target=self._record_after_prompt, name="record", daemon=True).start()

    def _record_after_prompt(self) -> None:
        self.speaker.wait()
        if not self.active:
            return
        self.speaker.tone()  # "speak after the tone"
        self.speaker.wait()
        if not self.active:
            return
        try:
            self.recorder.start()
        except AudioUnavailable as error:
            log.warning("cannot record: %s", error)
            self.active = False
            self._cannot_record()
        self.started.set()

    @property
    def full(self) -> bool:
        """The maximum length is reached: the recording must stop."""
        return self.recorder.full.is_set()

    def stop(self) -> Recording:
        self.active = False
        return self.recorder.stop()

    def stored(self, screen: str, recording: Recording, transcript: str) -> Recorded:
        """The event that puts `recording` into the report; it is the one `screen` plays back."""
        self.kept[screen] = recording
        return Recorded(recording.flac, recording.seconds, recording.problem, transcript)

    def forget(self) -> None:
        """The draft is stored or dropped, or the citizen has gone: nothing of their voice
        stays here."""
        self.kept.clear()

    # -- playing back -----------------------------------------------------------------------

    def play_back(self, screen: str) -> None:
        """The recording stored on `screen`, on the speaker's device at its volume (nothing
        without one).

        Raises AudioUnavailable when no sound device can be opened."""
        recording = self.kept.get(screen)
        if recording is None:
            return
        samples, rate = soundfile.read(io.BytesIO(recording.flac), dtype="int16")
        self._playback = Utterance(rate, self.speaker.volume, self.speaker.playback)
        self._playback.add(Audio(np.ascontiguousarray(samples), rate))
        self._playback.finish()

    def stop_playing(self) -> None:
        if self._playback is not None:
            self._playback.stop()
            self._playback = None


def transcript_of(recording: Recording, recognizer: Recognizer | None) -> str:
    """Dictation of what was recorded; empty without a recogniser."""
    if recognizer is None:
        return ""
    samples, _rate = soundfile.read(io.BytesIO(recording.flac), dtype="int16")
    return recognizer.transcribe(samples.tobytes())
