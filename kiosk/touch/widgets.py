"""Widgets of the touch face. Their look is in `layouts/*.kv`; here is only behaviour."""

from __future__ import annotations

import re
from collections.abc import Callable

from kivy.app import App
from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.widget import Widget
from kivy.utils import escape_markup as escape

from kiosk.engine.view import Choice, Entry
from kiosk.folding import folded
from kiosk.receipt import format_code


class KioskButton(Button):
    name = StringProperty("")
    """A stable name (`choice:pengaduan`, `nav:next`, `key:a`) for tests and the audio face."""

    def on_touch_down(self, touch) -> bool:
        app = App.get_running_app()
        if self.collide_point(*touch.pos) and not self.disabled and not app.touched(self):
            return True  # the first touch in an audio session only says the label
        return super().on_touch_down(touch)


class LetterButton(KioskButton):
    """A letter of the alphabet index (`letter:C`): it scrolls the list, it chooses nothing."""


class KioskRoot(BoxLayout):
    has_error = BooleanProperty(False)
    blanked = BooleanProperty(False)
    """Privacy in an audio session: the screen is black (touches still reach the buttons)."""


NAME_LENGTH = 24
"""A choice label this short fits a third of the screen's width on one or two lines."""
INDEXED_OVER = 12
"""A list of more names than this (four rows of three, more than the panel shows at once) gets
an alphabet index."""
LETTER_MM = 9.0
"""The smallest side of a letter of the index: a fingertip's width."""


def index_letters(choices: tuple[Choice, ...]) -> dict[str, int]:
    """Each first letter (no case or accents) of the names in alphabetical order at the head of
    the list, with the position of its first name. What follows that order ("Di luar Kota
    Bandung", last) and names that start with no letter get no letter: they are scrolled to."""
    letters: dict[str, int] = {}
    for position, choice in enumerate(choices):
        first = folded(choice.label)[:1].upper()
        if not ("A" <= first <= "Z"):
            continue
        if letters and first < next(reversed(letters)):
            break  # out of alphabetical order: the names have ended
        letters.setdefault(first, position)
    return letters


class ChoiceList(BoxLayout):
    """The choices in a scrolling grid; above a long list of names, its alphabet index."""

    columns = NumericProperty(1)
    letter_height = NumericProperty(0)
    """The height of the index's letters; 0 without an index."""
    letter_width = NumericProperty(0)
    """The narrowest a letter of the index may be."""

    def show(
        self, choices: tuple[Choice, ...], on_choose: Callable[[str], None], in_a_row: bool = False
    ) -> None:
        """Three columns for a long list of names (kecamatan, kelurahan), with an alphabet index
        above when they are many, two columns for many short choices, one for long ones, or all
        in one row."""
        app = App.get_running_app()
        grid = self.ids.grid
        grid.clear_widgets()
        many_short = len(choices) > 4 and all(len(choice.hint) < 30 for choice in choices)
        many_names = len(choices) > 6 and all(
            len(choice.label) <= NAME_LENGTH and not choice.hint for choice in choices
        )
        self.columns = len(choices) if in_a_row else 3 if many_names else 2 if many_short else 1
        if in_a_row:
            self.size_hint_y = None
            self.height = grid.row_default_height
        small = app.sizes["small"]
        buttons = []
        for choice in choices:
            label = f"[b]{escape(choice.label)}[/b]"
            if choice.hint:
                label += f"\n[size={small}]{escape(choice.hint)}[/size]"
            button = KioskButton(text=label, name=f"choice:{choice.id}")
            button.bind(on_release=lambda _button, choice_id=choice.id: on_choose(choice_id))
            grid.add_widget(button)
            buttons.append(button)
        indexed = many_names and not in_a_row and len(choices) > INDEXED_OVER
        self._show_index(index_letters(choices) if indexed else {}, buttons)
        self.ids.scroll.scroll_y = 1

    def _show_index(self, letters: dict[str, int], buttons: list[KioskButton]) -> None:
        app = App.get_running_app()
        index = self.ids.index
        index.clear_widgets()
        self.letter_width = LETTER_MM * app.kiosk_config.touch.pixels_per_mm
        self.letter_height = max(self.letter_width, app.sizes["small"] * 1.4) if letters else 0
        for letter, position in letters.items():
            button = LetterButton(text=f"[b]{letter}[/b]", name=f"letter:{letter}")
            button.bind(on_release=lambda _button, target=buttons[position]: self.to_top(target))
            index.add_widget(button)

    @staticmethod
    def letter_columns(letters: int, width: float, narrowest: float, spacing: float) -> int:
        """All the letters in one row where they fit at least `narrowest` wide; else in as few
        rows as they need, equally filled (not a lone letter under a full row)."""
        fitting = max(1, int((width + spacing) // max(1.0, narrowest + spacing)))
        rows = max(1, -(-letters // fitting))
        return max(1, -(-letters // rows))

    def to_top(self, button: Widget) -> None:
        """Scroll the grid so that `button`'s row is the first one seen (as near as the end of
        the list allows); nothing is chosen."""
        scroll, grid = self.ids.scroll, self.ids.grid
        hidden = grid.height - scroll.height
        if hidden > 0:
            scroll.scroll_y = min(1.0, max(0.0, 1 - (grid.top - button.top) / hidden))


class EntryBox(BoxLayout):
    """The value being typed, with a counter; the keyboard below it is added by the app."""

    def show(self, entry: Entry, language: str) -> None:
        from kiosk.i18n import text

        value = "•" * len(entry.value) if entry.masked else display_value(entry)
        self.ids.value.text = value + "_"
        if entry.kind in ("text", "multiline"):
            self.ids.counter.text = text(
                "ui.characters", language, count=len(entry.value), maximum=entry.max_length
            )
        else:
            self.ids.counter.text = ""


def display_value(entry: Entry) -> str:
    """Digits grouped as they are printed: codes `0001-234-567-8`, dates `20-11-2026`."""
    value = entry.value
    if entry.kind == "code":
        return format_code(value)
    if entry.kind == "date":
        return "-".join(part for part in (value[0:2], value[2:4], value[4:8]) if part)
    return value


def plain_text(markup: str) -> str:
    """A button's text without Kivy markup, for speech."""
    text = re.sub(r"\[/?[a-z]+(=[^\]]*)?\]", "", markup)
    return text.replace("&bl;", "[").replace("&br;", "]").replace("&amp;", "&").replace("\n", ". ")


class QrCode(Widget):
    """A QR code drawn from rectangles (no image library needed)."""

    data = StringProperty("")

    def on_data(self, *_args) -> None:
        self.redraw()

    def on_size(self, *_args) -> None:
        self.redraw()

    def redraw(self) -> None:
        if self.canvas is None:  # `data` given to the constructor arrives before the canvas
            return
        self.canvas.clear()
        if not self.data:
            return
        import qrcode  # only the receipt needs it (it brings PIL and NumPy along)

        code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
        code.add_data(self.data)
        code.make(fit=True)
        matrix = code.get_matrix()
        modules = len(matrix)
        cell = min(self.width, self.height) / modules
        left = self.x + (self.width - cell * modules) / 2
        top = self.y + (self.height + cell * modules) / 2
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(pos=(left, top - cell * modules), size=(cell * modules, cell * modules))
            Color(0, 0, 0, 1)
            for row, cells in enumerate(matrix):
                for column, dark in enumerate(cells):
                    if dark:
                        Rectangle(
                            pos=(left + column * cell, top - (row + 1) * cell), size=(cell, cell)
                        )


class StatusLabel(Label):
    """The status line; holding it for `hold_s` seconds asks for the technician PIN."""

    hold_s = NumericProperty(3.0)
    name = StringProperty("")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._hold = None

    def on_touch_down(self, touch) -> bool:
        if not self.collide_point(*touch.pos):
            return super().on_touch_down(touch)
        self._hold = Clock.schedule_once(lambda _dt: App.get_running_app().ask_pin(), self.hold_s)
        return True

    def on_touch_up(self, touch) -> bool:
        if self._hold is not None:
            self._hold.cancel()
            self._hold = None
        return super().on_touch_up(touch)


class InfoOverlay(ModalView):
    """A message with one button (help, time-out warning)."""

    def present(self, message: str, button: str, name: str, on_press: Callable[[], None]) -> None:
        self.ids.message.text = message
        self.ids.button.text = button
        self.ids.button.name = name
        self.ids.button.unbind(on_release=self._pressed)
        self._on_press = on_press
        self.ids.button.bind(on_release=self._pressed)
        if not self._window:
            self.open(animation=False)

    def _pressed(self, *_args) -> None:
        self.dismiss(animation=False)
        self._on_press()
