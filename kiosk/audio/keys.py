"""The keys of the tactile keypad, by EZ Access name (what key maps and key scripts use)."""

KEYS = frozenset(
    [*"0123456789", "UP", "DOWN", "LEFT", "RIGHT", "ENTER", "BACK", "CLEAR", "CANCEL",
     "HELP", "HOME", "REPEAT", "VOL_UP", "VOL_DOWN", "RATE_UP", "RATE_DOWN", "RATE", "SEARCH"]
)  # fmt: skip
"""`RATE` steps to the next speaking rate, from the fastest back to the slowest (for keypads
with one key, or one held key, for the rate). `SEARCH` opens the jump by first letter on a
long list (the digit keys then type the letter by multi-tap)."""
