"""The review as "check your answers": a row an answer with its label, its value in full and
an "Ubah" button at the right; "Kirim laporan" (the bottom bar's main action) comes after.

The look is in `layouts/kiosk.kv` (`<ReviewRow>`; the list is a `ChoiceList` and takes its
rule: the same scrolling grid, the same pager beside it when the answers go on below).
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.app import App
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.engine.view import Choice
from kiosk.touch.widgets import ChoiceList, longest_word_width, text_width


class ReviewRow(BoxLayout):
    """One answer. Only its button (`choice:<screen>`, the name the review's choice has for
    the tests and the audio face) acts: the row itself is not a button."""

    label = StringProperty("")
    value = StringProperty("")
    """The answer, wrapped over as many lines as it needs (never cut)."""
    screen = StringProperty("")
    """The screen that asked for the answer, the one its button opens."""
    change_label = StringProperty("")
    label_width = NumericProperty(0)
    """The widest label of the list: the values stand in one column."""
    longest_word = NumericProperty(0)
    """The value's widest word: beside its label, the value needs at least that room."""
    stacked = BooleanProperty(False)
    """The value under its label, not beside it (a narrow window, larger text)."""


class ReviewList(ChoiceList):
    """The answers, one a row (a list without choices keeps one column); a list longer than
    the screen shows where it stands and pages (▲ ▼) as every choice list does."""

    def show(  # answers and their change buttons, not choices
        self, answers: tuple[Choice, ...], on_change: Callable[[str], None], change_label: str
    ) -> None:
        """`answers` as the engine gives the review's choices: the screen's id, the field's
        label, the value as its hint."""
        grid = self.ids.grid
        grid.clear_widgets()
        body = App.get_running_app().sizes["body"]
        widest = max((text_width(answer.label, body, bold=True) for answer in answers), default=0)
        for answer in answers:
            row = ReviewRow(label=answer.label, value=answer.hint, screen=answer.id,
                            change_label=change_label, label_width=widest,
                            longest_word=longest_word_width(answer.hint, body))  # fmt: skip
            row.ids.change.bind(on_release=lambda _button, screen=answer.id: on_change(screen))
            grid.add_widget(row)
        self.ids.scroll.scroll_y = 1
