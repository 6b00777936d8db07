"""Colours and text sizes of the touch face: high contrast, text never under 4.8 mm.

Kept free of Kivy so that the rules (contrast, sizes) are tested without a window.
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


def text_sizes(pixels_per_mm: float, larger: bool = False) -> TextSizes:
    smallest = math.ceil(MIN_TEXT_MM * pixels_per_mm / ROBOTO_CAP_HEIGHT)
    scale = LARGER_TEXT if larger else 1.0

    def size(factor: float) -> int:
        return math.ceil(smallest * factor * scale)

    return TextSizes(
        body=size(1.1), small=size(1.0), title=size(1.4), code=size(2.4), key=size(1.1)
    )


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
