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
    seen["message"] = driver.app.root.ids.message.text
    seen["draft_after"] = driver.app.dialog.draft.classification
    for _ in range(50):  # `[session] notice_s` later (the test sets it), for the next citizen
        if not driver.app.view.notice:
            break
        yield 0.2
    yield from settled()
    driver.screenshot(shots / "timeout-02-notice-gone.png")
    seen["message_later"] = driver.app.root.ids.message.text


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
    size = yield from _sized_window()
    yield from _walk_filing(driver, shots / "sizes", seen, size)


def larger_text_sizes(driver, shots: Path, seen: dict):
    """The `sizes` walk with larger text (A+ pressed on the welcome), screenshots named
    `SIZE-larger-NN-SCREEN.png`."""
    size = yield from _sized_window()
    driver.tap("setting:larger_text")
    yield from settled()
    seen["larger_text"] = driver.app.larger_text
    yield from _walk_filing(driver, shots / "sizes", seen, f"{size}-larger")


def _sized_window():
    """The window sized as `KIOSK_TEST_WINDOW` says (`800x480`); returns that size."""
    from kivy.core.window import Window

    size = os.environ["KIOSK_TEST_WINDOW"]
    Window.size = tuple(int(side) for side in size.split("x"))
    yield 0.5
    return size


def _walk_filing(driver, folder: Path, seen: dict, prefix: str):
    """The filing flow of `FILING` to the receipt and back to the welcome, each screen looked
    at and saved as `PREFIX-NN-SCREEN.png` in `folder` (see `sizes`)."""
    seen.update(problems={}, keyboards={}, text_box={})

    def look(name: str):
        yield from settled()
        number = len(seen["screens"])
        driver.screenshot(folder / f"{prefix}-{number:02d}-{name}.png")
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
            seen["text_box"] = {"height": box.ids.frame.height, "line": driver.app.layout["line"],
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
    for choices in (w for w in widgets(app.root) if isinstance(w, ChoiceList)):  # the review too
        if choices.overflows and choices.at_end:
            problems.append("a list goes on below with no 'more:down'")
        if choices.ids.grid.height > choices.ids.scroll.height + 1 and not choices.overflows:
            problems.append("a list goes on below unmarked")
    return problems + _bottom_bar_problems(app)


def _bottom_bar_problems(app) -> list[str]:
    """The bottom bar as on every screen: its buttons in their fixed slots (Kembali, Batal,
    Bantuan, then the main action; a hidden one keeps its room, so none moves into another's),
    and the main action (Lanjut, Kirim laporan) in the accent colour whenever it shows, however
    often it was pressed before."""
    from kiosk.touch.app import NAV_BUTTONS

    buttons = [app.root.ids[name] for name in NAV_BUTTONS]
    footer = app.root.ids.footer
    problems = []
    if list(reversed(footer.children)) != buttons:
        problems.append("the bottom bar's buttons are not in their order")
    rail = footer.orientation == "vertical"  # a column at the right: top to bottom
    places = [-button.top if rail else button.x for button in buttons]
    lengths = {round(button.height if rail else button.width) for button in buttons[:3]}
    if places != sorted(places) or len(lengths) != 1 or min(lengths) < 1:
        slots = [f"{name} {round(place)}" for name, place in zip(NAV_BUTTONS, places, strict=True)]
        problems.append(f"the bottom bar's slots moved: {', '.join(slots)}, {sorted(lengths)}")
    main = app.root.ids.next
    colours = ([round(part, 3) for part in main.background_color],
               [round(part, 3) for part in app.colors["accent"]])  # fmt: skip
    if main.opacity and (not main.main or colours[0] != colours[1]):
        problems.append(f"the main action {main.text!r} is not in the accent colour")
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


def review_and_receipt(driver, shots: Path, seen: dict):
    """The review and the receipt in a window of `KIOSK_TEST_WINDOW`; needs a short
    `[session] receipt_timeout_s` (the test writes one). Each answer's label, value and
    "Ubah"; one "Ubah" opens its screen. "Kirim laporan" fails once, then stores: the store's
    `save_report` is wrapped (the real one runs after) to note what was on screen when the save
    began, and made to fail the first time as a broken store would. The receipt: its QR code
    (decoded by the test from the screenshot) and its count-down under the code."""
    from kivy.clock import Clock
    from kivy.core.window import Window

    from kiosk.engine.ports import SavingFailed
    from kiosk.touch.app import NAV_BUTTONS
    from kiosk.touch.driver import widgets
    from kiosk.touch.review import ReviewRow
    from kiosk.touch.widgets import KioskButton, QrCode

    size = yield from _sized_window()
    folder = shots / "receipt"
    app, ids = driver.app, driver.app.root.ids
    for action, argument in FILING:
        if action == "tap":
            driver.tap(argument)
        elif action == "type":
            driver.type_text(argument)
        yield 0.1
    yield from settled()
    driver.screenshot(folder / f"{size}-00-review.png")
    seen["review_problems"] = layout_problems(driver)
    seen["answers"] = [[choice.id, choice.label, choice.hint] for choice in app.view.choices]
    rows = [widget for widget in widgets(app.root) if isinstance(widget, ReviewRow)]
    seen["rows"] = [
        [row.ids.label.text, row.ids.value.text, row.ids.change.text, row.ids.change.name,
         isinstance(row, KioskButton)]
        for row in reversed(rows)  # (a layout's children come last added first)
    ]  # fmt: skip
    driver.tap("choice:title")
    yield from settled()
    seen["after_change"] = app.view.screen
    driver.tap("nav:next")
    yield from settled()
    seen["after_change_next"] = app.view.screen

    services, tapped, saves = app.services, [0], seen.setdefault("saves", [])
    real_save = services.save_report

    def save_report(report):
        saves.append({"message": ids.message.text, "screen": app.view.screen,
                      "frames_after_tap": Clock.frames_displayed - tapped[0],
                      "nav_disabled": [ids[name].disabled for name in NAV_BUTTONS]})  # fmt: skip
        driver.screenshot(folder / f"{size}-0{len(saves)}-saving.png")  # the frame drawn last
        if len(saves) == 1:
            raise SavingFailed("the test's broken store")
        return real_save(report)

    services.save_report = save_report
    for attempt in ("failed", "saved"):
        tapped[0] = Clock.frames_displayed
        driver.tap("nav:next")
        seen[f"at_tap_{attempt}"] = [ids.message.text, ids.next.disabled]
        while len(saves) < (1 if attempt == "failed" else 2):
            yield 0.02
        yield from settled()
        seen[attempt] = {
            "screen": app.view.screen,
            "message": ids.message.text,
            "error": app.view.error,
            "next_disabled": ids.next.disabled,
        }
    driver.screenshot(folder / f"{size}-03-receipt.png")
    seen["receipt_problems"] = layout_problems(driver)
    seen["code"] = app.view.code
    seen["qr"] = next(w.data for w in widgets(app.root) if isinstance(w, QrCode))
    while not app.view.timeout_warning:
        yield 0.1
    yield from settled()
    driver.screenshot(folder / f"{size}-04-countdown.png")
    countdown = driver.find("timeout:more").parent
    seen["countdown"] = {"warning": app.view.timeout_warning, "overlays": len(Window.children) - 1,
                         "line": ids.message.text, "more": countdown.ids.more.text,
                         "problems": layout_problems(driver)}  # fmt: skip
    driver.tap("timeout:more")
    yield from settled()
    seen["after_more"] = [app.view.screen, app.view.timeout_warning, countdown.height]
    while app.view.screen != "welcome":
        yield 0.2
    seen["notice_after"] = app.view.notice


DOUBLE_TAPS = (
    ("welcome", "", "choice:id", "menu"),  # the issue: it skipped the menu into filing
    ("menu", "", "choice:file", "classification"),
    ("classification", "", "choice:pengaduan", "category"),
    ("category", "", "choice:5", "kecamatan"),
    ("kecamatan", "", "nav:help", "kecamatan"),  # the help opens over the screen ...
    ("kecamatan", "", "help:close", "kecamatan"),  # ... and closes, nothing under it chosen
    ("kecamatan", "", "choice:32.73.02", "kelurahan"),  # a long list: it acts a moment late
    ("kelurahan", "", "choice:32.73.02.1004", "location"),
    ("location", REPORT["location"], "nav:next", "agency"),
    ("agency", "", "choice:3273021004", "title"),
    ("title", REPORT["title"], "nav:next", "content"),  # the issue: "Isi laporan: wajib diisi."
    ("content", REPORT["content"], "nav:next", "date"),
    ("date", "", "choice:other_date", "date_entry"),
    ("date_entry", "20112026", "nav:next", "identity"),
    ("identity", "", "choice:anonymous", "privacy"),  # the issue: it set "Rahasia"
    ("privacy", "", "nav:back", "identity"),
    ("identity", "", "choice:named", "name"),
    ("name", REPORT["name"], "nav:next", "phone"),
    ("phone", REPORT["phone"], "nav:next", "privacy"),
    ("privacy", "", "choice:public", "review"),  # the issue: it opened "Jenis" to change
    ("review", "", "nav:next", "receipt"),
    ("receipt", "", "choice:finish", "welcome"),
    ("welcome", "", "choice:id", "menu"),
    ("menu", "", "choice:track", "track_code"),
    ("track_code", "{code}", "nav:next", "track_result"),
    ("track_result", "", "choice:finish", "welcome"),
)
"""The double-tap walk through filing and follow-up: on each screen, what is typed first (on a
settled screen), the button tapped twice (`TouchDriver.double_tap`: 80 ms apart, the second
where the first was), and the screen one tap leads to. `{code}`: the receipt's code."""
ISSUE_CASES = {
    ("welcome", "choice:id"): "choice:file",
    ("identity", "choice:anonymous"): "choice:secret",
    ("privacy", "choice:public"): "choice:classification",  # the review's "Jenis": "Ubah"
    ("title", "nav:next"): "nav:next",
}
"""The issue's four double taps: the second tap lands on what it hit then, wherever the
layout puts that now."""
DRAFT_FIELDS = ("language", "classification", "category_id", "kecamatan", "kelurahan",
                "location", "institution_id", "title", "content", "date_choice", "date_typed",
                "identity", "name", "phone", "privacy", "track_code")  # fmt: skip


def double_tap(driver, shots: Path, seen: dict):
    """Hurried taps; `KIOSK_TEST_PART` says which: `walk` (`DOUBLE_TAPS`), `settle` (a tap
    after the settle time), `at_once` (a tap as soon as a screen shows) or `copies` (one touch
    reported by two input devices)."""
    parts = {"walk": _double_tap_walk, "settle": _tap_after_settling, "at_once": _tap_at_once,
             "copies": _touch_copies}  # fmt: skip
    yield from parts[os.environ.get("KIOSK_TEST_PART", "walk")](driver, shots, seen)


def _double_tap_walk(driver, shots: Path, seen: dict):
    """Each step of `DOUBLE_TAPS` noted: the screen after, its error, an overlay open, the
    button under the second tap once all was done, the draft, the reports stored, and whether
    the second tap came before the screen had settled (else it tested nothing)."""
    from time import monotonic

    from kivy.core.window import Window

    from kiosk.touch.driver import DOUBLE_TAP_GAP_S

    app, code = driver.app, ""
    seen["steps"] = []
    for number, (screen, typed, target, _after) in enumerate(DOUBLE_TAPS):
        if app.view.screen != screen:
            raise AssertionError(f"step {number}: on {app.view.screen}, not {screen}")
        if typed:
            driver.type_text(typed.format(code=code.replace("-", "")))
            yield from settled()
        if second := ISSUE_CASES.get((screen, target)):
            driver.tap(target)
            yield DOUBLE_TAP_GAP_S
            point = driver.tap(second, hurried=True)
        else:
            point = yield from driver.double_tap(target)
        early = monotonic() < app.touch_guard.settles_at  # (the guard's clock)
        yield app.touch_guard.settle_s + 0.2  # past the settle time, and a list's late tap
        yield from settled()
        view = app.view
        code = view.code or code
        driver.screenshot(shots / "double-tap" / f"{number:02d}-{screen}-{target}.png")
        draft = app.dialog.draft
        seen["steps"].append({
            "screen": screen, "target": target, "after": view.screen, "error": view.error or "",
            "overlay": len(Window.children) > 1, "under": _button_at(point), "early": early,
            "draft": {name: getattr(draft, name, None) for name in DRAFT_FIELDS},
            "reports": app.services.conn.execute("SELECT count(*) FROM reports").fetchone()[0],
        })  # fmt: skip


def _button_at(point: tuple[float, float]) -> str:
    """The name of the enabled button seen at `point` (an overlay's first), "" for none."""
    from kivy.core.window import Window

    from kiosk.touch.driver import widgets
    from kiosk.touch.widgets import KioskButton

    for widget in widgets(Window.children[0]):
        if not isinstance(widget, KioskButton) or widget.disabled or not widget.opacity:
            continue
        scroll = _scroll_view_of(widget)  # a list shows only part of its buttons
        if _covers(widget, point) and (scroll is None or _covers(scroll, point)):
            return widget.name
    return ""


def _covers(widget, point: tuple[float, float]) -> bool:
    left, bottom = widget.to_window(widget.x, widget.y)
    x, y = point
    return left <= x <= left + widget.width and bottom <= y <= bottom + widget.height


def _tap_after_settling(driver, shots: Path, seen: dict):
    """On the menu just opened, "Buat laporan" tapped, hurried, 0.5 s later."""
    driver.tap("choice:id")
    yield 0.5
    driver.tap("choice:file", hurried=True)
    yield 0.1
    seen["after"] = driver.app.view.screen


def _tap_at_once(driver, shots: Path, seen: dict):
    """On the menu just opened, "Buat laporan" tapped at its first frame."""
    driver.tap("choice:id")
    yield 0  # the menu drawn
    driver.tap("choice:file", hurried=True)
    yield 0.1
    seen["after"] = driver.app.view.screen


def _touch_copies(driver, shots: Path, seen: dict):
    """Keys of the code's pad tapped by one finger that two input devices report: the device
    (`hid_event2`, as Kivy's hidinput names it) and X's pointer (Kivy's mouse provider, its
    press sent as SDL sends it), in either order; then a key tapped twice by one device (a
    double digit) and two keys at once from two devices (not copies: not at one place)."""
    from kivy.base import EventLoop
    from kivy.core.window import Window

    from kiosk.touch.driver import Finger

    app = driver.app
    for choice in ("choice:id", "choice:track"):
        driver.tap(choice)
        yield 0.1
    yield 0.5

    def centre(name: str) -> tuple[float, float]:
        widget = driver.find(name)
        return widget.to_window(*widget.center)

    def pointer(event: str, point: tuple[float, float]) -> None:
        x, y = point
        Window.dispatch(event, x, Window.system_size[1] - 1 - y, "left", [])  # from the top

    def typed() -> str:
        return app.dialog.draft.track_code

    # The device first: Kivy's mouse provider drops the pointer's copy (disable_on_activity).
    finger = Finger(*centre("key:1"), device="hid_event2")
    finger.touch_down()
    pointer("on_mouse_down", centre("key:1"))
    yield 0.05
    finger.touch_up()
    pointer("on_mouse_up", centre("key:1"))
    yield 0.1
    seen["device_first"] = typed()
    # The pointer first (its touch is handed on at the next frame): the guard drops the
    # device's copy, a frame later.
    pointer("on_mouse_down", centre("key:2"))
    while not any(type(touch).__name__ == "MouseMotionEvent" for touch in EventLoop.touches):
        yield 0
    finger = Finger(*centre("key:2"), device="hid_event2")
    finger.touch_down()
    pointer("on_mouse_up", centre("key:2"))
    yield 0.03
    finger.touch_up()
    yield 0.1
    seen["pointer_first"] = typed()
    # One device, one key twice: two touches, two digits.
    yield from driver.double_tap("key:3")
    yield 0.1
    seen["same_device_twice"] = typed()
    # Two devices at two places at once: two touches.
    pointer("on_mouse_down", centre("key:4"))
    yield 0.03
    finger = Finger(*centre("key:5"), device="hid_event2")
    finger.touch_down()
    pointer("on_mouse_up", centre("key:4"))
    finger.touch_up()
    yield 0.1
    seen["two_places"] = typed()
    driver.screenshot(shots / "double-tap" / "copies.png")


def entry_errors(driver, shots: Path, seen: dict):
    """Errors of typed entries in a window of `KIOSK_TEST_WINDOW`: an empty title, a short
    one, a date not yet come. Each noted with the message band (the prompt stays), the error
    by the box, where the keyboard is, and `layout_problems`."""
    size = yield from _sized_window()
    for choice in ("choice:id", "choice:file", "choice:pengaduan", "choice:5",
                   "choice:32.73.02", "choice:32.73.02.1004"):  # fmt: skip
        driver.tap(choice)
        yield 0.1
    driver.tap("nav:next")  # the place's detail may be left empty
    yield 0.1
    driver.tap("choice:3273021004")
    yield from settled()
    seen["keyboard_before"] = _keyboard_place(driver)
    seen["errors"] = {}

    def note(name: str):
        yield from settled()
        driver.screenshot(shots / f"errors-{size}-{len(seen['errors']):02d}-{name}.png")
        app = driver.app
        box = app._entry_box
        row, frame = box.ids.problem_row, box.ids.frame
        seen["errors"][name] = {
            "screen": app.view.screen,
            "error": app.view.error,
            "band": app.root.ids.message.text,
            "band_is_error": app.root.has_error,
            "band_bold": app.root.ids.message.bold,
            "by_the_box": box.ids.problem.text,
            "sign": box.ids.sign.text,
            "above_the_box": row.to_window(row.x, row.y)[1]
            >= frame.to_window(*frame.pos)[1] + frame.height - 1,
            "shown": row.height > 0 and row.opacity == 1,
            "keyboard": _keyboard_place(driver),
            "problems": layout_problems(driver),
        }

    driver.tap("nav:next")  # an empty title
    yield from note("title-empty")
    driver.type_text("abc")
    yield 0.1
    seen["after_typing"] = driver.app._entry_box.ids.problem.text  # correcting clears it
    driver.tap("nav:next")
    yield from note("title-short")
    driver.type_text("de jalan")
    driver.tap("nav:next")
    yield 0.1
    driver.type_text("Lampu jalan di Gang Mawar mati sejak seminggu.")
    driver.tap("nav:next")
    yield 0.1
    driver.tap("choice:other_date")
    yield 0.1
    driver.type_text("01012099")
    driver.tap("nav:next")
    yield from note("date-future")


SCENARIOS = {
    "entry_errors": entry_errors,
    "double_tap": double_tap,
    "review_and_receipt": review_and_receipt,
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
    "larger_text_sizes": larger_text_sizes,
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
