"""Colours, text sizes and the layout's measures of the touch face: high contrast, text never
under 4.8 mm, nothing to touch under 9 mm, everything sized from the window and the panel's
density (pixels per mm), never from the pixels of one panel.

Kept free of Kivy so that the rules (contrast, sizes, what fits) are tested without a window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_TEXT_MM = 4.8
"""Smallest capital-letter height on screen (ADA 707.7, EN 301 549)."""
ROBOTO_CAP_HEIGHT = 1456 / 2048
"""Capital height of the kiosk's font (Roboto) as a share of its size."""
LARGER_TEXT = 1.25
"""How much the "larger text" setting enlarges every text."""
LINE_HEIGHT = 1.18
"""Height of one line of text as a share of its font size (Roboto's is 1.172)."""
MIN_TARGET_MM = 9.0
"""Smallest side of anything touched (ISO 9241-411, EN 301 549)."""
KEY_MM = 15.0
"""Height of a key of the on-screen keyboards where the panel has room for it."""
WIDEST_KEY_MM = 22.0
"""Keys no wider than this on a wide panel: the keyboard stays within a hand's reach."""
PAD_KEY_MM = 30.0
"""Width of a key of the numeric pad on a wide panel."""
ROOMY_ROW_MM = 12.0
"""The smallest height of a choice where the panel is not short."""
NAV_BAR_MM = 13.0
"""Height of the bottom bar's buttons (Kembali, Batal, Bantuan, Lanjut) where there is room."""
ENTRY_LINES = 4
"""A text box shows at most this many lines (fewer where the keyboard leaves less room); longer
text scrolls inside it."""

Colour = tuple[float, float, float, float]


def _hex(value: str) -> Colour:
    value = value.lstrip("#")
    red, green, blue = (int(value[index : index + 2], 16) / 255 for index in (0, 2, 4))
    return (red, green, blue, 1.0)


@dataclass(frozen=True)
class Palette:
    name: str
    background: Colour
    text: Colour
    muted: Colour
    """Secondary text (hints, status line); still at least 7:1 against the background."""
    button: Colour
    button_text: Colour
    accent: Colour
    """The main action (Lanjut, Kirim laporan)."""
    accent_text: Colour
    error: Colour
    error_text: Colour
    header: Colour
    header_text: Colour


LIGHT = Palette(
    name="light",
    background=_hex("#FFFFFF"),
    text=_hex("#111111"),
    muted=_hex("#333333"),
    button=_hex("#0B3D91"),
    button_text=_hex("#FFFFFF"),
    accent=_hex("#005A2B"),
    accent_text=_hex("#FFFFFF"),
    error=_hex("#FDECEC"),
    error_text=_hex("#8B0000"),
    header=_hex("#8B0000"),
    header_text=_hex("#FFFFFF"),
)

DARK = Palette(
    name="dark",
    background=_hex("#000000"),
    text=_hex("#FFFFFF"),
    muted=_hex("#E6E6E6"),
    button=_hex("#FFE14D"),
    button_text=_hex("#000000"),
    accent=_hex("#7CFFB2"),
    accent_text=_hex("#000000"),
    error=_hex("#3A0000"),
    error_text=_hex("#FFB3B3"),
    header=_hex("#1A1A1A"),
    header_text=_hex("#FFE14D"),
)

PALETTES = {palette.name: palette for palette in (LIGHT, DARK)}


def relative_luminance(colour: Colour) -> float:
    """WCAG 2 relative luminance."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in colour[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: Colour, second: Colour) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class TextSizes:
    """Font sizes in pixels for one display density and text setting."""

    body: int
    small: int
    """Hints and the status line: the smallest text, still at least 4.8 mm."""
    title: int
    code: int
    """The receipt code."""
    key: int
    """Labels of the on-screen keyboard."""
    least: int
    """The smallest text of all, with or without larger text (4.8 mm): where larger text has no
    room (a title, a prompt, a short panel's bars), it shrinks back as far as this."""


def text_sizes(pixels_per_mm: float, larger: bool = False) -> TextSizes:
    smallest = math.ceil(MIN_TEXT_MM * pixels_per_mm / ROBOTO_CAP_HEIGHT)
    scale = LARGER_TEXT if larger else 1.0

    def size(factor: float) -> int:
        return math.ceil(smallest * factor * scale)

    return TextSizes(
        body=size(1.1), small=size(1.0), title=size(1.4), code=size(2.4), key=size(1.1),
        least=smallest,
    )  # fmt: skip


def cap_height_mm(font_px: float, pixels_per_mm: float) -> float:
    return font_px * ROBOTO_CAP_HEIGHT / pixels_per_mm


def theme_properties(
    pixels_per_mm: float, dark: bool = False, larger: bool = False
) -> tuple[dict[str, Colour], dict[str, int]]:
    """Colours and text sizes as the plain dicts that .kv rules read (`app.colors`, `app.sizes`)."""
    palette = PALETTES["dark" if dark else "light"]
    colors = {
        name: getattr(palette, name) for name in palette.__dataclass_fields__ if name != "name"
    }
    sizes = text_sizes(pixels_per_mm, larger)
    return colors, {name: getattr(sizes, name) for name in sizes.__dataclass_fields__}


@dataclass(frozen=True)
class Layout:
    """The measures of the touch face for one window, in pixels.

    Everything that is touched is at least `target` on each side. The keyboard's height
    depends on the window only, so that it never moves or shrinks while a citizen types
    (an error that takes more lines takes them from the text box above it). A short wide
    panel (800x480, 1024x600) has no height for a bottom bar: its navigation buttons stand in
    a column at the right (`rail`), the step ("Langkah 3 dari 6") in the header, and the
    status line only on the screens before and after a report (nothing is typed there).

    Larger text never takes a key's or a button's room: there, the header, the prompt's room,
    the status line and the column's labels are measured in the least text (`TextSizes.least`)
    as without it; a title or prompt is larger only where it fits (it shrinks back, as far as
    the least text, where it does not), the typed text as large as leaves keys of 9 mm, the
    choices always larger.
    """

    width: int
    height: int
    target: int
    """The smallest side of anything touched: 9 mm."""
    margin: int
    """Space at the window's edges."""
    gap: int
    """Space between buttons."""
    pad: int
    """Space between a button's edge and its text."""
    thin: int
    """The thinnest space: above and below the body, inside the text box."""
    portrait: bool
    rail: bool
    """The navigation buttons stand in a column at the right, not in a bar at the bottom."""
    step_in_header: bool
    """The step ("Langkah 3 dari 6") stands in the header, not in the status line (which is
    hidden or too narrow for both)."""
    header: int
    """The header's height: the title (two lines in portrait) and the setting buttons."""
    title_room: int
    """The height the title may take."""
    message_room: int
    """The height the prompt or error may take: about 100 characters, in as few lines of
    body text as they fit, else in small text."""
    nav: int
    """The bottom bar's height, or the width of the column at the right."""
    nav_font: int
    status: int
    status_font: int
    """The status line's text (and the step's, "Langkah 3 dari 6")."""
    key: int
    """A key's height: 15 mm where the panel allows it, never under 9 mm."""
    key_gap: int
    keyboard: int
    """The keyboard's height: four rows of keys."""
    keyboard_width: int
    """The widest the letter keyboard gets (centred in a wider body)."""
    pad_width: int
    """The widest the numeric pad gets."""
    row: int
    """The smallest height of a choice."""
    entry_font: int
    """The typed text's: body text, smaller on a short panel with larger text where the keys
    would otherwise go under 9 mm (never under the least text)."""
    line: int
    """One line of the typed text: the text box's height grows by these."""
    small_line: int


def line_height(font_px: float) -> int:
    return math.ceil(font_px * LINE_HEIGHT)


@dataclass(frozen=True)
class NavLabels:
    """How wide the navigation buttons' labels are in the least text, in either language (a
    text's width grows a little less than its size: scaled up, a width is never short)."""

    widest: float
    """The widest label on one line ("Kirim laporan")."""
    widest_word: float
    """The widest word of any label."""


LONGEST_MESSAGE = 100
"""Characters of the longest prompt or error above a keyboard (the date's is 92)."""
CHARACTER_WIDTH = 0.5
"""Roboto's average character width as a share of its size (0.49 measured on Indonesian)."""


def layout_for(
    width: int, height: int, pixels_per_mm: float, sizes: TextSizes, nav: NavLabels
) -> Layout:
    """The layout of a `width` x `height` window on a panel of `pixels_per_mm`, with text in
    `sizes` and navigation buttons labelled as `nav` measures."""

    def mm(value: float) -> int:
        return math.ceil(value * pixels_per_mm)

    target, margin, gap, pad, thin = mm(MIN_TARGET_MM), mm(3), mm(1.5), mm(1), max(2, mm(0.5))
    key_gap = max(2, mm(0.8))
    line, small_line = line_height(sizes.body), line_height(sizes.small)
    portrait = height > width
    # A title of one line in title size, or (portrait) of two in small text.
    title_room = 2 * small_line if portrait else line_height(sizes.title)
    header = max(target, title_room) + 2 * thin
    inside = width - 2 * margin
    message_room = _message_room(sizes.small, inside)
    message = message_room + 2 * pad
    status_font = sizes.small
    status = small_line + thin
    entry_font = sizes.body

    def around_keyboard() -> int:
        """The body's edges, a text box of one line, the gaps."""
        return 2 * thin + line + 2 * thin + 2 * gap

    def key_height(room: int) -> int:
        """Keys as tall as `room` allows below a one-line text box, 9 to 15 mm."""
        return max(target, min(mm(KEY_MM), (room - around_keyboard() - 3 * key_gap) // 4))

    # The bar's labels in one line where they fit, else in two, in body text where it fits.
    nav_font, lines = _bar_labels(nav, (inside - 3 * gap) / 4 - 2 * pad, sizes)
    bar = max(target, min(mm(NAV_BAR_MM), round(height * 0.1)))
    nav_size = max(bar, lines * line_height(nav_font) + 2 * pad)
    room_with_bar = height - header - message - status - nav_size - 2 * thin
    rail = not portrait and 4 * target + 3 * key_gap + around_keyboard() > room_with_bar
    if rail:  # every pixel of height counts: the title, prompt and status in the least text
        status_font = sizes.least
        title_room = line_height(status_font)
        header = max(target, title_room) + 2 * thin
        message_room = _message_room(status_font, inside)
        message = message_room + 2 * pad
        status = line_height(status_font) + thin
        # The column's labels in the least text, wrapped at their spaces.
        nav_font, nav_size = sizes.least, max(2 * target, math.ceil(nav.widest_word) + 2 * pad)
        # The typed text as large as leaves keys of 9 mm below its box.
        keys = 4 * target + 3 * key_gap
        spare = height - header - message - keys - (around_keyboard() - line)
        while entry_font > sizes.least and line_height(entry_font) > spare:
            entry_font -= 1
        line = line_height(entry_font)
    key = key_height(height - header - message if rail else room_with_bar)
    return Layout(
        width=width,
        height=height,
        target=target,
        margin=margin,
        gap=gap,
        pad=pad,
        thin=thin,
        portrait=portrait,
        rail=rail,
        step_in_header=rail or portrait,
        header=header,
        title_room=title_room,
        message_room=message_room,
        nav=nav_size,
        nav_font=nav_font,
        status=status,
        status_font=status_font,
        key=key,
        key_gap=key_gap,
        keyboard=4 * key + 3 * key_gap,
        keyboard_width=10 * mm(WIDEST_KEY_MM) + 9 * key_gap,
        pad_width=3 * mm(PAD_KEY_MM) + 2 * key_gap,
        row=max(target if rail else mm(ROOMY_ROW_MM), line_height(sizes.body) + 2 * pad),
        entry_font=entry_font,
        line=line,
        small_line=small_line,
    )


def _message_room(font: int, inside: float) -> int:
    """The height of the longest prompt or error in `font` on lines `inside` wide."""
    lines = math.ceil(LONGEST_MESSAGE * CHARACTER_WIDTH * font / inside)
    return max(1, lines) * line_height(font)


def _bar_labels(nav: NavLabels, inside: float, sizes: TextSizes) -> tuple[int, int]:
    """The font and the lines of the bottom bar's labels for buttons `inside` wide: in one line
    where they fit, else in two, in the largest text that keeps every word whole."""
    for font, lines, measured in (
        (sizes.body, 1, nav.widest),
        (sizes.small, 1, nav.widest),
        (sizes.body, 2, nav.widest_word),
        (sizes.small, 2, nav.widest_word),
    ):
        if measured * font / sizes.least <= inside:
            return font, lines
    return sizes.least, 2


def layout_properties(layout: Layout) -> dict[str, int | bool]:
    """The layout as the plain dict that .kv rules read (`app.layout`)."""
    return {name: getattr(layout, name) for name in layout.__dataclass_fields__}
