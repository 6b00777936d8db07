"""The touch face's look as rules: text at least 4.8 mm high, contrast at least 7:1, touch
targets at least 9 mm, and room on every supported panel for what a screen must show."""

import pytest

from kiosk.touch.theme import (
    KEY_MM,
    MIN_TARGET_MM,
    MIN_TEXT_MM,
    PALETTES,
    NavLabels,
    cap_height_mm,
    contrast,
    layout_for,
    line_height,
    text_sizes,
)

PAIRS = [
    ("text", "background"),
    ("muted", "background"),
    ("button_text", "button"),
    ("accent_text", "accent"),
    ("error_text", "error"),
    ("header_text", "header"),
]


@pytest.mark.parametrize("palette", PALETTES.values(), ids=PALETTES.keys())
@pytest.mark.parametrize(("foreground", "background"), PAIRS)
def test_contrast_is_at_least_seven_to_one(palette, foreground, background):
    assert contrast(getattr(palette, foreground), getattr(palette, background)) >= 7.0


@pytest.mark.parametrize("pixels_per_mm", [5.88, 4.0, 8.0])
@pytest.mark.parametrize("larger", [False, True])
def test_every_text_size_is_at_least_4_8_mm(pixels_per_mm, larger):
    sizes = text_sizes(pixels_per_mm, larger)
    for name in ("body", "small", "title", "code", "key"):
        assert cap_height_mm(getattr(sizes, name), pixels_per_mm) >= MIN_TEXT_MM, name


def test_larger_text_is_larger():
    assert text_sizes(5.88, True).body > text_sizes(5.88).body


def test_contrast_formula_extremes():
    black, white = (0, 0, 0, 1), (1, 1, 1, 1)
    assert contrast(black, white) == pytest.approx(21.0)
    assert contrast(white, white) == pytest.approx(1.0)


PANELS = [  # size, pixels per mm (see tests/test_touch_sizes.py)
    ((800, 480), 5.2), ((1024, 600), 6.64), ((1280, 800), 5.88),
    ((1920, 1080), 5.65), ((720, 1280), 5.72), ((1080, 1920), 4.03),
]  # fmt: skip
NAV = NavLabels(widest=250.0, widest_word=135.0)  # "Send the report", "Bantuan" at 36 px


def _entry_screen_height(layout) -> int:
    """What a screen with a keyboard needs at least: the header, a message as long as the
    longest, a one-line text box, the keyboard, and (a bottom bar) the bar and status line."""
    message = layout.message_room + 2 * layout.pad
    body = 2 * layout.thin + layout.line + 2 * layout.thin + 2 * layout.gap + layout.keyboard
    bars = 0 if layout.rail else layout.nav + 2 * layout.thin + layout.status
    return layout.header + message + body + bars


@pytest.mark.parametrize(("size", "pixels_per_mm"), PANELS, ids=lambda value: str(value))
@pytest.mark.parametrize("larger", [False, True], ids=["normal", "larger"])
def test_every_panel_has_room_for_a_keyboard_of_fingertip_keys(size, pixels_per_mm, larger):
    layout = layout_for(*size, pixels_per_mm, text_sizes(pixels_per_mm, larger), NAV)
    assert layout.target >= MIN_TARGET_MM * pixels_per_mm
    assert MIN_TARGET_MM * pixels_per_mm <= layout.key <= KEY_MM * pixels_per_mm + 1
    assert layout.row >= layout.target and layout.nav >= layout.target
    assert _entry_screen_height(layout) <= size[1]


def test_a_short_wide_panel_puts_its_buttons_in_a_column_and_others_keep_a_bar():
    rails = {size: layout_for(*size, ppm, text_sizes(ppm), NAV).rail for size, ppm in PANELS}
    assert [size for size, rail in rails.items() if rail] == [(800, 480), (1024, 600)]


def test_letter_keys_are_15_mm_where_the_panel_allows():
    for size, pixels_per_mm in PANELS[2:]:
        layout = layout_for(*size, pixels_per_mm, text_sizes(pixels_per_mm), NAV)
        assert layout.key >= KEY_MM * pixels_per_mm, size


def test_the_bottom_bar_takes_two_lines_of_small_text_where_labels_are_too_wide():
    sizes = text_sizes(5.72)
    narrow = layout_for(720, 1280, 5.72, sizes, NavLabels(widest=400.0, widest_word=170.0))
    wide = layout_for(1920, 1080, 5.72, sizes, NavLabels(widest=250.0, widest_word=135.0))
    assert (narrow.nav_font, wide.nav_font) == (sizes.small, sizes.body)
    assert narrow.nav >= 2 * line_height(sizes.small)


@pytest.mark.parametrize(("size", "pixels_per_mm"), PANELS[:2], ids=lambda value: str(value))
def test_larger_text_on_a_short_panel_keeps_the_bars_and_keys_of_normal_text(size, pixels_per_mm):
    """What gives on a short panel is the text, not the keys: the header, the prompt's room,
    the status line and the column's labels stay as without larger text, the typed text and
    the keys' labels are larger, and the keys stay at least 9 mm."""
    normal = layout_for(*size, pixels_per_mm, text_sizes(pixels_per_mm), NAV)
    larger = layout_for(*size, pixels_per_mm, text_sizes(pixels_per_mm, True), NAV)
    assert normal.rail and larger.rail
    same = ("header", "title_room", "message_room", "status", "status_font", "nav", "nav_font")
    assert {name: getattr(larger, name) for name in same} == {
        name: getattr(normal, name) for name in same
    }
    assert larger.line > normal.line
    assert larger.key >= MIN_TARGET_MM * pixels_per_mm


def test_the_bottom_bar_is_counted_as_tall_as_its_labels_make_it():
    """Larger text on the 10-inch panel: the bar's labels would take two lines of body text; the
    keyboard's room is what is left below a bar that tall (here: none, the buttons go to the
    column at the right), never what a bar of one line would leave."""
    sizes = text_sizes(5.88, True)
    layout = layout_for(1280, 800, 5.88, sizes, NavLabels(widest=240.0, widest_word=134.0))
    assert layout.key >= MIN_TARGET_MM * 5.88
    assert _entry_screen_height(layout) <= 800
