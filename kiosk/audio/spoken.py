"""What a citizen may say on a screen, and which keypad key each answer stands for.

The dialog's view gives the choices; the commands (ya, ulangi, kembali, bantuan, batal)
come from the catalog, in the session's language. Digits for a numeric entry are number
words, parsed with `voice.numbers.parse_digits`.
"""

from __future__ import annotations

from kiosk.audio import pages
from kiosk.engine.view import View
from kiosk.i18n import text
from voice.numbers import UNITS

COMMANDS = {"yes": "ENTER", "repeat": "REPEAT", "back": "BACK", "help": "HELP", "cancel": "CANCEL"}
NUMBER_WORDS = (*UNITS, "kosong", "sepuluh", "sebelas", "belas", "puluh", "seratus", "ratus")


def accepted(view: View, page: int = 0) -> dict[str, str]:
    """Phrase -> key: every choice a digit picks (of a long list, those on `page`) by its
    name, and the commands."""
    phrases = {text(f"voice.{word}", view.language): key for word, key in COMMANDS.items()}
    for index in pages.on_page(view, page):
        key = pages.key_of(view, index)
        if key:
            phrases[view.choices[index].label.lower()] = key
    return phrases


def grammar(view: View, page: int = 0) -> list[str]:
    """The phrases the recogniser listens for on this screen (of a long list, on `page`)."""
    phrases = list(accepted(view, page))
    if view.entry is not None and view.entry.numeric:
        phrases += NUMBER_WORDS
    return phrases
