"""The audio face: turns keypad keys into engine events and speaks every view.

Keys are EZ Access names (`hardware/keymaps/*.toml` maps a physical keypad to
them): digits, UP, DOWN, LEFT, RIGHT, ENTER, BACK, CLEAR, CANCEL, HELP, HOME,
REPEAT, VOL_UP, VOL_DOWN, RATE_UP, RATE_DOWN, SEARCH. Any key first silences the speech.

What a key does is `key_actions`; what is said, `speech`; what is recorded,
`recording`. This module puts them together with the dialog and spoken answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from kiosk.audio import pages, spoken
from kiosk.audio.key_actions import (
    AskCancel,
    ChangeEntry,
    Focus,
    Jump,
    KeyAction,
    KeyState,
    ReadAnswer,
    ReadBack,
    SendEvent,
    Speak,
    Spell,
    Tune,
    TurnPage,
    advance,
    key_action,
    letter_ended,
)
from kiosk.audio.keys import KEYS
from kiosk.audio.listener import Listener
from kiosk.audio.recording import SpokenRecordings, transcript_of
from kiosk.audio.speech import FaceSpeech
from kiosk.engine.dialog import Dialog
from kiosk.engine.events import Event, MoreTime, Tick, Type, UseAudio
from kiosk.engine.screens import FILING_FLOW
from kiosk.engine.view import View
from kiosk.i18n import text
from voice.numbers import NotANumber, parse_digits
from voice.playback import AudioUnavailable
from voice.recognizer import Heard, Recognizer
from voice.recorder import Recorder, Recording
from voice.speaker import Speaker

InBackground = Callable[[Callable[[], str], Callable[[str], None]], None]
"""Runs `work` off the face's thread, then `done(result)` on it."""


class AudioFace:
    def __init__(
        self,
        dialog: Dialog,
        speaker: Speaker,
        recorder: Recorder,
        *,
        overheard: bool = False,
        on_view: Callable[[View], None] | None = None,
        in_background: InBackground | None = None,
    ) -> None:
        """`overheard`: no headphones are in (the jack says so), so personal data is not said.
        `on_view` is told of every new view, so that a screen can follow the keypad.
        `in_background` (the touch kiosk) transcribes a recording beside the UI: it is stored at
        once and its transcript follows; without it, it is transcribed before it is stored."""
        self.dialog = dialog
        self.speaker = speaker
        self.recorder = recorder
        self.speech = FaceSpeech(speaker, overheard, self._listen_after_prompt)
        self.recordings = SpokenRecordings(recorder, speaker, self._cannot_record)
        self._on_view = on_view
        self._in_background = in_background
        self.recognizer: Recognizer | None = None
        """Spoken answers, once a model for the session's language is loaded."""
        self.listener: Listener | None = None
        """Listens for spoken answers after each prompt (the touch kiosk, with a model)."""
        self.pending: str | None = None
        """The key an unsure spoken answer stands for, until the citizen confirms it."""
        self.view = dialog.view()
        self.keys = KeyState()
        """What the keys did on this screen so far: the choice stepped to, the page, the
        letter being tapped."""
        self.presses = 0
        """Keys pressed so far (for measuring the shortest path)."""

    @property
    def overheard(self) -> bool:
        """Others may hear: the jack says no headphones are in. Personal data is not said."""
        return self.speech.overheard

    @overheard.setter
    def overheard(self, overheard: bool) -> None:
        self.speech.overheard = overheard

    @property
    def recording(self) -> bool:
        """Something is being recorded (the complaint, the place's detail): any key ends it."""
        return self.recordings.active

    def wait_for_microphone(self, timeout: float) -> bool:
        """Wait until the recording's microphone listens (after the prompt and the tone), so
        that a key script's citizen speaks only then; False when it did not in `timeout` s."""
        return self.recordings.started.wait(timeout)

    def recognition_ready(
        self, recognizer: Recognizer | None, listener: Listener | None = None
    ) -> None:
        """The speech model has loaded (`recognizer`), or there is none (then nothing is said
        of it: the keys are all a citizen needs). `listener` listens after each prompt."""
        self.recognizer = recognizer
        self.listener = listener
        if recognizer is not None and self.view.audio:  # loaded after the session began
            self.speech.notices.append(text("voice.available", self.view.language))

    # -- output -----------------------------------------------------------------------------

    def _listen_after_prompt(self) -> None:
        if self.listener is not None and not self.recording:
            self.listener.listen_after_prompt(spoken.grammar(self.view))

    def start(self) -> None:
        self.speech.arrived(self.view)

    def headphones_changed(self, plugged: bool) -> None:
        """The jack says headphones went in (an audio session begins) or out (from now on
        others may hear: personal data is no longer said)."""
        self.overheard = not plugged
        if plugged:
            self.begin()
        elif self.view.audio:
            self.speech.line("audio.no_headphones", self.view.language)

    def begin(self) -> None:
        """Headphones went in: this session is an audio session from now on; say where it is."""
        self.speaker.stop()
        self._update(self.dialog.handle(UseAudio()))
        self.speech.started(self.view, listening=self.recognizer is not None)

    def new_citizen(self) -> None:
        """The session ended (the kiosk session, kiosk/session.py, says so): the next citizen
        gets the defaults, and nothing of this one."""
        self.speaker.reset()
        self.recordings.forget()

    def _update(self, view: View) -> None:
        if view.screen not in FILING_FLOW:  # the report is stored, or its draft dropped
            self.recordings.forget()
        self.view = view
        if self._on_view is not None:
            self._on_view(view)

    def follow(self, view: View) -> None:
        """The touch screen moved the dialog on: say where it is now."""
        self.speaker.stop()
        self._show(view)

    def say_touched(self, label: str) -> None:
        """Touch-and-confirm: a first touch only says what is under the finger."""
        self.speech.touched(label, self.view.language)

    def _show(self, view: View) -> None:
        changed = view.screen != self.view.screen or view.choices != self.view.choices
        self._update(view)
        if changed:
            self.keys = KeyState()
        if view.action == "record":
            self._start_recording()
        elif view.action == "listen":
            self._play_back()
        else:
            self.speech.arrived(view)

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
        self.recordings.stop_playing()
        if self.recording:  # any key ends the recording
            self._stop_recording()
            return
        warned, starting = bool(self.view.timeout_warning), not self.view.audio
        # Every key is activity (the idle time-out starts again), even one that only speaks.
        if starting and self.overheard:  # a session starts on the loudspeaker
            self.speech.notices.append(text("audio.no_headphones", self.view.language))
        activity = self.dialog.handle(UseAudio() if starting else MoreTime())
        if activity != self.view:
            self._update(activity)
        if starting:  # whatever the first key, it only starts: the key guide, then the screen
            self.speech.started(self.view, listening=self.recognizer is not None)
            return
        if warned:  # after a time-out warning a key only asks for more time (a question
            self.keys = replace(self.keys, cancelling=False)  # asked before it is dropped)
            self.speech.more_time(self.view, self.keys.page)
            return
        self.end_letter_after_pause()
        help_presses = self.keys.help_presses + 1 if key == "HELP" else 0
        self.keys = replace(self.keys, help_presses=help_presses)
        self._act(key_action(key, self.view, self.keys, self.dialog.clock()))

    def _act(self, action: KeyAction | None) -> None:
        view, keys = self.view, self.keys
        self.keys = advance(keys, action, view)
        match action:
            case SendEvent(event):
                if keys.cancelling:  # confirmed: said before the screen the kiosk returns to
                    self.speech.notices.append(text("audio.cancelled", view.language))
                self._send(event)
            case ReadAnswer(index):
                self.speech.answer(view, index)
            case AskCancel():
                self.speech.line("audio.confirm_cancel", view.language)
            case ChangeEntry(value):
                self._update(self.dialog.handle(Type(value)))
                self.speech.typed(view.entry, action, self.view.language)
            case Focus(index, wrapped):
                self.speech.item(view, index, wrapped)
            case TurnPage(page, wrapped):
                self.speech.page(view, page, wrapped)
            case Spell(tap):
                self.speech.spelling(view, tap.letter if tap else "")
            case Jump():
                self.speech.jumped(view, action)
            case ReadBack():
                self.speech.read_back(view)
            case Speak():
                self.speech.about(action, view, self.keys.page)
            case Tune():
                self.speech.tune(action, view.language)

    def end_letter_after_pause(self) -> None:
        """A letter tapped, then a pause: the letter is taken (in the letter jump, the list
        goes to it)."""
        tap = self.keys.tap
        if tap is None or not tap.ended(self.dialog.clock()):
            return
        jump = letter_ended(self.view, self.keys)
        self.keys = replace(self.keys, tap=None)
        if jump is not None:
            self._act(jump)

    def hear(self, heard: Heard) -> None:
        """A spoken answer. A command is acted on when sure; a choice's name is taken when sure
        on a short list, and confirmed first when unsure or from a long list (a name on any
        page: ENTER, or "ya", then takes it); anything else asks for the keys."""
        view, phrase = self.view, heard.phrase or ""
        if self.pending is not None:  # the answer to "... benar?"
            key, self.pending = self.pending, None
            if phrase == text("voice.yes", view.language):
                self.press(key, by_voice=True)
            else:
                self.keys = replace(self.keys, focus=-1)
                self.speech.screen(view, self.keys.page)
            return
        if view.entry is not None and view.entry.numeric and heard.text:
            try:
                digits = parse_digits(heard.text)
            except NotANumber:
                digits = ""
            if digits:
                self._update(self.dialog.handle(Type(view.entry.value + digits)))
                self.speech.heard_digits(view.entry, digits, self.view.language)
                return
        index = spoken.named(view).get(phrase)
        if index is not None and heard.sure and not pages.is_paged(view):
            self.press(pages.key_of(view, index), by_voice=True)
        elif index is not None:
            self.keys = advance(self.keys, Focus(index), view)
            label = view.choices[index].label  # as shown
            self.speech.line("voice.confirm_choice", view.language, label=label)
            self.pending = "ENTER"
        elif (key := spoken.commands(view).get(phrase)) is None:
            self.speech.line("voice.not_understood", view.language)
        elif heard.sure:
            self.press(key, by_voice=True)
        else:
            self.speech.line("voice.confirm", view.language, label=phrase)
            self.pending = key

    def listen(self, chunks) -> Heard | None:
        """Decode one spoken answer to the current screen; None without a recogniser."""
        if self.recognizer is None:
            return None
        return self.recognizer.listen(chunks, spoken.grammar(self.view))

    # -- time and the microphone ------------------------------------------------------------

    def tick(self) -> None:
        """Time passes: speak a time-out warning or the end of the session once."""
        if self.recording:  # a citizen who speaks is active: no time-out meanwhile
            self.dialog.handle(MoreTime())
            if self.recordings.full:
                self._stop_recording()
            return
        self.end_letter_after_pause()
        before = self.view
        view = self.dialog.handle(Tick())
        warned = view.timeout_warning and not before.timeout_warning
        if warned:
            self._update(view)
            self.speech.line("audio.timeout_warning", view.language, seconds=view.timeout_warning)
        elif view.screen != before.screen:
            self._show(view)

    def _start_recording(self) -> None:
        if self.listener is not None:
            self.listener.cancel()  # one microphone: the recording has it
        self.recordings.start(lambda: self.speech.line("recording.start", self.view.language))

    def _cannot_record(self) -> None:
        self.speech.line("audio.silent", self.view.language)

    def _stop_recording(self) -> None:
        self.recorded(self.recordings.stop())

    def recorded(self, recording: Recording) -> None:
        """A finished recording: stored and read back, transcribed where a model allows.

        With `in_background` (the touch kiosk) the recording is stored at once and its
        transcript follows when ready, so no screen waits for the decoder.
        """
        if self._in_background is not None and not recording.problem:
            self._store_recording(recording, "")
            screen = self.view.screen
            self._in_background(
                lambda: transcript_of(recording, self.recognizer),
                lambda transcript: self._transcribed(screen, recording, transcript),
            )
            return
        transcript = transcript_of(recording, self.recognizer) if not recording.problem else ""
        self._store_recording(recording, transcript)

    def _transcribed(self, screen: str, recording: Recording, transcript: str) -> None:
        """The transcript of `recording`, made on `screen`: kept and read back only while the
        citizen is still there and it is still the recording kept (not one made since, nor
        another screen's, nor after the citizen has gone)."""
        still_there = self.view.screen == screen and self.recordings.kept.get(screen) is recording
        if transcript and still_there:
            self._store_recording(recording, transcript)

    def _store_recording(self, recording: Recording, transcript: str) -> None:
        self._update(
            self.dialog.handle(self.recordings.stored(self.view.screen, recording, transcript))
        )
        self.speech.recorded(self.view, recording.seconds, transcript)

    def _play_back(self) -> None:
        try:
            self.recordings.play_back(self.view.screen)
        except AudioUnavailable:
            self.speech.line("audio.silent", self.view.language)
