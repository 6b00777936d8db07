"""The touch kiosk: renders the engine's views with Kivy and feeds touches back as events.

Importing this module imports Kivy (and may open a window): only the touch face
and its tests do. Kivy reads its settings at import time, so `configure_kivy`
must run before the import; `kiosk.touch.run` does that.
"""

from __future__ import annotations

import time
from importlib import resources
from typing import TYPE_CHECKING

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import BooleanProperty, DictProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView

from kiosk.audio.holds import HeldKeys
from kiosk.audio.keymap import load_holds, load_keymap
from kiosk.config import KioskConfig
from kiosk.engine.dialog import Dialog
from kiosk.engine.events import Back, Cancel, Choose, Event, MoreTime, Next, Type
from kiosk.engine.view import ScreenKind, View
from kiosk.i18n import text
from kiosk.pin_lockout import PinLockout, Verdict, verdict_text
from kiosk.session import KioskSession, MainLoop
from kiosk.terminal import TerminalServices
from kiosk.touch.keyboard import Keyboard, apply_key
from kiosk.touch.pin_overlay import PinOverlay
from kiosk.touch.theme import theme_properties
from kiosk.touch.widgets import (
    ChoiceList,
    EntryBox,
    InfoOverlay,
    KioskRoot,
    QrCode,
    plain_text,
)

if TYPE_CHECKING:
    from kiosk.audio.face import AudioFace

STATUS_REFRESH_S = 5.0
HOLD_CHECK_MARGIN_S = 0.05
"""A held key is checked this long after it is due, so that it surely is."""


KIVY_LOOP = MainLoop(
    call_soon=lambda function: Clock.schedule_once(lambda _dt: function()),
    every=lambda seconds, function: Clock.schedule_interval(lambda _dt: function(), seconds),
)
"""The session's work on Kivy's clock, between frames."""


def _load_layouts() -> None:
    for name in ("kiosk.kv",):
        Builder.load_string(resources.files("layouts").joinpath(name).read_text("utf-8"))


class KioskApp(App):
    colors = DictProperty()
    sizes = DictProperty()
    larger_text = BooleanProperty(False)
    dark = BooleanProperty(False)
    language = StringProperty("id")

    def __init__(self, config: KioskConfig, services: TerminalServices, **kwargs) -> None:
        super().__init__(**kwargs)
        self.kiosk_config = config
        self.services = services
        self.session = KioskSession(
            config,
            services,
            on_view=self.render,
            on_new_citizen=self._new_citizen,
            on_silent=self._show_silent,
            loop=KIVY_LOOP,
        )
        """The dialog and the audio face (made when the first keypad key comes)."""
        self.view: View | None = None
        self.unlocked = False
        self.pin_lockout = PinLockout(config.data.dir)
        self._keyboards: dict[bool, Keyboard] = {}
        self.keymap = load_keymap(config.audio.keymap)
        self.held_keys = HeldKeys(load_holds(config.audio.keymap))
        self.pending_touch = None
        """Touch-and-confirm: the button a first touch announced."""
        self.touch_seen = False
        """A touch came in this session: someone looks at the screen, so it is not blanked."""
        self._timeout_overlay: InfoOverlay | None = None
        self.title = "LAPOR!"
        self._apply_theme()

    @property
    def dialog(self) -> Dialog:
        """The session's dialog (test scenarios read its draft)."""
        return self.session.dialog

    @property
    def audio_face(self) -> AudioFace | None:
        """The audio face (kiosk.audio.face.AudioFace); None before the first keypad key."""
        return self.session.face

    # -- Kivy life cycle --------------------------------------------------------------------

    def build(self) -> KioskRoot:
        _load_layouts()
        Window.bind(on_request_close=lambda *_args: not self.unlocked)
        Window.bind(on_key_down=self._on_key_down, on_key_up=self._on_key_up)
        return KioskRoot()

    def on_start(self) -> None:
        self.session.start()
        Clock.schedule_interval(lambda _dt: self.refresh_status(), STATUS_REFRESH_S)
        self.refresh_status()

    # -- events from widgets ----------------------------------------------------------------

    def send(self, event: Event) -> None:
        self.session.send(event)

    # -- the tactile keypad and the audio face ----------------------------------------------

    def _on_key_down(self, _window, keycode: int, *_args) -> bool:
        key = self.keymap.get(keycode)
        if key is None:
            return False
        if act := self.held_keys.down(key, time.monotonic()):
            self._press(act)
        else:  # it may be held: decided when it comes up, or when it has been held long enough
            self.session.silence()  # but any key silences the speech at once
            check_at = self.held_keys.hold_s + HOLD_CHECK_MARGIN_S
            Clock.schedule_once(lambda _dt: self._press(self.held_keys.due(time.monotonic())),
                                check_at)  # fmt: skip
        return True

    def _on_key_up(self, _window, keycode: int, *_args) -> bool:
        key = self.keymap.get(keycode)
        if key is None:
            return False
        self._press(self.held_keys.up(key, time.monotonic()))
        return True

    def _press(self, key: str) -> None:
        """One key for the audio face (nothing for "")."""
        if key:
            self.session.press(key)  # any key starts the audio session

    def _show_silent(self) -> None:
        """The audio face cannot be heard: say so where it can be seen."""
        self.root.ids.status.text = text("audio.silent", self.language)

    def touched(self, button) -> bool:
        """Touch-and-confirm in an audio session: True when this touch may activate."""
        if not self.touch_seen and self.root.blanked:
            self.touch_seen = True
            self.root.blanked = False
        if not self.session.audio_active() or self.pending_touch is button:
            self.pending_touch = None
            return True
        self.pending_touch = button
        self.session.face.say_touched(plain_text(button.text))
        return False

    def choose(self, choice_id: str) -> None:
        self.send(Choose(choice_id))

    def back(self) -> None:
        self.send(Back())

    def cancel(self) -> None:
        self.send(Cancel())

    def next(self) -> None:
        self.send(Next())

    def key(self, key: str) -> None:
        if self.view is None or self.view.entry is None:
            return
        keyboard = self._keyboards.get(self.view.entry.numeric)
        shift = bool(keyboard and keyboard.shift)
        self.send(Type(apply_key(self.view.entry.value, key, shift)))

    def show_help(self) -> None:
        if self.view is not None:
            close = text("ui.close", self.language)
            InfoOverlay().present(self.view.help, close, "help:close", lambda: None)

    def toggle_larger_text(self) -> None:
        self.larger_text = not self.larger_text
        self._apply_theme()
        self._rerender()

    def toggle_contrast(self) -> None:
        self.dark = not self.dark
        self._apply_theme()
        self._rerender()

    def refresh_status(self) -> None:
        self.root.ids.status.text = self.services.status_line(self.language)

    # -- technician exit --------------------------------------------------------------------

    def ask_pin(self) -> None:
        """Leaving kiosk mode needs the technician PIN; without one configured it is impossible.
        While wrong tries make the next one wait, the overlay says so from the start."""
        if self.kiosk_config.touch.technician_pin_hash:
            wait = self.pin_lockout.wait_s()
            notice = verdict_text(Verdict(False, "locked", wait), self.language) if wait else ""
            PinOverlay(self.check_pin, notice).open(animation=False)

    def check_pin(self, typed: str) -> str:
        """An empty text when `typed` is the technician PIN (the app then stops), else what the
        overlay shows instead."""
        verdict = self.pin_lockout.try_pin(typed, self.kiosk_config.touch.technician_pin_hash)
        if not verdict.accepted:
            return verdict_text(verdict, self.language)
        self.unlocked = True
        self.stop()
        return ""

    # -- rendering --------------------------------------------------------------------------

    def _apply_theme(self) -> None:
        self.colors, self.sizes = theme_properties(
            self.kiosk_config.touch.pixels_per_mm, self.dark, self.larger_text
        )
        self._keyboards.clear()

    def _rerender(self) -> None:
        if self.view is not None:
            self.render(self.view, force=True)

    def render(self, view: View, force: bool = False) -> None:
        previous, self.view = self.view, view
        self.pending_touch = None
        blank = view.audio and self.kiosk_config.audio.blank_screen and not self.touch_seen
        self.root.blanked = blank
        if view.language != self.language:
            self.language = view.language
            self.refresh_status()
        root = self.root
        root.ids.title.text = view.title
        root.ids.progress.text = view.progress
        root.has_error = bool(view.error)
        root.ids.message.text = view.error or view.notice or view.prompt
        for name, allowed in (
            ("back", view.can_go_back),
            ("cancel", view.can_cancel),
            ("next", view.can_go_next),
            ("help", True),
        ):
            button = root.ids[name]
            button.text = view.next_label if name == "next" else text(f"ui.{name}", view.language)
            button.disabled = not allowed
            button.opacity = 1 if allowed else 0
        same_screen = previous is not None and previous.screen == view.screen and not force
        if same_screen and view.entry is not None and previous.entry is not None:
            self._entry_box.show(view.entry, view.language)
        elif not same_screen or previous.choices != view.choices or previous.lines != view.lines:
            self._build_body(view)
        self._show_timeout(view)

    def _new_citizen(self) -> None:
        """The session ended (it says so before the welcome screen's view): settings a citizen
        changed (text size, contrast) do not carry over; the session resets the voice."""
        self.touch_seen = False
        self._entry_box = None  # it still showed the last value typed
        self._keyboards.clear()  # and the keyboards their shift and symbol pages
        if self.larger_text or self.dark:
            self.larger_text = self.dark = False
            self._apply_theme()

    def _build_body(self, view: View) -> None:
        body = self.root.ids.body
        body.clear_widgets()
        if view.kind is ScreenKind.RECEIPT:
            body.add_widget(self._code_block(view))
        if view.lines:
            lines = self._lines_column(view.lines)
            # The receipt's one date is shown whole; a status and its answers may scroll.
            scrolled = view.kind is not ScreenKind.RECEIPT
            body.add_widget(self._scrolled(lines) if scrolled else lines)
        if view.entry is not None:
            self._entry_box = EntryBox()
            self._entry_box.show(view.entry, view.language)
            body.add_widget(self._entry_box)
            body.add_widget(self._keyboard(view.entry.numeric))
        if view.choices:
            choices = ChoiceList()
            choices.show(view.choices, self.choose, in_a_row=bool(view.lines))
            body.add_widget(choices)

    def _code_block(self, view: View) -> BoxLayout:
        """The receipt code, big, with a QR code of it for a phone camera."""
        block = BoxLayout(size_hint_y=None, height=self.sizes["code"] * 2.2, spacing=24)
        block.add_widget(Factory.CodeDisplay(text=view.code, size_hint_y=1))
        block.add_widget(QrCode(data=view.code, size_hint_x=None, width=block.height))
        return block

    def _lines_column(self, lines: tuple[str, ...]) -> BoxLayout:
        """Read-only lines (a date due, a status, the agencies' answers), as tall as they are."""
        column = BoxLayout(orientation="vertical", size_hint_y=None, spacing=12)
        column.bind(minimum_height=column.setter("height"))
        for line in lines:
            column.add_widget(_text_line(line, self.colors["text"], self.sizes["body"]))
        return column

    @staticmethod
    def _scrolled(column: BoxLayout) -> ScrollView:
        scroll = ScrollView(do_scroll_x=False, bar_width=16)
        scroll.add_widget(column)
        return scroll

    def _keyboard(self, numeric: bool) -> Keyboard:
        keyboard = self._keyboards.get(numeric)
        if keyboard is None:
            keyboard = Keyboard(numeric, self.key)
            self._keyboards[numeric] = keyboard
        if keyboard.parent is not None:
            keyboard.parent.remove_widget(keyboard)
        return keyboard

    def _show_timeout(self, view: View) -> None:
        if view.timeout_warning and self._timeout_overlay is None:
            self._timeout_overlay = InfoOverlay()
        if self._timeout_overlay is None:
            return
        if not view.timeout_warning:
            self._timeout_overlay.dismiss(animation=False)
            self._timeout_overlay = None
            return
        message = text("ui.timeout_warning", view.language, seconds=view.timeout_warning)
        self._timeout_overlay.present(
            message, text("ui.more_time", view.language), "timeout:more", self._more_time
        )

    def _more_time(self) -> None:
        self._timeout_overlay = None
        self.send(MoreTime())


def _text_line(line: str, colour, size: int) -> Label:
    label = Label(text=line, color=colour, font_size=size, halign="left", valign="top")
    label.bind(width=lambda widget, width: setattr(widget, "text_size", (width, None)))
    label.bind(texture_size=lambda widget, size: setattr(widget, "height", size[1] + 8))
    label.size_hint_y = None
    return label
