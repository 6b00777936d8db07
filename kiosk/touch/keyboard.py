"""On-screen keyboards: letters for Indonesian text, a 1-2-3-on-top pad for digits.

Keys only say what was pressed (`on_key(name)`); the app turns that into the
engine's `Type` event, so the same keys work from a physical keypad.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.app import App
from kivy.uix.boxlayout import BoxLayout

from kiosk.touch.theme import LINE_HEIGHT
from kiosk.touch.widgets import KioskButton, fitting_font

LETTERS = ("qwertyuiop", "asdfghjkl", "zxcvbnm'-")
"""The apostrophe and the hyphen of names (Ma'ruf, Abdul-Rahman) are on the letter page."""
SYMBOLS = ("1234567890", "@.,-/()':", '?!&#%+"*_')
"""The symbol page: the same shape as the letter page, key for key."""
PAD = ("123", "456", "789")

BACKSPACE, SHIFT, SPACE, SYMBOL_TOGGLE, CLEAR = "backspace", "shift", "space", "symbols", "clear"
SPACE_KEYS = 6
"""The space bar is as wide as this many keys: the symbol page's key has the rest of its row."""
KEY_LABELS = {
    BACKSPACE: "⌫",
    SHIFT: "⇧",
    SPACE: "spasi",  # ASSUMED understood by English users too: the bar is wide and obvious
    SYMBOL_TOGGLE: "123",
    CLEAR: "C",
}


def apply_key(value: str, key: str, shift: bool) -> str:
    """The entry's value after pressing `key`."""
    if key == BACKSPACE:
        return value[:-1]
    if key == CLEAR:
        return ""
    if key == SPACE:
        return value + " "
    return value + (key.upper() if shift else key)


def starts_a_word(value: str) -> bool:
    """The next letter typed after `value` begins a word."""
    return not value or value.endswith(" ")


class Keyboard(BoxLayout):
    """Letters (with shift and a symbol page) or a numeric pad, sized for unsteady hands.

    The keys are built once; shift and the symbol page only relabel them, so no key
    moves under a finger. With `fixed`, the keyboard's height comes from the window alone
    (`app.layout`): however long the text or the message above it, its keys keep their size
    and place; else it shares its parent's height (the technician's PIN overlay).
    """

    def __init__(
        self, numeric: bool, on_key: Callable[[str], None], fixed: bool = False, **kwargs
    ) -> None:
        super().__init__(orientation="vertical", **kwargs)
        self.fixed = fixed
        self.numeric = numeric
        self.on_key = on_key
        self.shift = False
        self.symbols = False
        self.capitals = False
        """Names: each word begins with a capital (shift comes on by itself; a tap turns it
        off for a "bin" or a "van")."""
        self._followed = False
        self._keys: list[tuple[KioskButton, int, int]] = []
        """Each letter key with its row and column, to relabel it."""
        self._rows: list[BoxLayout] = []
        self._build()
        app = App.get_running_app()
        app.bind(layout=self._size)
        self.bind(width=self._size)
        self._size()

    def _layout(self) -> list[list[str]]:
        if self.numeric:
            return [list(row) for row in PAD] + [[CLEAR, "0", BACKSPACE]]
        rows = [list(row) for row in (SYMBOLS if self.symbols else LETTERS)]
        rows[1].append(BACKSPACE)
        rows[2] = [SHIFT, *rows[2]]
        rows.append([SYMBOL_TOGGLE, SPACE])
        return rows

    def _build(self) -> None:
        for row_number, keys in enumerate(self._layout()):
            row = BoxLayout()
            for column, key in enumerate(keys):
                button = KioskButton()
                if key in (BACKSPACE, SHIFT):
                    button.font_name = "DejaVuSans"  # Roboto has no arrow glyphs
                button.size_hint_min_y = 0
                if key == SPACE:
                    button.size_hint_x = SPACE_KEYS
                button.bind(on_release=lambda pressed, at=(row_number, column): self._pressed(at))
                self._keys.append((button, row_number, column))
                row.add_widget(button)
            self._rows.append(row)
            self.add_widget(row)
        self._relabel()

    def _size(self, *_args) -> None:
        """Keys as tall as the layout says, the keyboard no wider than a hand's reach; a label
        no taller than its key (larger text on a short panel keeps the keys' size)."""
        app = App.get_running_app()
        layout = app.layout
        if self.fixed:
            self.size_hint_y, self.height = None, layout["keyboard"]
        self.spacing = layout["key_gap"]
        widest = layout["pad_width"] if self.numeric else layout["keyboard_width"]
        side = max(0, (self.width - widest) / 2)
        self.padding = (side, 0)
        for row in self._rows:
            row.spacing = layout["key_gap"]
        font = min(app.sizes["key"], int((layout["key"] - 2 * layout["thin"]) / LINE_HEIGHT))
        # The symbol page's key says "123" or "abc": in a font that fits its width (larger
        # text on a narrow panel), the other keys keep theirs.
        row = self.width - 2 * side - layout["key_gap"]
        inside = row / (1 + SPACE_KEYS) - 2 * layout["pad"]
        toggle = min(fitting_font(label, inside, layout["key"], font, app.sizes["least"])
                     for label in (KEY_LABELS[SYMBOL_TOGGLE], "abc"))  # fmt: skip
        for button, _row, _column in self._keys:
            button.font_size = toggle if button.name == f"key:{SYMBOL_TOGGLE}" else font

    def follow(self, value: str) -> None:
        """The entry now holds `value`: with `capitals`, shift comes on at a word's start."""
        self._followed = True
        self.shift = self.capitals and starts_a_word(value)
        self._relabel()

    def _relabel(self) -> None:
        layout = self._layout()
        for button, row, column in self._keys:
            key = layout[row][column]
            button.name = f"key:{key}"
            label = KEY_LABELS.get(key, key.upper() if self.shift else key)
            button.text = "abc" if key == SYMBOL_TOGGLE and self.symbols else label
            button.state = "down" if key == SHIFT and self.shift else "normal"

    def _pressed(self, at: tuple[int, int]) -> None:
        key = self._layout()[at[0]][at[1]]
        if key == SHIFT:
            self.shift = not self.shift
        elif key == SYMBOL_TOGGLE:
            self.symbols = not self.symbols
        else:
            self._followed = False
            self.on_key(key)  # the app reads `shift`; the view it shows may `follow`
            if not self._followed:
                self.shift = False  # one capital, as on a phone
        self._relabel()
