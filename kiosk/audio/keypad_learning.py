"""Keypad learning: the technician presses each key when asked; the answers become a key map.

Plain logic (no window): the Kivy learner feeds it key codes and shows what it says.
The keys a plain 17-key numeric keypad has are required; the rest can be skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.audio.keymap import DEFAULT_HOLDS

REQUIRED = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0",
            "ENTER", "CLEAR", "HELP", "REPEAT", "UP", "DOWN")  # fmt: skip
"""Keys the audio face cannot do without (digits, Enter, erase, help, repeat, browse)."""
OPTIONAL = ("BACK", "HOME", "VOL_UP", "VOL_DOWN", "RATE_UP", "RATE_DOWN", "SEARCH")
"""Keys that only a larger keypad has (a plain numeric keypad has no keys left for them)."""
LOCK_AND_MODIFIER_CODES = range(300, 314)
"""Kivy codes of NumLock, CapsLock, Shift, Ctrl, Alt...: never learned. A keypad may send
NumLock by itself, and these keys change how others read rather than act."""


@dataclass
class KeypadLearning:
    codes: dict[int, str] = field(default_factory=dict)
    """Key code -> key name, learned so far."""
    position: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def order(self) -> tuple[str, ...]:
        return REQUIRED + OPTIONAL

    @property
    def done(self) -> bool:
        return self.position >= len(self.order)

    @property
    def asked(self) -> str:
        """The key name asked for now; empty when done."""
        return "" if self.done else self.order[self.position]

    @property
    def can_skip(self) -> bool:
        return self.asked in OPTIONAL

    def press(self, code: int) -> str:
        """A physical key went down; returns "" when learned, else the key it already is."""
        if self.done or code in LOCK_AND_MODIFIER_CODES:
            return ""
        if code in self.codes:
            return self.codes[code]
        self.codes[code] = self.asked
        self.position += 1
        return ""

    def skip(self) -> bool:
        """Leave an optional key out; False for a required one."""
        if not self.can_skip:
            return False
        self.skipped.append(self.asked)
        self.position += 1
        return True

    def holds(self) -> dict[str, str]:
        """Held keys for the functions this keypad has no key for (`DEFAULT_HOLDS`)."""
        learned = set(self.codes.values())
        covered = learned | ({"RATE"} if learned & {"RATE_UP", "RATE_DOWN"} else set())
        return {
            key: held
            for key, held in DEFAULT_HOLDS.items()
            if key in learned and held not in covered
        }

    def as_toml(self) -> str:
        """The key map file, in the form `load_keymap` and `load_holds` read."""
        lines = ["# Learned with `kiosk keypad learn`: key code = key name.\n"]
        lines += [f'{code} = "{name}"\n' for code, name in self.codes.items()]
        if holds := self.holds():
            lines.append("\n# Held for a second, these keys do what this keypad has no keys for.\n")
            lines.append("[hold]\n")
            lines += [f'{key} = "{held}"\n' for key, held in holds.items()]
        return "".join(lines)
