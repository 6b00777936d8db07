"""What the audio face says, through the speaker: each view's words, one-time notices, the
voice's volume and rate, and nothing personal where others may hear it."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.audio import pages, wording
from kiosk.audio.key_actions import ChangeEntry, Jump, Speak, Tune
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

    def screen(self, view: View, page: int = 0) -> None:
        """The screen as it is (asked for again, or where a key does nothing else); of a long
        list, the page it is at."""
        self.say(wording.screen(view, overheard=self.overheard, page_number=page), view.language)

    def arrived(self, view: View) -> None:
        """A screen arrived at: the one-time notices first; the step only when it changed."""
        new_step = view.progress != self._last_progress
        self._last_progress = view.progress
        words = [*self.notices, wording.screen(view, progress=new_step, overheard=self.overheard)]
        self.notices.clear()
        self.say(" ".join(words), view.language)

    def started(self, view: View, listening: bool) -> None:
        """An audio session begins: the key guide (with a speech model, that answers may be
        spoken too), then the screen."""
        language = view.language
        words = [*self.notices, text("audio.orientation", language)]
        if listening:
            words.append(text("voice.available", language))
        self.notices.clear()
        self._last_progress = view.progress
        words.append(wording.screen(view, overheard=self.overheard))
        self.say(" ".join(words), language)

    def answer(self, view: View, index: int) -> None:
        """One agency answer of a follow-up (from 0, the newest)."""
        self.say(wording.answer(view, index), view.language)

    def more_time(self, view: View, page: int) -> None:
        """A key after the time-out warning: more time, then where the citizen was."""
        screen = wording.screen(view, overheard=self.overheard, page_number=page)
        self.say(f"{text('audio.more_time', view.language)} {screen}", view.language)

    def about(self, speak: Speak, view: View, page: int = 0) -> None:
        """Words about the screen for a key that changes nothing (`page`: of a long list)."""
        match speak.what:
            case "screen":
                self.screen(view, page)
            case "help" | "more_help":
                detailed = speak.what == "more_help"
                words = wording.help_text(view, detailed, self.overheard, page)
                self.say(words, view.language)
            case "nothing_to_delete":
                self.line("audio.empty", view.language)
            case "no_search":
                self.line("audio.no_search", view.language)
            case "code_slowly":
                self.say(wording.code_slowly(view), view.language)
            case "not_cancelled":
                screen = wording.screen(view, overheard=self.overheard, page_number=page)
                self.say(f"{text('audio.not_cancelled', view.language)} {screen}", view.language)
            case "spelling_ended":
                words = [text("audio.spelling_ended", view.language), wording.page(view, page)]
                self.say(" ".join(words), view.language)

    def item(self, view: View, index: int, wrapped: bool = False) -> None:
        """The choice UP/DOWN stepped to, with its key and its place in the list (and, past an
        end of the list, that it went round)."""
        language, count = view.language, len(view.choices)
        words = []
        if wrapped:
            words.append(
                text("audio.list_wrapped" if index == 0 else "audio.to_list_end", language)
            )
        key = pages.key_of(view, index)
        words.append(
            wording.item(view.choices[index], key, language, True, overheard=self.overheard)
        )
        position = "audio.position_last" if index == count - 1 else "audio.position"
        words.append(text(position, language, position=index + 1, count=count))
        self.say(" ".join(words), language)

    def typed(self, entry: Entry, change: ChangeEntry, language: str) -> None:
        """A character typed or deleted, said back (the deleted one too): a tone for a secret,
        or for personal data others may hear."""
        hidden = self._hidden(entry)
        if change.typed and hidden:
            self.speaker.tone()
        elif change.typed:
            self.say(_character(change.typed, language), language)
        elif change.deleted and not hidden:
            self.line("audio.deleted_letter", language, letter=_character(change.deleted, language))
        else:
            self.line("audio.deleted", language)

    def heard_digits(self, entry: Entry, digits: str, language: str) -> None:
        """Digits the citizen said, said back one by one; only counted for a secret, or for
        personal data others may hear."""
        if self._hidden(entry):
            self.line("audio.digits_heard_hidden", language, count=len(digits))
        else:
            self.say(" ".join(digits), language)

    def _hidden(self, entry: Entry) -> bool:
        return entry.masked or (entry.personal and self.overheard)

    def page(self, view: View, page: int, wrapped: bool) -> None:
        """A page of a long list turned to (back to the first after the last: said so)."""
        words = [text("audio.list_wrapped", view.language)] if wrapped else []
        self.say(" ".join([*words, wording.page(view, page)]), view.language)

    def spelling(self, view: View, letter: str) -> None:
        """The letter jump: the letter tapped, or ("") how the jump works."""
        language = view.language
        self.say(letter.upper() if letter else text("audio.spelling", language), language)

    def jumped(self, view: View, jump: Jump) -> None:
        """The letter jump ended: the page from the first choice with the letter, or that
        none starts with it."""
        language, letter = view.language, jump.letter.upper()
        if jump.index is None:
            self.line("audio.no_letter", language, letter=letter)
            return
        words = [text("audio.letter", language, letter=letter),
                 wording.page(view, pages.page_of(view, jump.index), start=jump.index)]  # fmt: skip
        self.say(" ".join(words), language)

    def read_back(self, view: View) -> None:
        """Typed text said back before ENTER takes it (its letters counted if overheard)."""
        self.say(wording.read_back(view, self.overheard), view.language)

    def tune(self, tune: Tune, language: str) -> None:
        """Change the voice, and say what it is now in words ("Kecepatan: lebih cepat."): a
        bare number of words a minute means nothing to a citizen. Compared with the voice a
        citizen starts with: normal, lower or higher, and the lowest or highest there is."""
        speaker, settings = self.speaker, self.speaker.settings

        def level(value: float, normal: float, step: float, low: float, high: float) -> str:
            if value >= high - step / 2:
                return "highest"
            if value <= low + step / 2:
                return "lowest"
            steps = round((value - normal) / step)
            return "normal" if steps == 0 else "higher" if steps > 0 else "lower"

        match tune.setting:
            case "volume":
                speaker.change_volume(tune.steps)
                name = level(speaker.volume, settings.volume, settings.volume_step, 0.1, 1.0)
                words = text(f"audio.volume_level.{name}", language)
                self.line("audio.volume", language, level=words)
                return
            case "rate":
                speaker.change_rate(tune.steps)
            case "next_rate":
                speaker.next_rate()
        low, high = settings.rate_range_wpm
        name = level(speaker.rate_wpm, settings.rate_wpm, settings.rate_step_wpm, low, high)
        self.line("audio.rate", language, level=text(f"audio.rate_level.{name}", language))

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


MARKS = {" ": "space", "'": "apostrophe", "-": "hyphen", ".": "period"}
"""Characters a speech engine would not say alone, by their catalog names (`audio.marks`)."""


def _character(character: str, language: str) -> str:
    """A typed character as said: a digit or letter itself, a mark by its name."""
    if character in MARKS:
        return text(f"audio.marks.{MARKS[character]}", language)
    return character
