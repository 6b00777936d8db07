"""The touch face on every supported panel: the whole filing flow at each size, every screen
checked as a citizen finds it (`touch_scenarios.layout_problems`); screenshots and a contact
sheet a size in `artifacts/screens/sizes/` for people to look at. And the full-screen window
on panels of other sizes than the one configured."""

import json
import os
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from repo_paths import REPO_ROOT
from test_touch import SHOTS, _kiosk_run, panel_config, run_scenario

from kiosk.touch.display import virtual_display
from kiosk.touch.theme import ENTRY_LINES, KEY_MM, MIN_TARGET_MM

PANELS = [
    # size, pixels per mm, the letter keys' least height in mm
    ("800x480", 5.2, MIN_TARGET_MM),  # the Raspberry Pi 7-inch touch display
    ("1024x600", 6.64, MIN_TARGET_MM),  # a 7-inch panel
    ("1280x800", 5.88, KEY_MM),  # the 10.1-inch panel of the kiosk
    ("1920x1080", 5.65, KEY_MM),  # a 15.6-inch panel
    ("720x1280", 5.72, KEY_MM),  # a 10.1-inch panel standing (portrait)
    ("1080x1920", 4.03, KEY_MM),  # a 21.5-inch panel standing (a floor kiosk)
]
FLOW = [
    "welcome", "menu", "classification", "category", "kecamatan", "kecamatan", "kelurahan",
    "location", "agency", "title", "title", "content", "date", "date_entry", "identity", "name",
    "phone", "privacy", "review", "receipt", "welcome",
]  # fmt: skip
"""The screens seen (the kecamatan twice: with its help open; the title with its error)."""
LETTER_KEYBOARD = ("location", "title-error", "title", "content", "name")
NUMERIC_PAD = ("date-entry", "phone")
CONTACT_SHEET_COLUMNS = 4


@pytest.fixture(scope="module")
def display():
    """An X screen large enough for every size, standing or lying."""
    shutil.rmtree(SHOTS / "sizes", ignore_errors=True)
    with virtual_display((1920, 1920)) as number:
        yield number


@pytest.mark.parametrize(("window", "pixels_per_mm", "key_mm"), PANELS, ids=[p[0] for p in PANELS])
def test_every_screen_of_filing_fits_the_panel(display, tmp_path, window, pixels_per_mm, key_mm):
    config = panel_config(tmp_path, pixels_per_mm)
    seen = run_scenario("sizes", config, display, tmp_path, KIOSK_TEST_WINDOW=window)
    _contact_sheet(window)
    assert seen["screens"] == FLOW
    assert seen["problems"] == {}  # nothing cut, overlapping or small; the main action seen
    # The keyboard never moves or shrinks: not for an error, not for a long text.
    letters = {tuple(seen["keyboards"][screen]) for screen in LETTER_KEYBOARD}
    pads = {tuple(seen["keyboards"][screen]) for screen in NUMERIC_PAD}
    assert len(letters) == 1 and len(pads) == 1
    [(_, _, _, keyboard_height)] = letters
    assert keyboard_height / 4 >= key_mm * pixels_per_mm - 1  # four rows of keys, and gaps
    box = seen["text_box"]  # several hundred letters typed: the box holds a few lines ...
    assert box["height"] <= ENTRY_LINES * box["line"] + box["line"] / 2
    assert box["scrolled"] == 0  # ... and shows their end, where the next letter goes
    assert seen["draft_name"] == "Siti Aminah"  # typed in small letters: names get capitals


LARGER_TEXT_PANELS = [(window, density) for window, density, _ in PANELS
                      if window in ("800x480", "1024x600", "720x1280")]  # fmt: skip
"""The shortest panels, and the narrowest: where larger text has the least room."""


@pytest.mark.parametrize(("window", "pixels_per_mm"), LARGER_TEXT_PANELS,
                         ids=[panel[0] for panel in LARGER_TEXT_PANELS])  # fmt: skip
def test_every_screen_of_filing_fits_with_larger_text(display, tmp_path, window, pixels_per_mm):
    """A+ pressed on the welcome: every screen still fits (text wraps or shrinks back towards
    normal size where a line has no room), the keys keep at least 9 mm and their place."""
    config = panel_config(tmp_path, pixels_per_mm)
    seen = run_scenario("larger_text_sizes", config, display, tmp_path, KIOSK_TEST_WINDOW=window)
    _contact_sheet(f"{window}-larger")
    assert seen["larger_text"] is True
    assert seen["screens"] == FLOW
    assert seen["problems"] == {}
    letters = {tuple(seen["keyboards"][screen]) for screen in LETTER_KEYBOARD}
    pads = {tuple(seen["keyboards"][screen]) for screen in NUMERIC_PAD}
    assert len(letters) == 1 and len(pads) == 1
    [(_, _, _, keyboard_height)] = letters
    assert keyboard_height / 4 >= MIN_TARGET_MM * pixels_per_mm - 1


def _contact_sheet(window: str) -> None:
    """The screenshots of one size (`800x480`, or `800x480-larger` with larger text) on one
    page, a quarter of their size."""
    from PIL import Image

    shots = sorted((SHOTS / "sizes").glob(f"{window}-[0-9]*.png"))
    if not shots:
        return
    images = [Image.open(shot) for shot in shots]
    width, height = images[0].width // 4, images[0].height // 4
    rows = -(-len(images) // CONTACT_SHEET_COLUMNS)
    sheet = Image.new("RGB", (CONTACT_SHEET_COLUMNS * (width + 8), rows * (height + 8)), "gray")
    for number, image in enumerate(images):
        row, column = divmod(number, CONTACT_SHEET_COLUMNS)
        sheet.paste(image.resize((width, height)), (column * (width + 8), row * (height + 8)))
    sheet.save(SHOTS / "sizes" / f"{window}-sheet.png")


HEADER = (0x8B, 0x00, 0x00)  # theme.LIGHT.header
BACKGROUND = (0xFF, 0xFF, 0xFF)  # theme.LIGHT.background
FILLS_WITHIN_S = 20.0


@pytest.mark.parametrize("size", [(800, 480), (720, 1280)], ids=["800x480", "720x1280"])
def test_the_full_screen_window_fills_a_panel_of_any_size(tmp_path, size):
    """Configured for the 10-inch panel (1280x800), started full screen on another: the header
    reaches the screen's top corners, the welcome's status line its bottom ones."""
    config = tmp_path / "kiosk.toml"
    config.write_text('[data]\ndir = "data"\n')
    width, height = size
    corners = {(2, 2): HEADER, (width - 3, 2): HEADER,
               (2, height - 3): BACKGROUND, (width - 3, height - 3): BACKGROUND}  # fmt: skip
    with (
        virtual_display(size, framebuffer=tmp_path) as display,
        _kiosk_run(config, display, tmp_path, windowed=False),
    ):
        deadline = time.monotonic() + FILLS_WITHIN_S
        while (seen := _pixels(tmp_path / "Xvfb_screen0", corners)) != corners:
            assert time.monotonic() < deadline, f"the screen's corners show {seen}"
            time.sleep(0.2)


def _pixels(framebuffer: Path, points: dict) -> dict:
    """The colours at `points` of an Xvfb screen kept as an XWD file (32 bits a pixel)."""
    data = framebuffer.read_bytes()
    fields = struct.unpack(">25I", data[:100])
    header_size, byte_order, bytes_per_line, colours = fields[0], fields[7], fields[12], fields[19]
    start = header_size + colours * 12
    found = {}
    for x, y in points:
        pixel = data[start + y * bytes_per_line + x * 4 : start + y * bytes_per_line + x * 4 + 4]
        blue, green, red = (pixel[0], pixel[1], pixel[2]) if byte_order == 0 else pixel[3:0:-1]
        found[(x, y)] = (red, green, blue)
    return found


def test_the_ui_benchmark_runs_full_screen_at_a_panels_size():
    """`kiosk bench ui --size 800x480`: the kiosk full screen on a display of that size (not the
    configured 1280x800), and the figures say which size they are of."""
    environment = {key: value for key, value in os.environ.items() if key != "DISPLAY"}
    completed = subprocess.run(
        [sys.executable, "-m", "kiosk", "bench", "ui", "--json", "--size", "800x480"],
        cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    figures = json.loads(completed.stdout)
    assert figures["window"] == "800x480"
    assert figures["transitions"] == 60 and figures["cold_start_s"] > 0
