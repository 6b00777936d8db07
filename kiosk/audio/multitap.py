"""Letters on a phone keypad by multi-tap: 2 is a, 22 b, 222 c; a pause or another key ends
the letter. Plain logic: the face keeps the `Tap` and its clock decides when a pause is over.
"""

from __future__ import annotations

from dataclasses import dataclass

LETTERS = {
    "1": " '-.", "2": "abc", "3": "def", "4": "ghi", "5": "jkl",
    "6": "mno", "7": "pqrs", "8": "tuv", "9": "wxyz", "0": " ",
}  # fmt: skip
"""What each key types, tap after tap (round again after the last). 1 gives a space or the
punctuation of names (Ma'ruf, Nur-Aini, Moh.), 0 a space."""
LETTER_KEYS = "23456789"
"""The keys with letters (a first letter to jump to is one of these)."""
PAUSE_S = 1.0
"""A pause this long ends the letter being tapped."""


@dataclass(frozen=True)
class Tap:
    """The letter being tapped: `key` pressed `times` in a row, the last time at `at`."""

    key: str
    times: int
    at: float

    @property
    def letter(self) -> str:
        letters = LETTERS[self.key]
        return letters[(self.times - 1) % len(letters)]

    def ended(self, now: float) -> bool:
        """A pause long enough ends the letter (the next tap of the key starts a new one)."""
        return now - self.at >= PAUSE_S


def tapped(key: str, tap: Tap | None, now: float) -> Tap:
    """`key` pressed: the same letter once more, or a new letter."""
    if tap is not None and tap.key == key and not tap.ended(now):
        return Tap(key, tap.times + 1, now)
    return Tap(key, 1, now)


def capitalised(value: str, letter: str) -> str:
    """`letter` as typed after `value`: the first letter of each word a capital."""
    return letter.upper() if not value or value.endswith(" ") else letter
