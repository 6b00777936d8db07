"""Widgets of the touch face. Their look is in `layouts/*.kv`; here is only behaviour."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from time import time

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Rectangle
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.widget import Widget
from kivy.utils import escape_markup as escape

from kiosk.engine.view import Choice, Entry, View
from kiosk.folding import folded
from kiosk.receipt import format_code
from kiosk.touch.theme import ENTRY_LINES, line_height

PRESSED_ON = "kiosk.pressed_on"
"""A touch's note of the screen (the guard's count) its button was pressed on."""


class KioskButton(Button):
    name = StringProperty("")
    """A stable name (`choice:pengaduan`, `nav:next`, `key:a`) for tests and the audio face."""
    main = BooleanProperty(False)
    """The main action (Lanjut, Kirim laporan): in the accent colour, pressed or not."""

    def on_touch_down(self, touch) -> bool:
        """A touch the guard refuses (the screen is settling, a copy of a touch) is ignored
        wholly: no press colour, no action, nothing under it reached."""
        if not self.collide_point(*touch.pos) or self.disabled:
            return super().on_touch_down(touch)
        app = App.get_running_app()
        guard = app.touch_guard
        if not guard.accepts(time() - touch.time_start, self.to_window(*touch.pos), touch.device):
            return True
        if not app.touched(self):
            return True  # the first touch in an audio session only says the label
        touch.ud[PRESSED_ON] = guard.screens
        return super().on_touch_down(touch)

    def on_touch_up(self, touch) -> bool:
        """A press made before the screen changed does nothing when the finger lifts: the
        button is gone, or under an overlay (a list passes a tap on a moment late)."""
        screens = App.get_running_app().touch_guard.screens
        if touch.grab_current is self and touch.ud.get(PRESSED_ON, screens) != screens:
            touch.ungrab(self)
            self.state = "normal"
            return True
        return super().on_touch_up(touch)


class ChoiceButton(KioskButton):
    """A choice: as tall as its label needs (never under a touch target's height)."""


class LetterButton(KioskButton):
    """A letter of the alphabet index (`letter:C`): it scrolls the list, it chooses nothing."""


class KioskRoot(BoxLayout):
    has_error = BooleanProperty(False)
    blanked = BooleanProperty(False)
    """Privacy in an audio session: the screen is black (touches still reach the buttons)."""
    status_hidden = BooleanProperty(False)
    """A short panel's status line gives its room to the filing (see theme.Layout)."""
    progress_in_header = BooleanProperty(False)

    def place_progress(self, in_header: bool) -> None:
        """The step ("Langkah 3 dari 6") in the header, after the title (a short panel), or at
        the end of the status line."""
        progress, header = self.ids.progress, self.ids.header
        place = header if in_header else self.ids.status_bar
        if progress.parent is not place:
            progress.parent.remove_widget(progress)
            place.add_widget(progress, index=len(header.children) - 1 if in_header else 0)
        self.progress_in_header = in_header


FONT_STEP = 2
"""How much smaller each try of a fitting label's text is, in pixels."""


@lru_cache(maxsize=4096)
def text_width(text: str, font_size: float, bold: bool = False) -> int:
    """The width of `text` on one line in the kiosk's font (the same words come again and
    again: labels, prompts, names)."""
    return _measurer(font_size, bold).get_extents(text)[0]


@lru_cache(maxsize=64)
def _measurer(font_size: float, bold: bool) -> CoreLabel:
    return CoreLabel(font_size=font_size, bold=bold, font_name="Roboto")


def fitting_font(text: str, width: float, room: float, largest: float, smallest: float,
                 bold: bool = False) -> float:  # fmt: skip
    """The largest font size from `largest` down to `smallest` at which `text` fits `width`
    in as many lines as `room` (a height) holds, no word cut; `smallest` when none does."""
    words = text.split() or [""]
    size = largest
    while size > smallest:
        lines = int(room // line_height(size))
        # Wrapping leaves the ends of lines empty: a tenth of each line is kept for that.
        usable = width * lines * (0.9 if lines > 1 else 1)
        longest = max(text_width(word, size, bold) for word in words)
        if lines and longest <= width and text_width(text, size, bold) <= usable:
            return size
        size -= FONT_STEP
    return smallest


class FittingLabel(Label):
    """Text as large as `largest` where it fits the label's width within `room` (a height),
    else smaller down to `smallest`; below that it wraps onto more lines. The label is as
    tall as its text."""

    largest = NumericProperty(0)
    smallest = NumericProperty(0)
    room = NumericProperty(0)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._fit_soon = Clock.create_trigger(self._fit, -1)  # before the next frame
        self.bind(width=self._fit_soon, largest=self._fit_soon, smallest=self._fit_soon,
                  room=self._fit_soon)  # fmt: skip
        self.bind(text=self._fit)  # at once: its texture is made once, in the right size
        self.bind(texture_size=self._follow_text)

    def _fit(self, *_args) -> None:
        width = max(1.0, self.width - self.padding[0] - self.padding[2])
        self.text_size = (width, None)
        largest = max(self.largest, self.smallest)
        room = self.room or line_height(self.smallest)
        self.font_size = fitting_font(self.text, width, room, largest, self.smallest, self.bold)

    def _follow_text(self, _label, size) -> None:
        self.height = size[1]


NAME_LENGTH = 24
"""A choice label this short is a name: names go in as many columns as fit."""
INDEXED_OVER = 12
"""A list of more names than this (four rows of three, more than the panel shows at once) gets
an alphabet index."""
LABEL_LINES = 2
"""A choice's label takes at most this many lines: the columns are as many as allow it."""


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
    """The choices in a scrolling grid, in as many columns as their labels fit; above a long
    list of names, its alphabet index; beside a list longer than the screen, where the list
    stands and two buttons that page it (▲ ▼): a list never hides that it goes on."""

    columns = NumericProperty(1)
    letter_height = NumericProperty(0)
    """The height of the index's letters; 0 without an index."""
    letter_width = NumericProperty(0)
    """The narrowest a letter of the index may be."""
    overflows = BooleanProperty(False)
    """The screen shows only part of the list: the pager beside it shows."""
    in_a_row = BooleanProperty(False)
    """All the choices in one row (under a receipt or a status): no pager."""
    has_pager = BooleanProperty(False)
    at_top = BooleanProperty(True)
    at_end = BooleanProperty(True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._widths: list[tuple[int, int, int]] = []
        """Each choice's label on one line, its longest word and its hint's longest word."""
        self._most_columns = 1
        self._fit_soon = Clock.create_trigger(self._fit_columns, -1)  # before the next frame
        self.bind(width=self._fit_soon)
        # A frame late: the list is first laid out (a new one is 100 px wide for a moment).
        follow_soon = Clock.create_trigger(self._follow_scroll)
        scroll, grid = self.ids.scroll, self.ids.grid
        for widget in (scroll, grid):
            widget.bind(height=follow_soon)
        scroll.bind(scroll_y=follow_soon)

    def show(
        self, choices: tuple[Choice, ...], on_choose: Callable[[str], None], in_a_row: bool = False
    ) -> None:
        """Names (kecamatan, kelurahan) in up to three columns with an alphabet index above
        when they are many, many short choices in up to two, long ones in one, or all in one
        row; fewer columns where the labels need it."""
        app = App.get_running_app()
        grid = self.ids.grid
        grid.clear_widgets()
        many_short = len(choices) > 4 and all(len(choice.hint) < 30 for choice in choices)
        many_names = len(choices) > 6 and all(
            len(choice.label) <= NAME_LENGTH and not choice.hint for choice in choices
        )
        self.in_a_row = in_a_row
        self._most_columns = (
            len(choices) if in_a_row else 3 if many_names else 2 if many_short else 1
        )
        if in_a_row:
            self.size_hint_y = None
            grid.bind(height=self.setter("height"))
        body = app.sizes["body"]
        buttons = []
        for choice in choices:
            label = f"[b]{escape(choice.label)}[/b]"
            if choice.hint:  # (not smaller: Kivy wraps a [size] part as if it were not)
                label += f"\n{escape(choice.hint)}"
            button = ChoiceButton(text=label, name=f"choice:{choice.id}")
            button.bind(on_release=lambda _button, choice_id=choice.id: on_choose(choice_id))
            grid.add_widget(button)
            buttons.append(button)
        self._widths = [
            (
                text_width(choice.label, body, bold=True),
                longest_word_width(choice.label, body, bold=True),
                longest_word_width(choice.hint, body),
            )
            for choice in choices
        ]
        self._fit_columns()
        indexed = many_names and not in_a_row and len(choices) > INDEXED_OVER
        self._show_index(index_letters(choices) if indexed else {}, buttons)
        self.ids.scroll.scroll_y = 1

    def _fit_columns(self, *_args) -> None:
        """As many columns (up to the list's kind) as keep every label on `LABEL_LINES` lines
        with no word wider than its button."""
        if self.in_a_row:
            self.columns = self._most_columns
            return
        layout = App.get_running_app().layout
        width = self.width - layout["target"] - layout["gap"]  # the pager's room
        for columns in range(self._most_columns, 1, -1):
            inside = (width - (columns - 1) * layout["gap"]) / columns - 2 * layout["pad"]
            if all(
                label <= inside * LABEL_LINES * 0.9 and max(word, hint) <= inside
                for label, word, hint in self._widths
            ):
                self.columns = columns
                return
        self.columns = 1

    def _follow_scroll(self, *_args) -> None:
        scroll, grid = self.ids.scroll, self.ids.grid
        self.overflows = not self.in_a_row and grid.height > scroll.height + 1
        self.at_top = not self.overflows or scroll.scroll_y >= 0.999
        self.at_end = not self.overflows or scroll.scroll_y <= 0.001
        if self.overflows and not self.has_pager:
            self.ids.beside.add_widget(Pager(choices=self, scroll=scroll))
            self.has_pager = True

    def page(self, direction: int) -> None:
        """Scroll a screenful on (1) or back (-1), keeping the last row seen in sight."""
        scroll, grid = self.ids.scroll, self.ids.grid
        hidden = grid.height - scroll.height
        if hidden > 0:
            step = max(scroll.height - App.get_running_app().layout["row"], 1) / hidden
            scroll.scroll_y = min(1.0, max(0.0, scroll.scroll_y - direction * step))

    def _show_index(self, letters: dict[str, int], buttons: list[KioskButton]) -> None:
        app = App.get_running_app()
        index = self.ids.index
        index.clear_widgets()
        self.letter_width = app.layout["target"]
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


class Pager(BoxLayout):
    """Beside a list longer than the screen: where the list stands (a bar), and two buttons
    (▲ ▼) that scroll it a screenful back or on."""

    choices = ObjectProperty(None)
    scroll = ObjectProperty(None)


def longest_word_width(text: str, font_size: float, bold: bool = False) -> int:
    """The width of `text`'s widest word: the least a box may be wide with no word cut."""
    return max((text_width(word, font_size, bold) for word in text.split()), default=0)


COUNTER_SHARE = 0.25
"""The counter ("16 dari 150 huruf") takes at most this share of the text box, else it is
shortened to its numbers ("16/150")."""


class EntryBox(BoxLayout):
    """The value being typed, with a counter, and above it what is wrong with it; the
    keyboard below it is added by the app. It takes the body's room above the keyboard, its
    box and error at the top of it (the keyboard stays at the bottom, however tall the text).

    The box is as tall as the text up to `most` (a few lines, fewer where the keyboard and an
    error leave less room); longer text scrolls inside it, its end (where the next letter
    goes) in sight. An error stands right above the box in the least text, bold, marked with
    a sign besides its colour, and takes its room from the box, never from the keyboard: at
    most what is left above a one-line box (`problem_room`). Where that is too little (a
    short panel, a long prompt), the app shows it in the message band instead."""

    most = NumericProperty(0)
    """The tallest the box may get: what the keyboard and the error leave, in whole lines."""
    problem_room = NumericProperty(0)
    """The most the error may take: what the keyboard leaves above a box of one line."""
    error = StringProperty("")
    overflows = BooleanProperty(False)
    """The error has no room above the box, even in the least text."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._counters = ("", "")
        """The counter in words and in numbers only."""
        self._body: Widget | None = None

    def on_parent(self, _box, body: Widget | None) -> None:
        """In the body: the box fits the room the keyboard leaves there, as the body changes."""
        if self._body is not None:
            self._body.unbind(height=self._fit)
        self._body = body
        if body is not None:
            body.bind(height=self._fit)
            self._fit()

    def on_kv_post(self, _base) -> None:
        self.ids.problem_row.bind(height=self._fit)
        self.bind(error=self._place_error)

    def _place_error(self, *_args) -> None:
        """Above the box where it fits beside its sign, measured as they will be drawn; else
        `overflows`. Decided once for each error, in the room the prompt leaves: an error in
        the band changes that room, and must not move the error back and forth. (A screen
        redrawn with its error, in larger text or a new window size, shows it in the band.)"""
        if not self.error:
            self.overflows = False
            return
        sign, words = self.ids.sign, self.ids.problem
        sign_size = _drawn_size(sign.text, sign.font_name, sign.font_size, None)
        width = max(1, self.width - sign_size[0] - self.ids.problem_row.spacing)
        height = _drawn_size(self.error, words.font_name, words.font_size, width)[1]
        self.overflows = max(height, sign_size[1]) + self.ids.problem_row.padding[3] > (
            self.problem_room
        )

    def _fit(self, *_args) -> None:
        """Whole lines only, what the keyboard below (its height fixed by the layout), the
        error above and the gaps leave, up to `ENTRY_LINES`."""
        if self._body is None:
            return
        layout, body = App.get_running_app().layout, self._body
        room = body.height - body.padding[1] - body.padding[3] - body.spacing
        room -= layout["keyboard"] + 2 * layout["thin"]  # the keyboard; the box's own edges
        self.problem_room = max(0, room - layout["line"])  # (a gap under the error included)
        lines = (room - self.ids.problem_row.height) // layout["line"]
        self.most = max(1, min(ENTRY_LINES, lines)) * layout["line"]

    def show(self, view: View) -> None:
        """The entry of `view`, and its error above the box where it fits (`overflows`): the
        message band keeps the prompt."""
        from kiosk.i18n import text

        entry, language = view.entry, view.language
        self.error = view.error
        value = "•" * len(entry.value) if entry.masked else display_value(entry)
        self.ids.value.text = value + "_"
        self._counters = ("", "")
        if entry.kind in ("text", "multiline"):
            count, maximum = len(entry.value), entry.max_length
            words = text("ui.characters", language, count=count, maximum=maximum)
            self._counters = (words, f"{count}/{maximum}")
        self._fit_counter()
        Clock.schedule_once(self._show_end)

    def on_width(self, *_args) -> None:
        self._fit_counter()

    def _fit_counter(self) -> None:
        """The counter in words where they take little of the box, else only its numbers."""
        words, numbers = self._counters
        counter = self.ids.counter
        short = text_width(words, counter.font_size) > self.width * COUNTER_SHARE
        counter.text = numbers if short else words

    def _show_end(self, *_args) -> None:
        self.ids.scroll.scroll_y = 0


def _drawn_size(
    text: str, font_name: str, font_size: float, width: float | None
) -> tuple[int, int]:
    """The size of `text` drawn in bold, wrapped at `width` (None: on one line)."""
    label = CoreLabel(text=text, font_name=font_name, font_size=font_size, bold=True,
                      text_size=(width, None))  # fmt: skip
    label.refresh()
    return label.texture.size


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

    def on_pos(self, *_args) -> None:
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
        left = round(self.x + (self.width - cell * modules) / 2)
        top = round(self.y + (self.height + cell * modules) / 2)
        # Each module's edges on whole pixels: a small code stays sharp (modules of one or two
        # pixels, never a grey blur between two), so that a camera reads it.
        edges = [round(number * cell) for number in range(modules + 1)]
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(pos=(left, top - edges[-1]), size=(edges[-1], edges[-1]))
            Color(0, 0, 0, 1)
            for row, cells in enumerate(matrix):
                for column, dark in enumerate(cells):
                    if dark:
                        x, y = left + edges[column], top - edges[row + 1]
                        width = edges[column + 1] - edges[column]
                        Rectangle(pos=(x, y), size=(width, edges[row + 1] - edges[row]))


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
