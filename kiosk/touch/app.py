"""The touch kiosk: renders the engine's views with Kivy and feeds touches back as events.

Importing this module imports Kivy (and may open a window): only the touch face
and its tests do. Kivy reads its settings at import time, so `configure_kivy`
must run before the import; `kiosk.touch.run` does that.
"""

from __future__ import annotations

import ctypes
import time
from ctypes import byref
from importlib import resources
from pathlib import Path
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
from kivy.uix.widget import Widget

from kiosk.audio.holds import HeldKeys
from kiosk.audio.keymap import load_holds, load_keymap
from kiosk.config import KioskConfig
from kiosk.engine.dialog import Dialog
from kiosk.engine.events import Back, Cancel, Choose, Event, MoreTime, Next, Type
from kiosk.engine.view import ScreenKind, View
from kiosk.i18n import text
from kiosk.pin_lockout import PinLockout, Verdict, verdict_text
from kiosk.receipt import qr_text
from kiosk.session import KioskSession, MainLoop
from kiosk.terminal import TerminalServices
from kiosk.touch.display import with_panel_density
from kiosk.touch.keyboard import Keyboard, apply_key
from kiosk.touch.pin_overlay import PinOverlay
from kiosk.touch.review import ReviewList
from kiosk.touch.theme import (
    NavLabels,
    TextSizes,
    layout_for,
    layout_properties,
    line_height,
    theme_properties,
)
from kiosk.touch.touch_guard import SAME_PLACE_MM, TouchGuard
from kiosk.touch.widgets import (
    ChoiceList,
    EntryBox,
    FittingLabel,
    InfoOverlay,
    KioskRoot,
    QrCode,
    plain_text,
    text_width,
)

if TYPE_CHECKING:
    from kiosk.audio.face import AudioFace

STATUS_REFRESH_S = 5.0
HOLD_CHECK_MARGIN_S = 0.05
"""A held key is checked this long after it is due, so that it surely is."""
NAV_LABELS = ("ui.back", "ui.cancel", "ui.help", "ui.next", "choice.confirm")
"""The labels of the navigation buttons (the review's Next is "Kirim laporan")."""
NAV_BUTTONS = ("back", "cancel", "help", "next")
"""The bottom bar's buttons, in their fixed order (a hidden one keeps its place)."""
NAME_SCREENS = frozenset(("name", "other_city"))
"""Screens where a name is typed: each word begins with a capital."""
QR_MM = 30.0
"""The receipt's QR code where there is room: a phone camera reads it from half a metre."""


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
    layout = DictProperty()
    """Measures from the window and the panel's density (theme.Layout), for the .kv rules."""
    larger_text = BooleanProperty(False)
    dark = BooleanProperty(False)
    language = StringProperty("id")

    def __init__(self, config: KioskConfig, services: TerminalServices, **kwargs) -> None:
        super().__init__(**kwargs)
        config = with_panel_density(config)  # every size on screen comes from it
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
        self._entry_box: EntryBox | None = None
        """The text box of the entry screen shown last."""
        touch = config.touch
        self.touch_guard = TouchGuard(touch.settle_ms / 1000, touch.pixels_per_mm * SAME_PLACE_MM)
        """Which touches the buttons take (widgets.KioskButton): none while a screen settles."""
        self._countdown: Widget | None = None
        """The receipt's "Tambah waktu" row, shown in its last seconds (`_code_block`)."""
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
        Window.bind(size=lambda *_args: self._window_resized())
        # An overlay (help, the time-out box, the PIN) opening or closing changes the screen;
        # a changed screen settles from when it is first drawn.
        Window.bind(children=lambda *_args: self.touch_guard.screen_changed())
        Window.bind(on_flip=lambda *_args: self.touch_guard.drawn())
        if self.kiosk_config.touch.fullscreen and Window.fullscreen:
            _fit_to_display()
        root = KioskRoot()
        root.place_progress(in_header=self.layout["step_in_header"])
        return root

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
        """On the review, "Kirim laporan" shows "Menyimpan..." and holds the bottom bar at once,
        and stores the report only after that has been drawn: the durable save may take
        seconds on a busy terminal, with nothing changing on screen. The view that comes back
        (the receipt, or the review with why it was not saved) gives the buttons back."""
        view = self.view
        if view is None or view.kind is not ScreenKind.REVIEW:
            self.send(Next())
            return
        root = self.root
        root.has_error = root.ids.message.bold = False  # (bold before the text: it is fitted)
        root.ids.message.text = text("ui.saving", view.language)
        for name in NAV_BUTTONS:
            root.ids[name].disabled = True

        def drawn(*_args) -> None:
            Window.unbind(on_flip=drawn)
            Clock.schedule_once(lambda _dt: self._save(view))

        Window.bind(on_flip=drawn)
        Window.canvas.ask_update()  # a frame is drawn even if nothing else asks for one

    def _save(self, review: View) -> None:
        """Store the report shown on `review`, unless the screen changed meanwhile ("Ubah" was
        touched, or the session timed out)."""
        if self.view is review:
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
        self._apply_layout()

    def _apply_layout(self) -> None:
        """The measures for the window's size and the text's (the navigation buttons' labels in
        either language set their font, and the width of their column on a short panel)."""
        least = self.sizes["least"]
        labels = [text(key, language) for key in NAV_LABELS for language in ("id", "en")]
        nav = NavLabels(
            widest=max(text_width(label, least) for label in labels),
            widest_word=max(text_width(word, least) for label in labels for word in label.split()),
        )
        pixels_per_mm = self.kiosk_config.touch.pixels_per_mm
        measures = layout_for(*Window.size, pixels_per_mm, TextSizes(**self.sizes), nav)
        self.layout = layout_properties(measures)
        self._keyboards.clear()

    def _window_resized(self) -> None:
        if (self.layout["width"], self.layout["height"]) != tuple(Window.size):
            self._apply_layout()
            self.root.place_progress(in_header=self.layout["step_in_header"])
            self._rerender()

    def _rerender(self) -> None:
        if self.view is not None and self.root is not None:
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
        # A short panel shows its status line only before a report: the welcome, the menu.
        before = view.kind is ScreenKind.CHOICE and not view.progress
        root.status_hidden = self.layout["rail"] and not before
        self._show_message(view)
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
            self._entry_box.show(view)
            if keyboard := self._keyboards.get(view.entry.numeric):
                keyboard.follow(view.entry.value)
        elif not same_screen or previous.choices != view.choices or previous.lines != view.lines:
            self._build_body(view)
        self._show_timeout(view)
        if not same_screen:
            self.touch_guard.screen_changed()

    def _show_message(self, view: View) -> None:
        """The message band: the prompt, or a notice; an error where there is no entry, or
        where its box has no room for it (`EntryBox.overflows`; an entry's error carries its
        prompt's format and example), in bold besides its colours. Else an entry's error
        stands by its box."""
        box = self._entry_box if view.entry is not None else None
        band_error = view.error if box is None or box.overflows else ""
        self.root.has_error = bool(band_error)
        self.root.ids.message.bold = bool(band_error)  # before its text: it fits it at once
        self.root.ids.message.text = band_error or view.notice or view.prompt

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
        if view.kind is ScreenKind.RECEIPT:  # the code takes the room the rest leaves
            body.add_widget(self._code_block(view))
            for line in view.lines:  # the date due, whole
                body.add_widget(self._fitting_line(line))
        elif view.lines:  # a status and its answers may scroll
            body.add_widget(self._scrolled(self._lines_column(view.lines)))
        if view.entry is not None:
            self._entry_box = EntryBox()
            self._entry_box.bind(overflows=lambda *_args: self._show_message(self.view))
            self._entry_box.show(view)
            keyboard = self._keyboard(view.entry.numeric)
            keyboard.capitals = view.screen in NAME_SCREENS
            keyboard.follow(view.entry.value)
            body.add_widget(self._entry_box)  # it takes what the keyboard leaves, its box
            body.add_widget(keyboard)
        if view.kind is ScreenKind.REVIEW:  # each answer with its "Ubah"
            review = ReviewList()
            review.show(view.choices, self.choose, text("ui.change", view.language))
            body.add_widget(review)
        elif view.choices:
            choices = ChoiceList()
            choices.show(view.choices, self.choose, in_a_row=bool(view.lines))
            body.add_widget(choices)

    def _code_block(self, view: View) -> BoxLayout:
        """The receipt code, as big as the room allows, with a QR code of it for a phone
        camera (`qr_text`): beside it on a wide screen, under it in portrait. Under both,
        "Tambah waktu" in the receipt's last seconds (`_show_timeout`)."""
        portrait = self.layout["portrait"]
        block = BoxLayout(orientation="vertical" if portrait else "horizontal",
                          spacing=self.layout["gap"])  # fmt: skip
        code = Factory.CodeDisplay(text=view.code)
        mall = self.kiosk_config.terminal.mall
        qr = QrCode(data=qr_text(view.code, mall, view.language), size_hint=(None, None))
        largest = self.kiosk_config.touch.pixels_per_mm * QR_MM

        def fit(*_args) -> None:
            if portrait:
                code.room = line_height(self.sizes["code"])
                room = block.height - code.height - 3 * block.spacing  # (and two spacers)
                side = min(largest, block.width / 2, room)
                qr.pos_hint = {"center_x": 0.5}
            else:
                code.room = block.height
                side = min(largest, block.height, block.width / 3)
                code.pos_hint = qr.pos_hint = {"center_y": 0.5}
            qr.size = (max(0, side), max(0, side))

        block.bind(size=fit)
        code.bind(height=fit)
        parts = (Widget(), code, qr, Widget()) if portrait else (code, qr)  # centred in portrait
        for part in parts:
            block.add_widget(part)
        self._countdown = Factory.ReceiptCountdown()
        self._countdown.ids.more.bind(on_release=lambda _button: self.send(MoreTime()))
        receipt = BoxLayout(orientation="vertical", spacing=self.layout["gap"])
        receipt.add_widget(block)
        receipt.add_widget(self._countdown)
        return receipt

    def _fitting_line(self, line: str) -> Label:
        """A line as large as body text where it fits in the room a message has, else smaller."""
        return FittingLabel(text=line, color=self.colors["text"], halign="left",
                            largest=self.sizes["body"], smallest=self.sizes["least"],
                            room=self.layout["message_room"], size_hint_y=None)  # fmt: skip

    def _lines_column(self, lines: tuple[str, ...]) -> BoxLayout:
        """Read-only lines (a date due, a status, the agencies' answers), as tall as they are."""
        column = BoxLayout(orientation="vertical", size_hint_y=None, spacing=self.layout["gap"])
        column.bind(minimum_height=column.setter("height"))
        for line in lines:
            column.add_widget(_text_line(line, self.colors["text"], self.sizes["body"]))
        return column

    def _scrolled(self, column: BoxLayout) -> ScrollView:
        scroll = ScrollView(do_scroll_x=False, bar_width=self.layout["pad"],
                            bar_color=self.colors["text"],
                            bar_inactive_color=self.colors["muted"])  # fmt: skip
        scroll.add_widget(column)
        return scroll

    def _keyboard(self, numeric: bool) -> Keyboard:
        keyboard = self._keyboards.get(numeric)
        if keyboard is None:
            keyboard = Keyboard(numeric, self.key, fixed=True)
            self._keyboards[numeric] = keyboard
        if keyboard.parent is not None:
            keyboard.parent.remove_widget(keyboard)
        return keyboard

    def _show_timeout(self, view: View) -> None:
        """The session's time-out warning: on the receipt the seconds left in the message band
        and "Tambah waktu" under the code (the code stays in sight; the engine gives the receipt
        its time again for it, as for any touch); on any other screen a box over it."""
        on_receipt = view.kind is ScreenKind.RECEIPT
        if on_receipt and self._countdown is not None:
            seconds = view.timeout_warning
            self._countdown.shown = bool(seconds)
            self._countdown.ids.more.text = text("ui.more_time", view.language)
            if seconds:  # instead of the prompt, read by now: the code keeps its room
                countdown = text("ui.receipt_countdown", view.language, seconds=seconds)
                self.root.ids.message.text = countdown
        warning = 0 if on_receipt else view.timeout_warning
        if warning and self._timeout_overlay is None:
            self._timeout_overlay = InfoOverlay()
        if self._timeout_overlay is None:
            return
        if not warning:
            self._timeout_overlay.dismiss(animation=False)
            self._timeout_overlay = None
            return
        message = text("ui.timeout_warning", view.language, seconds=warning)
        self._timeout_overlay.present(
            message, text("ui.more_time", view.language), "timeout:more", self._more_time
        )

    def _more_time(self) -> None:
        self._timeout_overlay = None
        self.send(MoreTime())


class _Rect(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int), ("w", ctypes.c_int), ("h", ctypes.c_int)]


def _fit_to_display() -> None:
    """Make the full-screen window cover its display exactly, whatever the panel's size.

    Under X without a window manager (a kiosk's X session, Xvfb), SDL's desktop full screen
    keeps the window at the configured size, centred, while Kivy draws for the display's
    size: the picture is shifted and cut on any panel but the configured one. A borderless
    window at the display's place and size shows it whole. With KMSDRM (a Pi without a
    desktop) SDL sizes the window itself: nothing to do there.
    """
    maps = Path("/proc/self/maps").read_text().splitlines()
    loaded = [line.split()[-1] for line in maps if "/libSDL2-" in line or "/libSDL2.so" in line]
    if not loaded:
        return
    sdl = ctypes.CDLL(loaded[0])  # the SDL this process's window runs on
    sdl.SDL_GetCurrentVideoDriver.restype = ctypes.c_char_p
    bounds = _Rect()
    if sdl.SDL_GetCurrentVideoDriver() != b"x11" or sdl.SDL_GetDisplayBounds(0, byref(bounds)):
        return
    Window.fullscreen = False  # SDL then restores the configured size, in a moment:
    Window.borderless = True

    def place(*_args) -> None:  # back to the display's, whenever something resizes it
        if tuple(Window.size) != (bounds.w, bounds.h):
            Window.size = (bounds.w, bounds.h)
        Window.left, Window.top = bounds.x, bounds.y

    Window.bind(size=place)
    Clock.schedule_once(place)


def _text_line(line: str, colour, size: int) -> Label:
    label = Label(text=line, color=colour, font_size=size, halign="left", valign="top")
    label.bind(width=lambda widget, width: setattr(widget, "text_size", (width, None)))
    label.bind(texture_size=lambda widget, size: setattr(widget, "height", size[1] + 8))
    label.size_hint_y = None
    return label
