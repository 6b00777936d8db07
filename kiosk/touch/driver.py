"""Drives a running touch kiosk like a finger: taps by widget name, types on the keyboards.

Used by the UI benchmark and the tests. Touches go through Kivy's input dispatch (`Finger`),
the same path a real touchscreen takes. Needs Kivy only: the UI benchmark runs where the test
extras (pytest, which `kivy.tests` imports) are not installed.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from pathlib import Path

from kivy.app import App
from kivy.base import EventLoop
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.input.motionevent import MotionEvent
from kivy.uix.widget import Widget

Script = Generator[float, None, None]
"""A scenario: it yields how many seconds to let the app run before the next step."""
DRIVER = "TouchDriver"
"""The input device the driver's touches come from."""
DOUBLE_TAP_GAP_S = 0.08
"""A hurried double tap: the second touch this long after the first."""


class Finger(MotionEvent):
    """One finger at a point of the window, pressed and lifted through Kivy's input dispatch,
    as the input provider named `device` would report it."""

    def __init__(self, x: float, y: float, device: str = DRIVER) -> None:
        window = EventLoop.window
        position = {"x": x / (window.width - 1.0), "y": y / (window.height - 1.0)}
        super().__init__(device, 99, position, is_touch=True, type_id="touch")
        self.profile = ["pos"]

    def depack(self, args: dict[str, float]) -> None:
        self.sx, self.sy = args["x"], args["y"]  # shares of the window's size
        super().depack(args)

    def touch_down(self) -> None:
        EventLoop.post_dispatch_input("begin", self)

    def touch_up(self) -> None:
        EventLoop.post_dispatch_input("end", self)


def widgets(root: Widget) -> Iterator[Widget]:
    yield root
    for child in root.children:
        yield from widgets(child)


def _scroll_into_view(widget: Widget) -> None:
    from kivy.uix.scrollview import ScrollView

    parent = widget.parent
    while parent not in (None, Window) and not isinstance(parent, ScrollView):
        parent = parent.parent  # the window is its own parent: stop there
    if not isinstance(parent, ScrollView):
        return
    _, bottom = parent.to_window(parent.x, parent.y)
    _, centre = widget.to_window(*widget.center)
    if not bottom < centre < bottom + parent.height:
        parent.scroll_to(widget, padding=10, animate=False)
        parent.update_from_scroll()  # now, not at the next frame: the tap follows at once


class TouchDriver:
    def __init__(self, app: App) -> None:
        self.app = app

    def find(self, name: str) -> Widget:
        for top in Window.children:  # the kiosk's root and any open overlay
            for widget in widgets(top):
                if getattr(widget, "name", None) == name and not widget.disabled:
                    return widget
        raise LookupError(f"no enabled widget named {name!r} on screen {self.app.view.screen}")

    def _has(self, name: str) -> bool:
        try:
            self.find(name)
        except LookupError:
            return False
        return True

    def tap(self, name: str, hurried: bool = False) -> tuple[float, float]:
        """Tap `name`, after scrolling it into view as a finger would; returns the point.

        The citizen modelled looks at the screen before touching it: the app's touch guard is
        told the screen has settled (a script taps the moment a screen appears, when the
        kiosk ignores touches for `[touch] settle_ms`). `hurried`: not told, as a second tap
        that follows the first at once."""
        widget = self.find(name)
        _scroll_into_view(widget)
        point = widget.to_window(*widget.center)
        self.tap_at(point, hurried)
        return point

    def tap_at(self, point: tuple[float, float], hurried: bool = False,
               device: str = DRIVER) -> None:  # fmt: skip
        """Tap a point of the window, as `tap` does, whatever is there."""
        if not hurried:
            self.app.touch_guard.settled()
        touch = Finger(*point, device)
        touch.touch_down()
        touch.touch_up()

    def double_tap(
        self, name: str, gap_s: float = DOUBLE_TAP_GAP_S
    ) -> Generator[float, None, tuple[float, float]]:
        """Tap `name`, then `gap_s` later tap the same point again, hurried: the second tap
        lands on whatever is there by then (the next screen, an overlay). Returns the point."""
        point = self.tap(name)
        yield gap_s
        self.tap_at(point, hurried=True)
        return point

    def hold(self, name: str, seconds: float) -> Script:
        """Press `name` on a settled screen, keep the finger on it for `seconds`, lift it."""
        widget = self.find(name)
        self.app.touch_guard.settled()
        touch = Finger(*widget.to_window(*widget.center))
        touch.touch_down()
        yield seconds
        touch.touch_up()

    def type_text(self, value: str) -> None:
        """Tap the on-screen keys for `value` (shift for capitals unless it is on already, the
        symbol page for others). A small letter where shift came on by itself (a name's
        automatic capital) is typed as the keyboard makes it, as a citizen would."""
        from kiosk.touch.keyboard import LETTERS

        for char in value:
            if char == " ":
                self.tap("key:space")
            elif char.lower() in "".join(LETTERS):
                if char.isupper() and not self._shifted():
                    self.tap("key:shift")
                self.tap(f"key:{char.lower()}")
            elif char.isdigit() and self._has(f"key:{char}"):  # a numeric pad is showing
                self.tap(f"key:{char}")
            else:
                self.tap("key:symbols")
                self.tap(f"key:{char}")
                self.tap("key:symbols")

    def _shifted(self) -> bool:
        """The letter keyboard's shift is on (by a tap, or by itself at a name's word start)."""
        from kiosk.touch.keyboard import Keyboard

        widget = self.find("key:shift")
        while not isinstance(widget, Keyboard):
            widget = widget.parent
        return widget.shift

    def screenshot(self, path: Path) -> None:
        """Save what the window shows (Kivy numbers its files; rename to `path`)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        saved = Window.screenshot(name=str(path))
        Path(saved).replace(path)


def run_script(app: App, script: Callable[[TouchDriver], Script]) -> list[BaseException]:
    """Run `script` on the app's clock from its first drawn frame; the app stops when it ends.

    Returns its failure. Not before that frame: until it, no widget has been laid out,
    and a tap lands where a widget's default place is (a 100 x 100 box at 0, 0).
    """
    failures: list[BaseException] = []
    steps = script(TouchDriver(app))

    def step(_dt: float) -> None:
        try:
            wait = next(steps)
        except StopIteration:
            app.stop()
            return
        except BaseException as error:
            import traceback

            traceback.print_exc()
            failures.append(error)
            app.stop()
            return
        Clock.schedule_once(step, wait)

    def first_frame_drawn(*_args) -> None:
        Window.unbind(on_flip=first_frame_drawn)
        Clock.schedule_once(step)

    Window.bind(on_flip=first_frame_drawn)
    return failures
