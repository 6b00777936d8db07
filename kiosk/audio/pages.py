"""Which digit picks which choice, and long lists a page at a time.

A list of up to ten choices is one page, as it always was (0 picks the tenth: a category
list of ten stays whole rather than leave one choice alone on a second page). A longer list
to choose from is read in numbered pages of nine: digits 1-9 choose on the page, 0 turns to
the next one, from the last back to the first.
"""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.engine.screens import LEAVE_TO_STAFF
from kiosk.engine.view import Choice, ScreenKind, View
from kiosk.folding import folded

DIGIT_KEYS = "1234567890"
"""The choice a digit key picks on a list that is not paged: 1 is the first, 0 the tenth."""
PAGE_SIZE = 9
"""Choices a page holds: one digit each, 1 to 9 (0 turns the page)."""
NEXT_PAGE_KEY = "0"


def is_paged(view: View) -> bool:
    """A list too long to hear in one breath: read a page at a time."""
    return view.kind is ScreenKind.CHOICE and len(view.choices) > len(DIGIT_KEYS)


def head(view: View) -> int:
    """How many choices of a long list are read on arrival: where the list offers a
    suggestion and a way to skip it (the agency), those two; the whole list is one key (0)
    away. Else every choice of the page."""
    first_ids = [choice.id for choice in view.choices[:2]]
    if is_paged(view) and LEAVE_TO_STAFF in first_ids:
        return first_ids.index(LEAVE_TO_STAFF) + 1
    return len(on_page(view, 0))


def page_count(view: View) -> int:
    return max(1, -(-len(view.choices) // PAGE_SIZE)) if is_paged(view) else 1


def page_of(view: View, index: int) -> int:
    """The page (from 0) the choice at `index` is on."""
    return index // PAGE_SIZE if is_paged(view) else 0


def on_page(view: View, page: int) -> range:
    """The indexes of the choices on `page`."""
    if not is_paged(view):
        return range(len(view.choices))
    start = page * PAGE_SIZE
    return range(start, min(start + PAGE_SIZE, len(view.choices)))


def key_of(view: View, index: int) -> str:
    """The digit that picks the choice at `index` (on its page); "" when none does."""
    if is_paged(view):
        return str(index % PAGE_SIZE + 1)
    return DIGIT_KEYS[index] if index < len(DIGIT_KEYS) else ""


def index_of(view: View, key: str, page: int) -> int | None:
    """The choice digit `key` picks on `page`; None when there is none."""
    if key not in DIGIT_KEYS:
        return None
    index = page * PAGE_SIZE + int(key) - 1 if is_paged(view) else DIGIT_KEYS.index(key)
    return index if index in on_page(view, page) else None


def first_with(letter: str, choices: Sequence[Choice]) -> int | None:
    """The first choice whose name starts with `letter` (no case or accents); None if none."""
    wanted = folded(letter)
    return next(
        (index for index, choice in enumerate(choices) if folded(choice.label)[:1] == wanted),
        None,
    )
