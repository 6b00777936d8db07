"""The technician PIN on the touch screen, run like the scenarios of `touch_scenarios.py`:

    python tests/technician_pin_scenario.py technician_pin --config kiosk.toml --shots DIR
        --result out.json

(or `technician_pin_sizes`, with `KIOSK_TEST_WINDOW`).

Needs `[touch] technician_pin_hash` of RIGHT_PIN (the test writes it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from touch_scenarios import SCENARIOS, main

RIGHT_PIN = "246810"
WRONG_PIN = "135790"


def _overlay():
    from kivy.core.window import Window

    from kiosk.touch.pin_overlay import PinOverlay

    return next(widget for widget in Window.children if isinstance(widget, PinOverlay))


def technician_pin(driver, shots: Path, seen: dict):
    from kiosk.pin_lockout import FREE_TRIES, unlock

    seen["closing_refused"] = driver.app.root_window.dispatch("on_request_close")
    yield from driver.hold("status", 3.5)
    yield 0.2
    seen["wrong"] = []
    for _ in range(FREE_TRIES + 1):
        driver.type_text(WRONG_PIN)
        driver.tap("pin:ok")
        yield 0.1
        seen["wrong"].append(_overlay().dots.text)
    driver.screenshot(shots / "technician-00-wait.png")
    driver.type_text(RIGHT_PIN)  # right, but the wait is not over: not even checked
    driver.tap("pin:ok")
    yield 0.1
    seen["right_while_waiting"] = _overlay().dots.text
    driver.tap("pin:cancel")
    yield 0.5
    yield from driver.hold("status", 3.5)  # asked again: the wait is said at once
    yield 0.2
    seen["reopened"] = _overlay().dots.text
    unlock(driver.app.kiosk_config.data.dir)  # what `kiosk pin unlock` does
    driver.type_text(RIGHT_PIN)
    seen["stopping"] = True
    driver.tap("pin:ok")
    yield 5.0
    seen["stopping"] = "still running"


def technician_pin_sizes(driver, shots: Path, seen: dict):
    """The overlay in a window of `KIOSK_TEST_WINDOW`, checked as the filing screens are
    (`layout_problems`): when it opens, and with a wrong PIN's message. Its smallest key is
    noted."""
    from touch_scenarios import _sized_window, layout_problems, settled

    from kiosk.touch.driver import widgets
    from kiosk.touch.widgets import KioskButton

    size = yield from _sized_window()
    yield from driver.hold("status", 3.5)
    seen["problems"] = {}
    for name in ("open", "wrong"):
        if name == "wrong":
            driver.type_text(WRONG_PIN)
            driver.tap("pin:ok")
        yield from settled()
        driver.screenshot(shots / f"technician-pin-{size}-{name}.png")
        seen["problems"][name] = layout_problems(driver)
    keys = [widget for widget in widgets(_overlay()) if isinstance(widget, KioskButton)]
    seen["keys"] = sorted(widget.name for widget in keys)
    seen["smallest_key"] = min(min(widget.size) for widget in keys)
    seen["message"] = _overlay().dots.text
    driver.tap("pin:cancel")
    yield 0.2


if __name__ == "__main__":
    SCENARIOS["technician_pin"] = technician_pin
    SCENARIOS["technician_pin_sizes"] = technician_pin_sizes
    sys.exit(main())
