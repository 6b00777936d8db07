"""Scenarios for the touch kiosk, each run in its own process (one Kivy window a process).

    python tests/touch_scenarios.py SCENARIO --config kiosk.toml --shots DIR --result out.json

The result file records what the scenario saw on screen, for the test to assert on.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.config import load_config
from kiosk.touch.run import run_touch_kiosk

REPORT = {
    "title": "Lampu jalan mati",
    "content": "Lampu jalan di Gang Mawar mati sejak seminggu, gelap sekali.",
    "location": "Jl. Dago 10, depan masjid",
    "name": "Siti Aminah",
    "phone": "081234567890",
}


FILING = (
    ("shot", "welcome"), ("tap", "choice:id"),
    ("shot", "menu"), ("tap", "choice:file"),
    ("shot", "classification"), ("tap", "choice:pengaduan"),
    ("shot", "category"), ("tap", "choice:5"),  # Transportasi dan Perhubungan
    ("shot", "kecamatan"), ("tap", "choice:32.73.02"),  # Coblong
    ("shot", "kelurahan"), ("tap", "choice:32.73.02.1004"),  # Dago
    ("type", REPORT["location"]),
    ("shot", "location"), ("tap", "nav:next"),
    ("shot", "agency"), ("tap", "choice:3273021004"),  # the office of Kelurahan Dago
    ("tap", "nav:next"),  # an empty title: the error is shown, nothing is lost
    ("shot", "title-error"), ("type", REPORT["title"]),
    ("shot", "title"), ("tap", "nav:next"), ("type", REPORT["content"]),
    ("shot", "content"), ("tap", "nav:next"),
    ("shot", "date"), ("tap", "choice:other_date"), ("type", "20112026"),
    ("shot", "date-entry"), ("tap", "nav:next"),
    ("shot", "identity"), ("tap", "choice:named"),
    ("type", REPORT["name"].lower()),  # each word gets its capital by itself

    ("shot", "name"), ("tap", "nav:next"), ("type", REPORT["phone"]),
    ("shot", "phone"), ("tap", "nav:next"),
    ("shot", "privacy"), ("tap", "choice:public"),
    ("shot", "review"),
)  # fmt: skip
"""The filing flow as steps: take a screenshot, tap a widget, or type on the keyboard."""

LONG_TEXT = " ".join(["jalan rusak parah dan berlubang"] * 12)
"""A complaint of several hundred letters: far more than the text box shows."""


def stored_report(app, code: str) -> dict:
    """What the kiosk stored of the report with this receipt code: its place and office."""
    from dataclasses import asdict

    from kiosk.receipt import normalize_code
    from kiosk.store import find_by_code

    report = find_by_code(app.services.conn, normalize_code(code)).report
    return {
        "place": asdict(report.place),
        "location": report.location,
        "institution_id": report.institution_id,
    }


def file_report(driver, shots: Path, seen: dict):
    for action, argument in FILING:
        if action == "shot":
            driver.screenshot(shots / f"file-{len(seen['screens']):02d}-{argument}.png")
            seen["screens"].append(driver.app.view.screen)
            if argument == "title-error":
                seen["title_error"] = driver.app.view.error
        elif action == "tap":
            driver.tap(argument)
        else:
            driver.type_text(argument)
        yield 0.1
    seen["next_label"] = driver.find("nav:next").text
    driver.tap("nav:next")
    yield 0.3
    driver.screenshot(shots / "file-99-receipt.png")
    seen["screens"].append(driver.app.view.screen)
    seen["code"] = driver.app.view.code
    seen["stored"] = stored_report(driver.app, seen["code"])
    driver.tap("choice:finish")
    yield 0.1
    seen["screens"].append(driver.app.view.screen)
    seen["draft_after"] = driver.app.dialog.draft.name


def follow_up(driver, shots: Path, seen: dict):
    """Needs `KIOSK_TEST_CODE` (a delivered report) and `KIOSK_TEST_SIM` (the simulator URL)."""
    code = os.environ["KIOSK_TEST_CODE"]
    driver.tap("choice:id")
    yield 0.1
    driver.tap("choice:track")
    yield 0.1
    typo = code[:-1] + str((int(code[-1]) + 1) % 10)
    driver.type_text(typo.replace("-", ""))
    driver.tap("nav:next")
    yield 0.1
    driver.screenshot(shots / "track-00-invalid-code.png")
    seen["typo_error"] = driver.app.view.error
    driver.tap("key:clear")
    driver.type_text(code.replace("-", ""))
    yield 0.1
    driver.screenshot(shots / "track-01-code.png")
    driver.tap("nav:next")
    yield 0.2
    driver.screenshot(shots / "track-02-status.png")
    seen["first"] = list(driver.app.view.lines)
    complaint_id = os.environ["KIOSK_TEST_COMPLAINT"]
    sim = os.environ["KIOSK_TEST_SIM"]
    for _ in range(2):
        request = urllib.request.Request(
            f"{sim}/_sim/complaints/{complaint_id}/advance", data=b"", method="POST"
        )
        urllib.request.urlopen(request, timeout=5).close()
    driver.tap("choice:track_again")
    yield 0.1
    driver.type_text(code.replace("-", ""))
    driver.tap("nav:next")
    yield 0.2
    driver.screenshot(shots / "track-03-status-advanced.png")
    seen["second"] = list(driver.app.view.lines)
    seen["shown_code"] = driver.app.view.code
    driver.tap("choice:finish")
    yield 0.1
    seen["after"] = driver.app.view.screen


def time_out(driver, shots: Path, seen: dict):
    """Needs a configuration with a short idle time-out (the test writes one)."""
    driver.tap("choice:id")
    yield 0.1
    driver.tap("choice:file")
    yield 0.1
    driver.tap("choice:pengaduan")
    yield 0.1
    while not driver.app.view.timeout_warning:
        yield 0.2
    yield 0.2
    driver.screenshot(shots / "timeout-00-warning.png")
    seen["warning"] = driver.app.view.timeout_warning
    driver.tap("timeout:more")
    yield 0.2
    seen["after_more_time"] = driver.app.view.screen
    seen["warning_after_more_time"] = driver.app.view.timeout_warning
    while driver.app.view.screen != "welcome":
        yield 0.2
    yield 0.2
    driver.screenshot(shots / "timeout-01-ended.png")
    seen["notice"] = driver.app.view.notice
    seen["draft_after"] = driver.app.dialog.draft.classification


def look(driver, shots: Path, seen: dict):
    """English, larger text, the dark theme and the help overlay; settings reset after."""
    driver.tap("choice:en")
    yield 0.1
    driver.tap("choice:file")
    yield 0.1
    driver.tap("setting:larger_text")
    yield 0.1
    driver.screenshot(shots / "look-00-english-larger.png")
    driver.tap("setting:contrast")
    yield 0.1
    driver.tap("choice:pengaduan")
    yield 0.1
    driver.screenshot(shots / "look-01-dark-category.png")
    driver.tap("nav:help")
    yield 0.1
    driver.screenshot(shots / "look-02-help.png")
    seen["help_open"] = driver.find("help:close") is not None
    driver.tap("help:close")
    yield 0.1
    seen["title"] = driver.app.view.title
    driver.tap("nav:cancel")
    yield 0.1
    seen["after"] = (driver.app.view.screen, driver.app.larger_text, driver.app.dark)


def alphabet_index(driver, shots: Path, seen: dict):
    """The kecamatan's alphabet index: a letter scrolls to its first name and chooses nothing.
    `KIOSK_TEST_WINDOW` (`800x480`) sizes the window first; the panel's size is the default."""
    from kivy.core.window import Window

    from kiosk.touch.widgets import plain_text

    size = os.environ.get("KIOSK_TEST_WINDOW", "1280x800")
    Window.size = tuple(int(side) for side in size.split("x"))
    yield 0.3
    for choice in ("choice:id", "choice:file", "choice:pengaduan", "choice:5"):
        driver.tap(choice)
        yield 0.1
    driver.screenshot(shots / f"index-{size}-00-kecamatan.png")
    index = driver.find("letter:A").parent
    seen["letters"] = [letter.name for letter in reversed(index.children)]
    seen["smallest_letter"] = min(min(letter.size) for letter in index.children)
    driver.tap("letter:C")
    yield 0.3
    driver.screenshot(shots / f"index-{size}-01-letter-c.png")
    seen["after_letter"] = driver.app.view.screen
    grid = driver.find("choice:32.73.02").parent
    seen["top_row"] = [plain_text(button.text) for button in reversed(grid.children)
                       if _at_top(button)]  # fmt: skip
    seen["coblong_seen"] = _in_view(driver.find("choice:32.73.02"))
    seen["names_seen"] = sum(_in_view(button) for button in grid.children)
    driver.tap("choice:32.73.02")
    yield 0.1
    driver.screenshot(shots / f"index-{size}-02-kelurahan.png")
    seen["after_choice"] = driver.app.view.screen


def _viewport(button) -> tuple[float, float, float, float]:
    """The bottom and top of a choice button and of its list's viewport, in the window."""
    scroll = button.parent.parent
    _, bottom = scroll.to_window(scroll.x, scroll.y)
    _, low = button.to_window(button.x, button.y)
    _, high = button.to_window(button.x, button.top)
    return low, high, bottom, bottom + scroll.height


def _in_view(button) -> bool:
    low, high, bottom, top = _viewport(button)
    return bottom - 1 <= low and high <= top + 1


def _at_top(button) -> bool:
    _, high, _, top = _viewport(button)
    return abs(high - top) <= 1


def sizes(driver, shots: Path, seen: dict):
    """The filing flow in a window of `KIOSK_TEST_WINDOW` (`800x480`), every screen checked as a
    citizen would find it (`layout_problems`), to the receipt and back to the welcome. On the
    complaint, text far longer than the text box; the keyboard's place is noted on every
    screen that shows it."""
    from kivy.core.window import Window

    size = os.environ["KIOSK_TEST_WINDOW"]
    Window.size = tuple(int(side) for side in size.split("x"))
    folder = shots / "sizes"
    seen.update(problems={}, keyboards={}, text_box={})
    yield 0.5

    def look(name: str):
        yield from settled()
        number = len(seen["screens"])
        driver.screenshot(folder / f"{size}-{number:02d}-{name}.png")
        seen["screens"].append(driver.app.view.screen)
        if problems := layout_problems(driver):
            seen["problems"][name] = problems
        if keyboard := _keyboard_place(driver):
            seen["keyboards"][name] = keyboard

    for action, argument in FILING:
        if action == "shot":
            yield from look(argument)
            if argument == "kecamatan":  # the longest help there is, over the screen
                driver.tap("nav:help")
                yield from look("kecamatan-help")
                driver.tap("help:close")
        elif action == "tap":
            driver.tap(argument)
        elif driver.app.view.screen == "content":  # the long complaint instead
            driver.type_text(LONG_TEXT)
            yield from settled()
            box = driver.app._entry_box
            seen["text_box"] = {"height": box.height, "line": driver.app.layout["line"],
                                "scrolled": box.ids.scroll.scroll_y}  # fmt: skip
        else:
            driver.type_text(argument)
        yield 0.1
    seen["draft_name"] = driver.app.dialog.draft.name
    driver.tap("nav:next")
    yield 0.3
    yield from look("receipt")
    driver.tap("choice:finish")
    yield from settled()
    seen["screens"].append(driver.app.view.screen)


def settled():
    """Let the app lay out what changed (a few frames, more on a loaded machine)."""
    from kivy.clock import Clock

    start = Clock.frames_displayed
    while Clock.frames_displayed < start + 3:
        yield 0.05
    yield 0.1


def layout_problems(driver) -> list[str]:
    """What is wrong with the screen shown, for a citizen: a text cut or wider than its
    widget, a button under 9 mm, two things on top of each other, something outside the
    window, the main action (Lanjut, else the choices) out of sight, a list that goes on below
    without its "more" button."""
    from kivy.core.window import Window
    from kivy.uix.label import Label

    from kiosk.touch.driver import widgets
    from kiosk.touch.widgets import ChoiceList, KioskButton, QrCode, plain_text, text_width

    app = driver.app
    smallest = 9 * app.kiosk_config.touch.pixels_per_mm - 0.5
    width, height = Window.size
    problems: list[str] = []
    boxes = []  # what is seen, and where: (name, widget, left, bottom, right, top)
    screen = Window.children[0]  # the kiosk's root, or an overlay open over it
    for widget in widgets(screen):
        if not _shown(widget, screen) or not isinstance(widget, Label | QrCode):
            continue
        name = getattr(widget, "name", "") or plain_text(getattr(widget, "text", ""))[:24]
        if isinstance(widget, Label) and widget.text:
            text_w, text_h = widget.texture_size
            if text_w > widget.width + 1 or text_h > widget.height + 1:
                problems.append(f"{name!r}: text {text_w}x{text_h} in {widget.width:.0f}x"
                                f"{widget.height:.0f}")  # fmt: skip
            if widget.shorten and text_width(widget.text, widget.font_size) > widget.width:
                problems.append(f"{name!r}: shortened")
        if isinstance(widget, KioskButton) and min(widget.size) < smallest:
            problems.append(f"{name!r}: {widget.width:.0f}x{widget.height:.0f}, under 9 mm")
        left, bottom = widget.to_window(widget.x, widget.y)
        right, top = widget.to_window(widget.right, widget.top)
        scroll = _scroll_view_of(widget)
        if scroll is not None:  # only what the list shows of it
            s_left, s_bottom = scroll.to_window(scroll.x, scroll.y)
            left, bottom = max(left, s_left), max(bottom, s_bottom)
            right, top = min(right, s_left + scroll.width), min(top, s_bottom + scroll.height)
            if right - left < 1 or top - bottom < 1:
                continue
        elif left < -1 or bottom < -1 or right > width + 1 or top > height + 1:
            problems.append(f"{name!r}: outside the window")
        boxes.append((name, widget, left, bottom, right, top))
    for number, (name, _, left, bottom, right, top) in enumerate(boxes):
        for other, _, o_left, o_bottom, o_right, o_top in boxes[number + 1 :]:
            if (
                min(right, o_right) - max(left, o_left) > 1
                and min(top, o_top) - max(bottom, o_bottom) > 1
            ):
                problems.append(f"{name!r} and {other!r} overlap")
    view = app.view
    if screen is not app.root:  # an overlay: its own button is its action
        return problems
    if view.can_go_next:
        if not any(box[1] is _named(app, "nav:next") for box in boxes):
            problems.append("'nav:next' is not seen")
    elif view.choices:
        first = _named(app, f"choice:{view.choices[0].id}")
        seen = [box for box in boxes if box[1] is first]
        if not seen or seen[0][5] - seen[0][3] < first.height - 1:
            problems.append("the first choice is not seen whole")
        for choices in (w for w in widgets(app.root) if isinstance(w, ChoiceList)):
            if choices.overflows and choices.at_end:
                problems.append("a list goes on below with no 'more:down'")
            if choices.ids.grid.height > choices.ids.scroll.height + 1 and not choices.overflows:
                problems.append("a list goes on below unmarked")
    return problems


def _shown(widget, root) -> bool:
    while widget is not None and widget is not root.parent:
        if widget.opacity == 0 or (widget.width < 1 or widget.height < 1):
            return False
        widget = widget.parent
    return True


def _scroll_view_of(widget):
    from kivy.core.window import Window
    from kivy.uix.scrollview import ScrollView

    parent = widget.parent
    while parent not in (None, Window) and not isinstance(parent, ScrollView):
        parent = parent.parent
    return parent if isinstance(parent, ScrollView) else None


def _named(app, name: str):
    from kiosk.touch.driver import widgets

    return next((w for w in widgets(app.root) if getattr(w, "name", "") == name), None)


def _keyboard_place(driver) -> list[float] | None:
    """Where the keyboard is and how big (left, bottom, width, height), None without one."""
    from kiosk.touch.driver import widgets
    from kiosk.touch.keyboard import Keyboard

    for widget in widgets(driver.app.root):
        if isinstance(widget, Keyboard):
            left, bottom = widget.to_window(widget.x, widget.y)
            return [round(left), round(bottom), round(widget.width), round(widget.height)]
    return None


def stop_signal(driver, shots: Path, seen: dict):
    """SIGTERM mid-report, as `systemctl stop` sends it: the draft is dropped, the app stops."""
    import signal

    app = driver.app
    for choice in ("choice:id", "choice:file", "choice:pengaduan"):
        driver.tap(choice)
        yield 0.1
    seen["draft_before"] = app.dialog.draft.classification
    app.bind(on_stop=lambda _app: seen.update(draft_at_stop=app.dialog.draft.classification))
    seen["closing_refused"] = app.root_window.dispatch("on_request_close")
    seen["stopped"] = True
    os.kill(os.getpid(), signal.SIGTERM)
    yield 5.0
    seen["stopped"] = "still running"


def keypad(driver, shots: Path, seen: dict):
    """Any keypad key starts the audio session; touches then need a confirming second tap."""
    from kivy.core.window import Window

    def key(code: int) -> None:
        Window.dispatch("on_key_down", code, 0, None, [])
        Window.dispatch("on_key_up", code, 0)

    key(263)  # the keypad's top-left key: "1" in the phone layout (the first key only starts)
    yield 0.3
    seen["audio"] = driver.app.view.audio
    seen["after_first_key"] = driver.app.view.screen
    key(263)  # 1: Bahasa Indonesia
    yield 0.3
    key(263)  # 1: Buat laporan
    yield 0.3
    seen["after_second_key"] = driver.app.view.screen
    seen["blanked"] = driver.app.root.blanked
    driver.screenshot(shots / "keypad-00-blanked.png")
    driver.tap("choice:pengaduan")
    yield 0.2
    seen["after_one_touch"] = driver.app.view.screen
    driver.tap("choice:pengaduan")
    yield 0.2
    seen["after_two_touches"] = driver.app.view.screen
    volume = driver.app.audio_face.speaker.volume
    key(269)  # UP pressed: the focus moves up
    yield 0.3
    seen["volume_after_press"] = driver.app.audio_face.speaker.volume - volume
    Window.dispatch("on_key_down", 269, 0, None, [])  # UP held: the volume goes up once
    yield 1.2
    Window.dispatch("on_key_up", 269, 0)
    yield 0.2
    seen["volume_after_hold"] = round(driver.app.audio_face.speaker.volume - volume, 2)
    seen["screen_after_hold"] = driver.app.view.screen
    key(27)  # HOME, mid-filing: asked first ...
    yield 0.3
    seen["after_home"] = driver.app.view.screen
    key(271)  # ... and confirmed with ENTER
    yield 0.3
    seen["after_confirming"] = (
        driver.app.view.screen,
        driver.app.view.audio,
        driver.app.root.blanked,
    )


def headphones(driver, shots: Path, seen: dict):
    """Needs `[audio] jack = "gpio:FILE"` with FILE holding 0 (the test writes both)."""
    pin = Path(os.environ["KIOSK_TEST_JACK"])
    yield 0.5
    seen["before"] = driver.app.view.audio
    pin.write_text("1\n")  # headphones plugged in
    yield 1.0
    seen["after"] = (driver.app.view.audio, driver.app.root.blanked)
    seen["overheard_in"] = driver.app.audio_face.overheard
    pin.write_text("0\n")  # and pulled out again: others may hear from now on
    yield 1.0
    seen["overheard_out"] = driver.app.audio_face.overheard


def voice_answer(driver, shots: Path, seen: dict):
    """Needs an `id` speech model and `KIOSK_TEST_ANSWER` (a WAV played to the microphone)."""
    import subprocess

    from kivy.core.window import Window

    Window.dispatch("on_key_down", 263, 0, None, [])  # 1: Bahasa Indonesia, audio session
    for _ in range(100):  # the model loads beside the UI
        if driver.app.audio_face.listener is not None:
            break
        yield 0.2
    seen["listener"] = driver.app.audio_face.listener is not None
    Window.dispatch("on_key_down", 268, 0, None, [])  # REPEAT: prompt, then the microphone
    Window.dispatch("on_key_up", 268, 0)  # (a key that can be held acts when let go)
    driver.app.audio_face.speaker.wait()
    yield 1.0
    subprocess.run(["paplay", os.environ["KIOSK_TEST_ANSWER"]], check=True)
    for _ in range(100):
        if driver.app.audio_face.listener.last is not None:
            break
        yield 0.2
    last = driver.app.audio_face.listener.last
    seen["heard"] = None if last is None else [last.speech_end_s, last.decided_s, last.text]


SCENARIOS = {
    "voice_answer": voice_answer,
    "headphones": headphones,
    "keypad": keypad,
    "stop_signal": stop_signal,
    "file_report": file_report,
    "follow_up": follow_up,
    "time_out": time_out,
    "look": look,
    "alphabet_index": alphabet_index,
    "sizes": sizes,
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=SCENARIOS)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--shots", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args()
    seen: dict = {"screens": []}
    failures: list = []

    def start(app):
        from kiosk.touch.driver import run_script

        script = SCENARIOS[args.scenario]
        failures.append(run_script(app, lambda driver: script(driver, args.shots, seen)))

    run_touch_kiosk(load_config(args.config), on_start=start, windowed=True)
    errors = failures[0] if failures else [RuntimeError("the app never started")]
    seen["failure"] = repr(errors[0]) if errors else None
    args.result.write_text(json.dumps(seen, ensure_ascii=False, indent=1))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
