"""What a keypad key does on a screen: pure, no sound, no dialog (tested without either).

The audio face asks `key_action` for each key and then carries the answer out: it sends the
dialog the event, changes the entry, or has the speech say or tune something.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kiosk.audio.wording import DIGIT_KEYS
from kiosk.engine.events import Back, Cancel, Choose, Next
from kiosk.engine.view import View


@dataclass(frozen=True)
class SendEvent:
    """The dialog is sent `event` and moves on; the face then says where it is."""

    event: Choose | Next | Back | Cancel


@dataclass(frozen=True)
class ChangeEntry:
    """The entry becomes `value`: `typed` is the digit added, "" when the last one was deleted."""

    value: str
    typed: str


@dataclass(frozen=True)
class Focus:
    """UP or DOWN stepped to the choice at `index`, which is said."""

    index: int


@dataclass(frozen=True)
class Speak:
    """Words about the screen, which stays as it is."""

    what: Literal["screen", "help", "more_help", "nothing_to_delete"]


@dataclass(frozen=True)
class Tune:
    """The voice changes: `volume` or `rate` by `steps`, or `next_rate` (one key for the rate)."""

    setting: Literal["volume", "rate", "next_rate"]
    steps: int = 0


KeyAction = SendEvent | ChangeEntry | Focus | Speak | Tune

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

STEPS = {"UP": -1, "DOWN": 1}


def key_action(key: str, view: View, focus: int, help_presses: int) -> KeyAction | None:
    """What `key` does on `view`; None when it does nothing there.

    `focus` is the choice UP/DOWN stepped to (-1 before any), `help_presses` how many times
    HELP was pressed in a row, this press included (the second one gives more detail).
    """
    if key in FIXED:
        return FIXED[key]
    if key.isdigit():
        return _digit(key, view)
    if key in STEPS:
        if not view.choices:
            return Speak("screen")
        return Focus((focus + STEPS[key]) % len(view.choices))
    match key:
        case "ENTER":
            if 0 <= focus < len(view.choices):
                return SendEvent(Choose(view.choices[focus].id))
            return SendEvent(Next()) if view.can_go_next else Speak("screen")
        case "RIGHT":
            return SendEvent(Next()) if view.can_go_next else None
        case "CLEAR":
            entry = view.entry
            if entry is None or not entry.value:
                return Speak("nothing_to_delete")
            return ChangeEntry(entry.value[:-1], "")
        case "HELP":
            return Speak("more_help" if help_presses > 1 else "help")
    return None


def _digit(key: str, view: View) -> KeyAction | None:
    """Typed into an entry; elsewhere the choice of that number, if there is one."""
    if view.entry is not None:
        return ChangeEntry(view.entry.value + key, key)
    index = DIGIT_KEYS.index(key)
    if index < len(view.choices):
        return SendEvent(Choose(view.choices[index].id))
    return None
