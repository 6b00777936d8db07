"""What the audio face says, through the speaker: each view's words, one-time notices, the
voice's volume and rate, and nothing personal where others may hear it."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.audio import wording
from kiosk.audio.key_actions import Speak, Tune
from kiosk.engine.view import Entry, View
from kiosk.i18n import text
from voice.speaker import Speaker


class FaceSpeech:
    def __init__(self, speaker: Speaker, overheard: bool, after_saying: Callable[[], None]) -> None:
        self.speaker = speaker
        self.overheard = overheard
        """Others may hear: the jack says no headphones are in. Personal data is not said."""
        self.notices: list[str] = []
        """Said once, before the next screen (e.g. that speech recognition is off)."""
        self._after_saying = after_saying
        """Called after each prompt (the face then listens for a spoken answer)."""
        self._last_progress = ""

    def say(self, words: str, language: str) -> None:
        self.speaker.say(words, language)
        self._after_saying()

    def line(self, key: str, language: str, **values: object) -> None:
        """One line of the catalog."""
        self.say(text(key, language, **values), language)

    def screen(self, view: View) -> None:
        """The screen as it is (asked for again, or where a key does nothing else)."""
        self.say(wording.screen(view, overheard=self.overheard), view.language)

    def arrived(self, view: View) -> None:
        """A screen arrived at: the one-time notices first; the step only when it changed."""
        new_step = view.progress != self._last_progress
        self._last_progress = view.progress
        words = [*self.notices, wording.screen(view, progress=new_step, overheard=self.overheard)]
        self.notices.clear()
        self.say(" ".join(words), view.language)

    def about(self, speak: Speak, view: View) -> None:
        """Words about the screen for a key that changes nothing."""
        match speak.what:
            case "screen":
                self.screen(view)
            case "help" | "more_help":
                detailed = speak.what == "more_help"
                self.say(wording.help_text(view, detailed, self.overheard), view.language)
            case "nothing_to_delete":
                self.line("audio.empty", view.language)

    def item(self, view: View, index: int) -> None:
        """The choice UP/DOWN stepped to, with its key."""
        choice = view.choices[index]
        words = wording.item(choice, index, view.language, True, overheard=self.overheard)
        self.say(words, view.language)

    def typed(self, entry: Entry, typed: str, language: str) -> None:
        """A digit typed, said back; a tone for a secret, or for personal data others may hear.
        "" for a deletion."""
        if not typed:
            self.line("audio.deleted", language)
        elif entry.masked or (entry.personal and self.overheard):
            self.speaker.tone()
        else:
            self.say(typed, language)

    def tune(self, tune: Tune, language: str) -> None:
        """Change the voice, and say what it is now."""
        match tune.setting:
            case "volume":
                self.speaker.change_volume(tune.steps)
                self.line("audio.volume", language, percent=round(self.speaker.volume * 100))
                return
            case "rate":
                self.speaker.change_rate(tune.steps)
            case "next_rate":
                self.speaker.next_rate()
        self.line("audio.rate", language, wpm=self.speaker.rate_wpm)

    def recorded(self, view: View, seconds: float, transcript: str) -> None:
        """A recording stored: how long it is, what was heard in it, then the screen."""
        language = view.language
        words = [text("audio.recorded", language, seconds=round(seconds))]
        if transcript:
            words.append(text("audio.transcript", language, transcript=transcript))
        self.say(" ".join([*words, wording.screen(view, overheard=self.overheard)]), language)

    def touched(self, label: str, language: str) -> None:
        """Touch-and-confirm: a first touch only says what is under the finger."""
        self.speaker.say(label, language)
