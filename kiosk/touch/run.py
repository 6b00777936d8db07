"""Start the touch kiosk (Kivy settings first: they are read at import) and stop it on a signal."""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from kiosk.config import KioskConfig
from kiosk.touch.display import PANEL_SIZE

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
SIGNAL_CHECK_S = 0.1

log = logging.getLogger("kiosk.touch")


def configure_kivy(fullscreen: bool, kivy_home: Path | None = None) -> None:
    """Settings Kivy reads when first imported: window, no escape key, no stray input."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    # SDL2 does windows, text and images; loading PIL and the others only costs memory.
    for provider in ("KIVY_WINDOW", "KIVY_TEXT", "KIVY_IMAGE"):
        os.environ.setdefault(provider, "sdl2")
    if kivy_home is not None:
        os.environ["KIVY_HOME"] = str(kivy_home)
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "keyboard_mode", "system")  # our own keyboards; no Kivy VKeyboard
    Config.set("graphics", "width", str(PANEL_SIZE[0]))
    Config.set("graphics", "height", str(PANEL_SIZE[1]))
    Config.set("graphics", "resizable", "0")
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "borderless", "1" if fullscreen else "0")
    # The touch display itself (hidinput) and X's pointer (mouse, also where there is no
    # readable input device): under X both report one touch (kivy#3801). The pointer's copy
    # is dropped while a device touch is down (Kivy's documented `disable_on_activity`); a
    # copy that comes first is dropped by the kiosk's TouchGuard (touch_guard.py).
    Config.remove_section("input")
    Config.add_section("input")
    Config.set("input", "mouse", "mouse,disable_multitouch,disable_on_activity")
    Config.set("input", "hid", "probesysfs,provider=hidinput")


M_TRIM_THRESHOLD = -1
"""glibc's mallopt() parameter: free memory above this at the heap's top goes back to the OS."""
TRIM_THRESHOLD_BYTES = 128 * 1024


def give_back_freed_memory() -> None:
    """Make glibc return freed memory to the system instead of keeping it for reuse.

    Every screen change frees the last screen's widgets and textures (with software GL,
    textures live in this process). By default glibc raises its trim threshold as the
    heap grows, up to 32 MB, and keeps that much: measured with `kiosk bench ui`, setting
    it back to 128 KiB takes RSS after 60 screen changes from ~257 to ~233 MB, with the
    same screen-change times. Elsewhere than glibc this does nothing.
    """
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
    except (OSError, AttributeError):  # not glibc
        pass


class StopOnSignals:
    """SIGTERM and SIGINT stop the touch kiosk, whatever kiosk mode says about closing.

    Kiosk mode refuses a request to close the window (a citizen, the window manager); a
    signal is the service manager's (`systemctl stop`) or a technician's Ctrl+C, and wins.
    Installed before Kivy starts SDL, which then leaves these signals alone (SDL turns a
    SIGTERM it handles into a close request, refused). A handler only notes the signal:
    the app is stopped from its own clock, between frames, where Kivy may be called.
    """

    def __init__(self) -> None:
        self.received: int | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopOnSignals:
        for number in STOP_SIGNALS:
            self._previous[number] = signal.signal(number, self._note)
        return self

    def __exit__(self, *_exc_info: object) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)

    def _note(self, number: int, _frame: FrameType | None) -> None:
        self.received = number

    def stop_on_signal(self, app: Any) -> None:
        """Check for a signal while `app` runs; on one, drop the draft and stop the app."""
        from kivy.clock import Clock

        def check(_dt: float) -> None:
            if self.received is None:
                return
            log.info("stopping on %s", signal.Signals(self.received).name)
            app.session.drop_citizen()  # nothing of the citizen's is left in memory
            app.stop()

        Clock.schedule_interval(check, SIGNAL_CHECK_S)


def run_touch_kiosk(
    config: KioskConfig, on_start: Callable[[Any], None] | None = None, windowed: bool = False
) -> None:
    """Run until the technician leaves kiosk mode, SIGTERM or SIGINT comes, or `on_start`'s
    script stops the app."""
    with StopOnSignals() as signals:
        give_back_freed_memory()
        configure_kivy(config.touch.fullscreen and not windowed)
        logging.getLogger("kivy").setLevel(logging.WARNING)  # its start-up chatter is not news
        from kiosk.terminal import TerminalServices
        from kiosk.touch.app import KioskApp

        services = TerminalServices(config)
        app = KioskApp(config, services)
        signals.stop_on_signal(app)
        if on_start is not None:
            app.bind(on_start=lambda instance: on_start(instance))
        try:
            app.run()
        finally:
            services.close()


def run_keypad_learner(config: KioskConfig, out: Path, windowed: bool = False) -> bool:
    """Learn the keypad into `out`; False when the technician cancelled."""
    configure_kivy(config.touch.fullscreen and not windowed)
    logging.getLogger("kivy").setLevel(logging.WARNING)
    from kiosk.touch.keypad_learner import KeypadLearner

    learner = KeypadLearner(config, out)
    learner.run()
    return learner.saved
