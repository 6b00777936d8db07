"""What a keypad key does on a screen: pure, no sound, no dialog (tested without either).

The audio face asks `key_action` for each key and then carries the answer out: it sends the
dialog the event, changes the entry, or has the speech say or tune something. What the face
remembers between keys is a `KeyState`; `advance` says what an action leaves of it.

Letters come by multi-tap (`multitap`): typed into a text entry, or, on a long list, the first
letter of the choice to jump to, after SEARCH (on a numeric keypad: 0 held) opens the jump.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from kiosk.audio import pages
from kiosk.audio.multitap import LETTER_KEYS, Tap, capitalised, tapped
from kiosk.engine.events import Back, Cancel, Choose, Next
from kiosk.engine.screens import FILING_FLOW
from kiosk.engine.view import ScreenKind, View


@dataclass(frozen=True)
class KeyState:
    """What the face remembers between keys on one screen (a new screen starts afresh)."""

    focus: int = -1
    """The choice UP/DOWN stepped to; -1 before any."""
    help_presses: int = 0
    """HELP pressed this many times in a row, this press included (the second says more)."""
    page: int = 0
    """The page of a long list (from 0)."""
    tap: Tap | None = None
    """The letter being multi-tapped, until a pause or another key ends it."""
    spelling: bool = False
    """The digit keys type the first letter to jump to on a long list."""
    read_back: bool = False
    """ENTER read the typed text back: ENTER again goes on."""
    cancelling: bool = False
    """CANCEL or HOME asked whether to drop the report: ENTER (or either again) drops it."""
    answer: int = -1
    """The agency answer of a follow-up said last (from 0, the newest); -1 before any."""
    whole_page: bool = False
    """The first page of a list read short on arrival (the agency's suggestion and skip) has
    since been read whole."""


@dataclass(frozen=True)
class SendEvent:
    """The dialog is sent `event` and moves on; the face then says where it is."""

    event: Choose | Next | Back | Cancel


@dataclass(frozen=True)
class ChangeEntry:
    """The entry becomes `value`: `typed` is the character added (said), `deleted` the one
    removed; `tap` the letter still being multi-tapped (the next tap of its key changes it)."""

    value: str
    typed: str
    deleted: str = ""
    tap: Tap | None = None


@dataclass(frozen=True)
class Focus:
    """UP or DOWN stepped to the choice at `index`, which is said (its page becomes the page);
    `wrapped` when it went past an end of the list to the other (said so)."""

    index: int
    wrapped: bool = False


@dataclass(frozen=True)
class TurnPage:
    """0 on a long list: `page` is read; `wrapped` when it went from the last back to the first."""

    page: int
    wrapped: bool = False


@dataclass(frozen=True)
class Spell:
    """The letter jump: `tap` the letter tapped so far, said; None when the jump opens (how
    it works is said)."""

    tap: Tap | None = None


@dataclass(frozen=True)
class Jump:
    """The letter jump ends on `letter`: the list goes to the page of the choice at `index`,
    the first with that letter; None when no choice starts with it (the jump stays open)."""

    letter: str
    index: int | None


@dataclass(frozen=True)
class ReadBack:
    """ENTER on typed text: the text is said back for confirmation; ENTER again goes on."""


@dataclass(frozen=True)
class ReadAnswer:
    """A follow-up's agency answer at `index` (from 0, the newest) is said."""

    index: int


@dataclass(frozen=True)
class AskCancel:
    """CANCEL or HOME while a report is being filed: asked first, nothing dropped yet."""


@dataclass(frozen=True)
class Speak:
    """Words about the screen, which stays as it is."""

    what: Literal[
        "screen",
        "help",
        "more_help",
        "nothing_to_delete",
        "spelling_ended",
        "no_search",
        "not_cancelled",
        "code_slowly",
    ]


@dataclass(frozen=True)
class Tune:
    """The voice changes: `volume` or `rate` by `steps`, or `next_rate` (one key for the rate)."""

    setting: Literal["volume", "rate", "next_rate"]
    steps: int = 0


KeyAction = (
    SendEvent
    | ChangeEntry
    | Focus
    | TurnPage
    | Spell
    | Jump
    | ReadBack
    | ReadAnswer
    | AskCancel
    | Speak
    | Tune
)

FIXED: dict[str, KeyAction] = {
    "BACK": SendEvent(Back()),
    "LEFT": SendEvent(Back()),
    "CANCEL": SendEvent(Cancel()),
    "HOME": SendEvent(Cancel()),
    "REPEAT": Speak("screen"),
    "VOL_UP": Tune("volume", 1),
    "VOL_DOWN": Tune("volume", -1),
    "RATE_UP": Tune("rate", 1),
    "RATE_DOWN": Tune("rate", -1),
    "RATE": Tune("next_rate"),
}
"""Keys that do the same on every screen."""

CODE_KEY = "0"
"""On the receipt and a follow-up: the receipt code once more, slowly, group by group."""
ANSWER_KEY = "3"
"""On a follow-up: the agencies' answers, one at a time, newest first."""
STEPS = {"UP": -1, "DOWN": 1}
CANCELLING_KEYS = ("ENTER", "CANCEL", "HOME")
"""Keys that confirm dropping the report once asked."""


def key_action(key: str, view: View, state: KeyState, now: float = 0.0) -> KeyAction | None:
    """What `key` does on `view`, given what the face remembers; None when it does nothing.

    `now` (the face's clock, in seconds) times the letters tapped: a pause ends a letter.
    """
    if state.cancelling:
        return SendEvent(Cancel()) if key in CANCELLING_KEYS else Speak("not_cancelled")
    if key in ("CANCEL", "HOME") and view.screen in FILING_FLOW:
        return AskCancel()
    if key in FIXED:
        return FIXED[key]
    if state.spelling and (spelled := _spelling(key, view, state, now)) is not None:
        return spelled
    if key.isdigit():
        return _digit(key, view, state, now)
    if key in STEPS:
        return _step(STEPS[key], view, state) if view.choices else Speak("screen")
    match key:
        case "ENTER" if view.kind is ScreenKind.REVIEW:  # sends, whatever was browsed
            return SendEvent(Next())
        case "ENTER":
            if 0 <= state.focus < len(view.choices):
                return SendEvent(Choose(view.choices[state.focus].id))
            if _spelled_entry(view) and view.entry.value and not state.read_back:
                return ReadBack()
            return SendEvent(Next()) if view.can_go_next else Speak("screen")
        case "RIGHT":
            return SendEvent(Next()) if view.can_go_next else None
        case "CLEAR":
            entry = view.entry
            if entry is None or not entry.value:
                return Speak("nothing_to_delete")
            return ChangeEntry(entry.value[:-1], "", deleted=entry.value[-1])
        case "HELP":
            return Speak("more_help" if state.help_presses > 1 else "help")
        case "SEARCH" if pages.is_paged(view):
            return Spell()
        case "SEARCH" if view.entry is not None:
            # On a plain keypad SEARCH is 0 held: a slow press while typing is still a 0.
            return key_action("0", view, state, now)
        case "SEARCH":
            return Speak("no_search")
    return None


def letter_ended(view: View, state: KeyState) -> Jump | None:
    """The letter being tapped ended (a pause, or ENTER): in the letter jump, where it goes."""
    if not state.spelling or state.tap is None:
        return None
    letter = state.tap.letter
    return Jump(letter, pages.first_with(letter, view.choices))


def advance(state: KeyState, action: KeyAction | None, view: View) -> KeyState:
    """What the face remembers after `action` on `view`: a letter being tapped, the letter
    jump, typed text read back and the question whether to cancel last only while their own
    keys go on; turning the voice changes nothing."""
    kept = replace(state, tap=None, spelling=False, read_back=False, cancelling=False)
    match action:
        case Tune():
            return state
        case Focus(index):
            return replace(kept, focus=index, page=pages.page_of(view, index))
        case TurnPage(page):
            return replace(kept, focus=-1, page=page, whole_page=True)
        case Spell(tap):
            return replace(kept, tap=tap, spelling=True)
        case Jump(_, None):
            return replace(kept, spelling=True)
        case Jump(_, index):
            return replace(kept, focus=index, page=pages.page_of(view, index))
        case ChangeEntry(tap=tap):
            return replace(kept, tap=tap)
        case ReadBack():
            return replace(kept, read_back=True)
        case AskCancel():
            return replace(kept, cancelling=True)
        case ReadAnswer(index):
            return replace(kept, answer=index)
        case Speak("screen"):  # the screen as on arrival: a list read short is short again
            return replace(kept, whole_page=False)
    return kept


def _step(step: int, view: View, state: KeyState) -> Focus:
    """UP or DOWN: the next choice; before any, the first of the page heard (DOWN) or the one
    before it (UP). Past an end of the list, the other end."""
    if state.focus < 0:
        first = pages.on_page(view, state.page).start
        target = first if step > 0 else first - 1
    else:
        target = state.focus + step
    count = len(view.choices)
    return Focus(target % count, wrapped=state.focus >= 0 and not 0 <= target < count)


def _spelled_entry(view: View) -> bool:
    """A text entry: the keypad types letters into it by multi-tap."""
    return view.entry is not None and view.entry.kind == "text"


def _spelling(key: str, view: View, state: KeyState, now: float) -> KeyAction | None:
    """A key in the letter jump; None for a key that ends it and does what it always does."""
    if key in LETTER_KEYS:
        return Spell(tapped(key, state.tap, now))
    if key == "ENTER":
        return letter_ended(view, state) or Spell()
    if key.isdigit():  # no letters on it: how the jump works, once more
        return Spell()
    if key in ("CLEAR", "SEARCH"):
        return Speak("spelling_ended")
    return None


def _digit(key: str, view: View, state: KeyState, now: float) -> KeyAction | None:
    """A letter or digit typed into an entry; elsewhere the choice of that number (on a long
    list, on its page; 0 turns the page)."""
    entry = view.entry
    if entry is not None and _spelled_entry(view):
        tap = tapped(key, state.tap, now)
        before = entry.value[:-1] if tap.times > 1 else entry.value
        letter = capitalised(before, tap.letter)
        return ChangeEntry(before + letter, letter, tap=tap)
    if entry is not None:
        return ChangeEntry(entry.value + key, key)
    if key == CODE_KEY and view.code and view.kind in (ScreenKind.RECEIPT, ScreenKind.STATUS):
        return Speak("code_slowly")
    answers = len(view.lines) - 1  # a follow-up's lines: its status, then the agencies' answers
    if key == ANSWER_KEY and view.kind is ScreenKind.STATUS and answers > 0:
        return ReadAnswer((state.answer + 1) % answers)
    if pages.is_paged(view) and key == pages.NEXT_PAGE_KEY:
        if state.page == 0 and not state.whole_page and pages.head(view) < pages.PAGE_SIZE:
            return TurnPage(0)  # the list read short on arrival: now its first page, whole
        last = pages.page_count(view) - 1
        return TurnPage(0, wrapped=True) if state.page >= last else TurnPage(state.page + 1)
    index = pages.index_of(view, key, state.page)
    return None if index is None else SendEvent(Choose(view.choices[index].id))
