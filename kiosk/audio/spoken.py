"""What a citizen may say on a screen, and which keypad key each answer stands for.

The dialog's view gives the choices; the commands (ya, ulangi, kembali, bantuan, batal)
come from the catalog, in the session's language. Digits for a numeric entry are number
words, parsed with `voice.numbers.parse_digits`.
"""

from __future__ import annotations

from kiosk.audio.wording import choice_key
from kiosk.engine.view import View
from kiosk.i18n import text
from voice.numbers import UNITS

COMMANDS = {"yes": "ENTER", "repeat": "REPEAT", "back": "BACK", "help": "HELP", "cancel": "CANCEL"}
NUMBER_WORDS = (*UNITS, "kosong", "sepuluh", "sebelas", "belas", "puluh", "seratus", "ratus")


def accepted(view: View) -> dict[str, str]:
    """Phrase -> key: every choice by its name, and the commands."""
    phrases = {text(f"voice.{word}", view.language): key for word, key in COMMANDS.items()}
    for index, choice in enumerate(view.choices):
        key = choice_key(index)
        if key:
            phrases[choice.label.lower()] = key
    return phrases


def grammar(view: View) -> list[str]:
    """The phrases the recogniser listens for on this screen."""
    phrases = list(accepted(view))
    if view.entry is not None and view.entry.numeric:
        phrases += NUMBER_WORDS
    return phrases
