"""The audio face: turns keypad keys into engine events and speaks every view.

Keys are EZ Access names (`hardware/keymaps/*.toml` maps a physical keypad to
them): digits, UP, DOWN, LEFT, RIGHT, ENTER, BACK, CLEAR, CANCEL, HELP, HOME,
REPEAT, VOL_UP, VOL_DOWN, RATE_UP, RATE_DOWN. Any key first silences the speech.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable

import numpy as np
import soundfile

from kiosk.audio import spoken, wording
from kiosk.audio.keys import KEYS
from kiosk.audio.listener import Listener
from kiosk.engine.dialog import Dialog
from kiosk.engine.events import (
    Back,
    Cancel,
    Choose,
    Event,
    MoreTime,
    Next,
    Recorded,
    Tick,
    Type,
    UseAudio,
)
from kiosk.engine.view import View
from kiosk.i18n import text
from kiosk.report import Attachment
from voice.numbers import NotANumber, parse_digits
from voice.playback import AudioUnavailable, Utterance
from voice.recognizer import Heard, Recognizer
from voice.recorder import Recorder, Recording
from voice.speaker import Speaker
from voice.tts import Audio

log = logging.getLogger("kiosk.audio")


class AudioFace:
    def __init__(
        self,
        dialog: Dialog,
        speaker: Speaker,
        recorder: Recorder,
        recognizer: Recognizer | None = None,
    ) -> None:
        self.dialog = dialog
        self.recognizer = recognizer
        """Spoken answers, where a model for the session's language is installed."""
        self.pending: str | None = None
        """The key an unsure spoken answer stands for, until the citizen confirms it."""
        self._last_progress = ""
        self.listener: Listener | None = None
        """Listens for spoken answers after each prompt (the touch kiosk, with a model)."""
        self.in_background: Callable | None = None
        """Runs `work` off the UI thread, then `done(result)` on it (the touch kiosk)."""
        self.notices: list[str] = []
        """Said once, before the next screen (e.g. that speech recognition is off)."""
        self.speaker = speaker
        self.recorder = recorder
        self.view = dialog.view()
        self.focus = -1
        """The choice UP/DOWN stepped to; -1 before any."""
        self.help_presses = 0
        self.recording = False
        self.presses = 0
        """Keys pressed so far (for measuring the shortest path)."""
        self.playback: Utterance | None = None
        self.recorder_started = threading.Event()
        """Set once the microphone listens (key scripts wait for it before `speak`)."""
        self.on_view: Callable[[View], None] | None = None
        """Told of every new view, so that a screen can follow the keypad."""
        self.overheard = False
        """Others may hear: the jack says no headphones are in. Personal data is not said."""

    # -- output -----------------------------------------------------------------------------

    def say(self, words: str) -> None:
        self.speaker.say(words, self.view.language)
        if self.listener is not None and not self.recording:
            self.listener.listen_after_prompt(spoken.grammar(self.view))

    def start(self) -> None:
        self.say(self._screen_words(self.view))

    def _screen_words(self, view: View) -> str:
        """The screen, with one-time notices first; the step only when it changed."""
        new_step = view.progress != self._last_progress
        self._last_progress = view.progress
        words = " ".join(
            [*self.notices, wording.screen(view, progress=new_step, overheard=self.overheard)]
        )
        self.notices.clear()
        return words

    def headphones_changed(self, plugged: bool) -> None:
        """The jack says headphones went in (an audio session begins) or out (from now on
        others may hear: personal data is no longer said)."""
        self.overheard = not plugged
        if plugged:
            self.begin()
        elif self.view.audio:
            self.say(text("audio.no_headphones", self.view.language))

    def begin(self) -> None:
        """Headphones went in: this session is an audio session from now on; say where it is."""
        self.speaker.stop()
        self._update(self.dialog.handle(UseAudio()))
        self.say(wording.screen(self.view, overheard=self.overheard))

    def _update(self, view: View) -> None:
        if view.screen == "welcome" and self.view.screen != "welcome":
            self.speaker.reset()  # the session ended: the next citizen gets the defaults
        self.view = view
        if self.on_view is not None:
            self.on_view(view)

    def follow(self, view: View) -> None:
        """The touch screen moved the dialog on: say where it is now."""
        self.speaker.stop()
        self._show(view)

    def say_touched(self, label: str) -> None:
        """Touch-and-confirm: a first touch only says what is under the finger."""
        self.speaker.say(label, self.view.language)

    def _show(self, view: View) -> None:
        changed = view.screen != self.view.screen or view.choices != self.view.choices
        self._update(view)
        if changed:
            self.focus = -1
        if view.action == "record":
            self._start_recording()
        elif view.action == "listen":
            self._listen()
        else:
            self.say(self._screen_words(view))

    def _send(self, event: Event) -> None:
        self._show(self.dialog.handle(event))

    # -- input ------------------------------------------------------------------------------

    def press(self, key: str, by_voice: bool = False) -> None:
        """One key of the keypad (or a spoken answer that stands for it)."""
        if key not in KEYS:
            raise ValueError(f"unknown key {key!r}")
        self.presses += 0 if by_voice else 1
        if self.listener is not None:
            self.listener.cancel()
        if not by_voice:
            self.pending = None
        self.speaker.stop()
        if self.playback is not None:
            self.playback.stop()
            self.playback = None
        if self.recording:  # any key ends the recording
            self._stop_recording()
            return
        warned = bool(self.view.timeout_warning)
        # Every key is activity (the idle time-out starts again), even one that only speaks.
        if not self.view.audio and self.overheard:  # a session starts on the loudspeaker
            self.notices.append(text("audio.no_headphones", self.view.language))
        activity = self.dialog.handle(UseAudio() if not self.view.audio else MoreTime())
        if activity != self.view:
            self._update(activity)
        if warned:  # after a time-out warning a key only asks for more time
            self.say(text("audio.more_time", self.view.language))
            return
        self.help_presses = self.help_presses + 1 if key == "HELP" else 0
        handler = getattr(self, f"_key_{key.lower()}", None)
        if key.isdigit():
            self._digit(key)
        elif handler is not None:
            handler()

    def hear(self, heard: Heard) -> None:
        """A spoken answer: acted on when sure, confirmed first when not, else the keys."""
        view = self.view
        if self.pending is not None:  # the answer to "... benar?"
            key = self.pending
            self.pending = None
            if heard.phrase == text("voice.yes", view.language):
                self.press(key, by_voice=True)
            else:
                self.say(wording.screen(view, overheard=self.overheard))
            return
        if view.entry is not None and view.entry.numeric and heard.text:
            try:
                digits = parse_digits(heard.text)
            except NotANumber:
                digits = ""
            if digits:
                self._update(self.dialog.handle(Type(view.entry.value + digits)))
                self.say(" ".join(digits))
                return
        key = spoken.accepted(view).get(heard.phrase or "")
        if key is None:
            self.say(text("voice.not_understood", view.language))
        elif heard.sure:
            self.press(key, by_voice=True)
        else:
            label = heard.phrase
            if key.isdigit() and wording.DIGIT_KEYS.index(key) < len(view.choices):
                label = view.choices[wording.DIGIT_KEYS.index(key)].label  # as shown
            self.say(text("voice.confirm", view.language, label=label))
            self.pending = key

    def listen(self, chunks) -> Heard | None:
        """Decode one spoken answer to the current screen; None without a recogniser."""
        if self.recognizer is None:
            return None
        return self.recognizer.listen(chunks, spoken.grammar(self.view))

    def _digit(self, key: str) -> None:
        view = self.view
        if view.entry is not None:
            self._update(self.dialog.handle(Type(view.entry.value + key)))
            if view.entry.masked or (view.entry.personal and self.overheard):
                # A secret, or personal data others may hear: a tone instead of the digit.
                self.speaker.tone()
            else:
                self.say(key)
            return
        index = wording.DIGIT_KEYS.index(key)
        if index < len(view.choices):
            self._send(Choose(view.choices[index].id))

    def _step(self, delta: int) -> None:
        choices = self.view.choices
        if not choices:
            self.say(wording.screen(self.view, overheard=self.overheard))
            return
        self.focus = (self.focus + delta) % len(choices)
        choice = choices[self.focus]
        language = self.view.language
        self.say(wording.item(choice, self.focus, language, True, overheard=self.overheard))

    def _key_up(self) -> None:
        self._step(-1)

    def _key_down(self) -> None:
        self._step(1)

    def _key_enter(self) -> None:
        view = self.view
        if 0 <= self.focus < len(view.choices):
            self._send(Choose(view.choices[self.focus].id))
        elif view.can_go_next:
            self._send(Next())
        else:
            self.say(wording.screen(view, overheard=self.overheard))

    def _key_right(self) -> None:
        if self.view.can_go_next:
            self._send(Next())

    def _key_back(self) -> None:
        self._send(Back())

    _key_left = _key_back

    def _key_clear(self) -> None:
        entry = self.view.entry
        if entry is None or not entry.value:
            self.say(text("audio.empty", self.view.language))
            return
        self._update(self.dialog.handle(Type(entry.value[:-1])))
        self.say(text("audio.deleted", self.view.language))

    def _key_cancel(self) -> None:
        self._send(Cancel())

    _key_home = _key_cancel

    def _key_help(self) -> None:
        self.say(wording.help_text(self.view, self.help_presses > 1, self.overheard))

    def _key_repeat(self) -> None:
        self.say(wording.screen(self.view, overheard=self.overheard))

    def _key_vol_up(self) -> None:
        self._volume(1)

    def _key_vol_down(self) -> None:
        self._volume(-1)

    def _volume(self, steps: int) -> None:
        self.speaker.change_volume(steps)
        percent = round(self.speaker.volume * 100)
        self.say(text("audio.volume", self.view.language, percent=percent))

    def _key_rate_up(self) -> None:
        self._rate(1)

    def _key_rate_down(self) -> None:
        self._rate(-1)

    def _key_rate(self) -> None:
        self.speaker.next_rate()
        self._say_rate()

    def _rate(self, steps: int) -> None:
        self.speaker.change_rate(steps)
        self._say_rate()

    def _say_rate(self) -> None:
        self.say(text("audio.rate", self.view.language, wpm=self.speaker.rate_wpm))

    # -- time and the microphone ------------------------------------------------------------

    def tick(self) -> None:
        """Time passes: speak a time-out warning or the end of the session once."""
        if self.recording:  # a citizen who speaks is active: no time-out meanwhile
            self.dialog.handle(MoreTime())
            if self.recorder.full.is_set():
                self._stop_recording()
            return
        before = self.view
        view = self.dialog.handle(Tick())
        warned = view.timeout_warning and not before.timeout_warning
        if warned:
            self._update(view)
            self.say(text("audio.timeout_warning", view.language, seconds=view.timeout_warning))
        elif view.screen != before.screen:
            self._show(view)

    def _start_recording(self) -> None:
        """Say the prompt, beep, then listen; on a thread of its own, so no screen freezes."""
        if self.listener is not None:
            self.listener.cancel()  # one microphone: the recording has it
        self.recording = True
        self.recorder_started.clear()
        self.say(text("recording.start", self.view.language))
        threading.Thread(target=self._record_after_prompt, name="record", daemon=True).start()

    def _record_after_prompt(self) -> None:
        self.speaker.wait()
        if not self.recording:
            return
        self.speaker.tone()  # "speak after the tone"
        self.speaker.wait()
        if not self.recording:
            return
        try:
            self.recorder.start()
        except AudioUnavailable as error:
            log.warning("cannot record: %s", error)
            self.recording = False
            self.say(text("audio.silent", self.view.language))
        self.recorder_started.set()

    def _stop_recording(self) -> None:
        self.recording = False
        self.recorded(self.recorder.stop())

    def recorded(self, recording: Recording) -> None:
        """A finished recording: stored and read back, transcribed where a model allows.

        With `in_background` (the touch kiosk) the recording is stored at once and its
        transcript follows when ready, so no screen waits for the decoder.
        """
        if self.in_background is not None and not recording.problem:
            self._store_recording(recording, "")
            self.in_background(
                lambda: self._transcribe(recording),
                lambda transcript: self._transcribed(recording, transcript),
            )
            return
        transcript = self._transcribe(recording) if not recording.problem else ""
        self._store_recording(recording, transcript)

    def _transcribed(self, recording: Recording, transcript: str) -> None:
        if transcript and self.view.screen == "recording":  # still there: read it back
            self._store_recording(recording, transcript)

    def _store_recording(self, recording: Recording, transcript: str) -> None:
        attachment = Attachment("laporan-suara.flac", "audio/flac", recording.flac)
        event = Recorded(attachment, recording.seconds, recording.problem, transcript)
        view = self.dialog.handle(event)
        self._update(view)
        language = view.language
        words = [text("audio.recorded", language, seconds=round(recording.seconds))]
        if transcript:
            words.append(text("audio.transcript", language, transcript=transcript))
        self.say(" ".join([*words, wording.screen(view, overheard=self.overheard)]))

    def _transcribe(self, recording: Recording) -> str:
        """Dictation of the spoken complaint; empty without a recogniser."""
        if self.recognizer is None:
            return ""
        samples, _rate = soundfile.read(io.BytesIO(recording.flac), dtype="int16")
        pcm = samples.tobytes()
        return self.recognizer.transcribe(pcm)

    def _listen(self) -> None:
        attachments = self.dialog.draft.attachments
        if not attachments:
            return
        samples, rate = soundfile.read(io.BytesIO(attachments[0].data), dtype="int16")
        try:
            self.playback = Utterance(rate, self.speaker.volume, self.speaker.playback)
        except AudioUnavailable:
            self.say(text("audio.silent", self.view.language))
            return
        self.playback.add(Audio(np.ascontiguousarray(samples), rate))
        self.playback.finish()
