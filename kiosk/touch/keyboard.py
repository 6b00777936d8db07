"""On-screen keyboards: letters for Indonesian text, a 1-2-3-on-top pad for digits.

Keys only say what was pressed (`on_key(name)`); the app turns that into the
engine's `Type` event, so the same keys work from a physical keypad.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.app import App
from kivy.uix.boxlayout import BoxLayout

from kiosk.touch.widgets import KioskButton

LETTERS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
SYMBOLS = ("1234567890", "@.,-/()':", '?!&#%+"')
PAD = ("123", "456", "789")

BACKSPACE, SHIFT, SPACE, SYMBOL_TOGGLE, CLEAR = "backspace", "shift", "space", "symbols", "clear"
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


class Keyboard(BoxLayout):
    """Letters (with shift and a symbol page) or a numeric pad, sized for unsteady hands.

    The keys are built once; shift and the symbol page only relabel them, so no key
    moves under a finger.
    """

    def __init__(self, numeric: bool, on_key: Callable[[str], None], **kwargs) -> None:
        super().__init__(orientation="vertical", spacing=8, **kwargs)
        self.numeric = numeric
        self.on_key = on_key
        self.shift = False
        self.symbols = False
        self._keys: list[tuple[KioskButton, int, int]] = []
        """Each letter key with its row and column, to relabel it."""
        self._build()

    def _layout(self) -> list[list[str]]:
        if self.numeric:
            return [list(row) for row in PAD] + [[CLEAR, "0", BACKSPACE]]
        rows = [list(row) for row in (SYMBOLS if self.symbols else LETTERS)]
        rows[1].append(BACKSPACE)
        rows[2] = [SHIFT, *rows[2]]
        rows.append([SYMBOL_TOGGLE, SPACE])
        return rows

    def _build(self) -> None:
        font = App.get_running_app().sizes["key"]
        for row_number, keys in enumerate(self._layout()):
            row = BoxLayout(spacing=8, padding=(160 if self.numeric else 0, 0))
            for column, key in enumerate(keys):
                button = KioskButton(font_size=font)
                if key in (BACKSPACE, SHIFT):
                    button.font_name = "DejaVuSans"  # Roboto has no arrow glyphs
                button.size_hint_min_y = 0
                if key == SPACE:
                    button.size_hint_x = 6
                button.bind(on_release=lambda pressed, at=(row_number, column): self._pressed(at))
                self._keys.append((button, row_number, column))
                row.add_widget(button)
            self.add_widget(row)
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
            self.on_key(key)
            self.shift = False  # one capital, as on a phone
        self._relabel()
