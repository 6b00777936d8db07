"""The kiosk's session, without Kivy: the dialog, the audio face beside it, the headphone
jack, the speech model and systemd's watchdog.

Two runners build one with their callbacks:
- the touch kiosk (`kiosk/touch/app.py`) passes its clock as the `MainLoop`. The audio face
  is made on the first keypad key or when headphones go in (a touch-only session never loads
  speech); the speech model loads on a thread; spoken answers are listened for after each
  prompt; a recording is stored at once and its transcript follows; the jack is polled;
  the watchdog is fed from the loop, so a hung UI is restarted; fleet health hears how the
  speech model stands.
- the windowless audio runner (`kiosk/audio/session.py`) passes no loop: everything runs on
  its thread. The audio face is made at once, the model loaded before the first word, a
  recording transcribed before it is stored; nobody listens between keys.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, TextIO, TypeVar

from hardware import watchdog
from hardware.jack import JackWatcher, jack_from_setting
from kiosk.config import KioskConfig
from kiosk.engine.dialog import Dialog
from kiosk.engine.events import Cancel, Event, Tick
from kiosk.engine.screens import Screen
from kiosk.engine.view import View
from kiosk.terminal import TerminalServices

if TYPE_CHECKING:
    from kiosk.audio.face import AudioFace
    from voice.recognizer import Heard, Recognizer
    from voice.speaker import Speaker

log = logging.getLogger("kiosk.session")

TICK_S = 1.0
LETTER_TICK_S = 0.25
"""How often a letter tapped on the keypad is checked for the pause that takes it."""
WATCHDOG_S = 10.0
JACK_POLL_S = 0.3
RECOGNITION_LANGUAGE = "id"
"""Spoken answers are recognised in Bahasa Indonesia (the model chosen for it)."""

Result = TypeVar("Result")


@dataclass(frozen=True)
class MainLoop:
    """The touch kiosk's clock: the session's work runs on its thread, between frames."""

    call_soon: Callable[[Callable[[], None]], None]
    """Run a function on the loop's thread soon; callable from any thread."""
    every: Callable[[float, Callable[[], None]], None]
    """Run a function on the loop's thread every so many seconds."""


class KioskSession:
    def __init__(
        self,
        config: KioskConfig,
        services: TerminalServices,
        *,
        on_view: Callable[[View], None] = lambda _view: None,
        on_new_citizen: Callable[[], None] = lambda: None,
        on_silent: Callable[[], None] = lambda: None,
        loop: MainLoop | None = None,
        language: str | None = None,
        transcript: TextIO | None = None,
        speaker: Speaker | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`on_view` is told of every new view; `on_new_citizen` that the session ended (back
        at the welcome screen), before that screen's view, so that what a citizen changed
        does not carry over; `on_silent` that the audio face cannot be heard (no espeak-ng,
        no sound device). Without a `loop` the audio face is made here, and
        SpeechUnavailable raised here. `transcript` gets every utterance (tests,
        diagnostics: personal data included). The audio face speaks through `speaker`, by
        default one on the configured output device; `clock` times the session out."""
        self.config = config
        self.services = services
        default_language = language or config.terminal.default_language
        self.dialog = Dialog(services, config.session, default_language, clock)
        self.view: View | None = None
        """The latest view shown."""
        self.face: AudioFace | None = None
        self.speech_error = ""
        """Why the audio face cannot speak (espeak-ng missing)."""
        self.headphones: bool | None = None
        """What the headphone jack says; None without jack detection (then nobody knows)."""
        self._on_view = on_view
        self._on_new_citizen = on_new_citizen
        self._on_silent = on_silent
        self._loop = loop
        self._transcript = transcript
        self._speaker = speaker
        if loop is None:
            self._make_face()

    # -- the touch kiosk's loop -------------------------------------------------------------

    def start(self) -> None:
        """The touch kiosk is up: its first screen, time, systemd, the jack."""
        loop = self._loop
        self.services.warm()
        self._show(self.dialog.view())
        loop.every(TICK_S, self.tick)
        loop.every(LETTER_TICK_S, self._letter_tick)
        watchdog.notify("READY=1")
        # From the UI's own clock: if the UI hangs, systemd stops hearing it and restarts it.
        loop.every(WATCHDOG_S, lambda: watchdog.notify("WATCHDOG=1"))
        jack = jack_from_setting(self.config.audio.jack)
        if jack is not None:  # polled on a thread: reading an ALSA control may take a while
            watcher = JackWatcher(jack)
            threading.Thread(target=self._watch_jack, args=(watcher,), daemon=True).start()
        self._model_state("not_loaded")

    def _in_background(
        self, work: Callable[[], Result], done: Callable[[Result], None], name: str = "background"
    ) -> None:
        """`work()` on a thread of its own called `name`, then `done(result)` on the loop;
        without a loop, both at once."""
        loop = self._loop
        if loop is None:
            done(work())
            return

        def run() -> None:
            result = work()
            loop.call_soon(lambda: done(result))

        threading.Thread(target=run, name=name, daemon=True).start()

    # -- the dialog -------------------------------------------------------------------------

    def send(self, event: Event) -> None:
        """An event from the touch screen; in an audio session the face says where it is."""
        view = self.dialog.handle(event)
        if isinstance(event, Tick) and view == self.view:
            return  # nothing changed: do not redraw every second
        self._show(view)
        if self.audio_active() and not isinstance(event, Tick):
            self.face.follow(view)

    def tick(self) -> None:
        if self.audio_active():
            self.face.tick()  # speaks warnings; its views come back through on_view
        else:
            self.send(Tick())

    def _letter_tick(self) -> None:
        if self.audio_active():
            self.face.end_letter_after_pause()

    def _show(self, view: View) -> None:
        """Every view, the audio face's too, comes here: the one place that sees a session end."""
        previous, self.view = self.view, view
        ended = previous is not None and previous.screen != Screen.WELCOME
        if ended and view.screen == Screen.WELCOME:
            self._new_citizen()
        self._on_view(view)

    def _new_citizen(self) -> None:
        """The session ended, whichever face ended it: nothing of this citizen's carries over."""
        if self.face is not None:
            self.face.new_citizen()
        self._on_new_citizen()

    def drop_citizen(self) -> None:
        """The kiosk is stopping: nothing of the citizen's is left in memory."""
        self.dialog.handle(Cancel())
        if self.face is not None:
            self.face.new_citizen()

    # -- the audio face ---------------------------------------------------------------------

    def audio_active(self) -> bool:
        return self.face is not None and self.view is not None and self.view.audio

    def audio_face(self) -> AudioFace | None:
        """The audio face, made on first use; None when the terminal cannot speak."""
        from voice.tts import SpeechUnavailable

        if self.face is None and not self.speech_error:
            try:
                self._make_face()
            except SpeechUnavailable as error:
                log.warning("audio face unavailable: %s", error)
                self.speech_error = str(error)
                self._on_silent()
        return self.face

    def _make_face(self) -> None:
        from kiosk.audio.devices import recorder_for, speaker_for
        from kiosk.audio.face import AudioFace
        from kiosk.audio.recognition import recognizer_for

        speaker = self._speaker or speaker_for(self.config, self._transcript)
        self.face = AudioFace(
            self.dialog,
            speaker,
            recorder_for(self.config),
            overheard=self.headphones is False,
            on_view=self._show,
            in_background=None if self._loop is None else self._in_background,
        )
        self._model_state("loading")
        self._in_background(
            lambda: recognizer_for(self.config, RECOGNITION_LANGUAGE),
            self._recognizer_loaded,
            name="asr-load",
        )

    def _recognizer_loaded(self, recognizer: Recognizer | None) -> None:
        from kiosk.audio.listener import Listener

        face = self.face
        if recognizer is None:
            face.recognition_ready(None)
            self._model_state("failed")
            return
        self._model_state("loaded")
        listener = None
        if self._loop is not None:
            listener = Listener(recognizer, face.speaker, self._heard, face.recorder.settings)
        face.recognition_ready(recognizer, listener)

    def _heard(self, heard: Heard) -> None:
        """A spoken answer, from the listening thread."""
        self._loop.call_soon(partial(self._hear, heard))

    def _hear(self, heard: Heard) -> None:
        if self.audio_active():
            self.face.hear(heard)

    def press(self, key: str) -> None:
        """One keypad key: any key starts the audio session."""
        face = self.audio_face()
        if face is not None:
            face.press(key)
            if face.speaker.unavailable:  # no sound device: say so where it can be seen
                self._on_silent()

    def silence(self) -> None:
        """A key went down: whatever it turns out to be, the speech stops at once."""
        if self.face is not None:
            self.face.speaker.stop()

    # -- the headphone jack -----------------------------------------------------------------

    def _watch_jack(self, watcher: JackWatcher) -> None:
        self.headphones = watcher.plugged  # an audio face made later starts from this
        while True:
            time.sleep(JACK_POLL_S)
            if change := watcher.check():
                self._loop.call_soon(partial(self.headphones_changed, change == "in"))

    def headphones_changed(self, plugged: bool) -> None:
        """In: an audio session begins. Out: personal data is no longer said aloud."""
        self.headphones = plugged
        face = self.audio_face() if plugged else self.face  # out: no session to start
        if face is not None:
            face.headphones_changed(plugged)

    # -- fleet health -----------------------------------------------------------------------

    def _model_state(self, state: str) -> None:
        """Tell fleet health how speech recognition stands ("none" when no model is there).
        Only the touch kiosk's face does: a technician's windowless run is not the terminal's."""
        if self._loop is None:
            return
        from kiosk.face_state import record_model_state
        from models.installer import choose

        model = choose(self.config.data.dir / "models", RECOGNITION_LANGUAGE)
        try:
            record_model_state(
                self.services.conn, state if model else "none", model.name if model else ""
            )
        except sqlite3.Error as error:  # health must never stop the kiosk
            log.warning("speech model state not recorded: %s", error)
