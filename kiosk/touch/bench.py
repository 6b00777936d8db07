"""The touch kiosk measuring itself (`kiosk bench ui` runs this in a process of its own).

    python -m kiosk.touch.bench --config FILE --transitions N [--full-screen]

Prints JSON: when the first screen was drawn (`time.monotonic()`, comparable with
the parent's clock), the time from each tap to the next frame drawn, the RSS, and the window's
size (full screen: the display's).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

from kiosk.config import load_config
from kiosk.resident_memory import rss_mb
from kiosk.touch.run import run_touch_kiosk

LOOP = ("choice:id", "choice:file", "choice:pengaduan", "nav:back", "nav:back", "nav:cancel")
"""Welcome, menu, kinds of report, categories (a 10-item grid), and back to the start."""
SETTLE_S = 0.5
"""After the first screen is drawn, before the first tap: the window takes the display's size
(full screen) and its first screen is laid out for it."""


def measure(app, transitions: int, result: dict) -> None:
    from kivy.core.window import Window

    from kiosk.touch.driver import TouchDriver, run_script

    def first_flip(*_args) -> None:
        result["first_screen_at"] = time.monotonic()
        result["rss_mb_first_screen"] = rss_mb()
        Window.unbind(on_flip=first_flip)

    Window.bind(on_flip=first_flip)

    def script(driver: TouchDriver):
        yield SETTLE_S
        timings = result["transition_ms"]
        for number in range(transitions):
            name = LOOP[number % len(LOOP)]
            drawn: list[float] = []

            def flipped(*_args, drawn=drawn) -> None:
                drawn.append(time.perf_counter())

            started = time.perf_counter()
            driver.tap(name)
            Window.bind(on_flip=flipped)
            while not drawn:
                yield 0
            Window.unbind(on_flip=flipped)
            timings.append((drawn[0] - started) * 1000)
            yield 0.05
        result["rss_mb"] = rss_mb()
        result["window"] = "x".join(str(side) for side in Window.size)

    result["failures"] = run_script(app, script)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--transitions", type=int, default=60)
    parser.add_argument("--full-screen", action="store_true", help="as a kiosk: the display's size")
    args = parser.parse_args()
    result: dict = {"transition_ms": []}
    run_touch_kiosk(
        load_config(args.config, env={}),
        on_start=lambda app: measure(app, args.transitions, result),
        windowed=not args.full_screen,
    )
    result["failures"] = [repr(error) for error in result["failures"]]
    print(json.dumps(result))


if __name__ == "__main__":
    try:
        main()
    except Exception:
        # Kivy sends sys.stderr to its log, which is off here: the parent reads the real one.
        traceback.print_exc(file=sys.__stderr__)
        sys.exit(1)
