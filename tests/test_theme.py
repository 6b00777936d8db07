"""The touch face's look as rules: text at least 4.8 mm high, contrast at least 7:1."""

import pytest

from kiosk.touch.theme import MIN_TEXT_MM, PALETTES, cap_height_mm, contrast, text_sizes

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
