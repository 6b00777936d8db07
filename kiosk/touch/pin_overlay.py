"""The technician's PIN overlay: the way out of kiosk mode at the screen."""

from __future__ import annotations

from collections.abc import Callable

from kivy.app import App
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView

from kiosk.touch.keyboard import Keyboard, apply_key
from kiosk.touch.widgets import KioskButton


class PinOverlay(ModalView):
    """The technician's PIN: digits shown as dots, checked by `on_pin`, which answers "" for
    the right PIN and otherwise what to show instead (wrong, or how long to wait)."""

    def __init__(self, on_pin: Callable[[str], str], notice: str = "", **kwargs) -> None:
        super().__init__(auto_dismiss=False, size_hint=(0.6, 0.8), **kwargs)
        self.typed = ""
        self.on_pin = on_pin
        box = BoxLayout(orientation="vertical", spacing=12, padding=24)
        self.dots = Label(halign="center", valign="middle")
        self.dots.bind(size=lambda label, size: setattr(label, "text_size", size))
        self._show(notice)
        box.add_widget(self.dots)
        box.add_widget(Keyboard(True, self._key))
        row = BoxLayout(spacing=12, size_hint_y=None, height=96)
        for name, label, action in (("pin:cancel", "X", self.dismiss), ("pin:ok", "OK", self._ok)):
            button = KioskButton(text=label, name=name)
            button.bind(on_release=lambda _button, act=action: act())
            row.add_widget(button)
        box.add_widget(row)
        self.add_widget(box)

    def _show(self, message: str) -> None:
        """A message in body text (it may take lines), else the dots (or "PIN") in title size."""
        sizes = App.get_running_app().sizes
        self.dots.font_size = sizes["body"] if message else sizes["title"]
        self.dots.text = message or "•" * len(self.typed) or "PIN"

    def _key(self, key: str) -> None:
        self.typed = apply_key(self.typed, key, shift=False)
        self._show("")

    def _ok(self) -> None:
        if message := self.on_pin(self.typed):
            self.typed = ""
            self._show(message)
