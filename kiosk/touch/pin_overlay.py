"""The technician's PIN overlay: the way out of kiosk mode at the screen."""

from __future__ import annotations

from collections.abc import Callable

from kivy.app import App
from kivy.uix.modalview import ModalView

from kiosk.touch.keyboard import Keyboard, apply_key


class PinOverlay(ModalView):
    """The technician's PIN: digits shown as dots, checked by `on_pin`, which answers "" for
    the right PIN and otherwise what to show instead (wrong, or how long to wait).

    Its numeric pad is the filing screens' (`fixed`): keys of the layout's height, never under
    9 mm, on any panel; the look is in layouts/kiosk.kv (`<PinOverlay>`)."""

    def __init__(self, on_pin: Callable[[str], str], notice: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.typed = ""
        self.on_pin = on_pin
        self.dots = self.ids.dots
        self.ids.box.add_widget(Keyboard(True, self._key, fixed=True), index=1)  # above OK
        self._show(notice)

    def _show(self, message: str) -> None:
        """A message in body text (it may take lines), else the dots (or "PIN") in title size."""
        sizes = App.get_running_app().sizes
        self.dots.largest = sizes["body"] if message else sizes["title"]
        self.dots.text = message or "•" * len(self.typed) or "PIN"

    def _key(self, key: str) -> None:
        self.typed = apply_key(self.typed, key, shift=False)
        self._show("")

    def ok(self) -> None:
        if message := self.on_pin(self.typed):
            self.typed = ""
            self._show(message)
