"""What a citizen may say on a screen, and what each answer stands for.

The dialog's view gives the choices; the commands (ya, tidak, ulangi, kembali, bantuan,
batal) come from the catalog, in the session's language. Digits for a numeric entry are
number words, parsed with `voice.numbers.parse_digits`. On a long list every name may be
said, whatever page is being read: the recogniser's grammar holds them all.
"""

from __future__ import annotations

from kiosk.audio import pages
from kiosk.engine.view import View
from kiosk.i18n import text
from voice.numbers import UNITS

COMMANDS = {"yes": "ENTER", "repeat": "REPEAT", "back": "BACK", "help": "HELP", "cancel": "CANCEL"}
NUMBER_WORDS = (*UNITS, "kosong", "sepuluh", "sebelas", "belas", "puluh", "seratus", "ratus")


def commands(view: View) -> dict[str, str]:
    """Phrase -> key of the spoken commands."""
    return {text(f"voice.{word}", view.language): key for word, key in COMMANDS.items()}


def named(view: View) -> dict[str, int]:
    """Phrase -> index of every choice a citizen may pick by its name (on a long list, on
    every page: the name is confirmed before it is taken)."""
    return {
        choice.label.lower(): index
        for index, choice in enumerate(view.choices)
        if pages.is_paged(view) or pages.key_of(view, index)
    }


def grammar(view: View) -> list[str]:
    """The phrases the recogniser listens for on this screen."""
    phrases = [*commands(view), text("voice.no", view.language), *named(view)]
    if view.entry is not None and view.entry.numeric:
        phrases += NUMBER_WORDS
    return phrases
