"""Errors by the field they are about, in a real window: the prompt stays in the message
band, the error (a sign and what to do) right above the text box, the keyboard where it was.
Where the panel leaves no room above the box (a short panel, a long prompt), the error takes
the prompt's place in the band, in the error colour: it carries the prompt's format."""

import pytest
from test_touch import panel_config, run_scenario

from kiosk.i18n import text
from kiosk.touch.display import virtual_display

ERRORS = {
    "title-empty": "Tulis judul, paling sedikit 5 huruf.",
    "title-short": "Judul terlalu pendek (3 huruf). Tulis paling sedikit 5 huruf.",
    "date-future": text("screen.date_entry.error.date_in_future", "id"),
}
BY_THE_BOX = {
    "800x480": {"title-empty"},  # the 7-inch panel: only a short error has room
    "1280x800": {"title-empty", "title-short"},  # the date's prompt takes the room
}


@pytest.fixture(scope="module")
def display():
    with virtual_display((1280, 800)) as number:
        yield number


@pytest.mark.parametrize(
    ("window", "pixels_per_mm"),
    [("800x480", 5.2), ("1280x800", 5.88)],  # a 7-inch panel; the 10-inch panel of the kiosk
    ids=["7-inch", "10-inch"],
)
def test_an_entry_s_error_stands_by_its_box_and_the_prompt_stays(
    display, tmp_path, window, pixels_per_mm
):
    config = panel_config(tmp_path, pixels_per_mm)
    seen = run_scenario("entry_errors", config, display, tmp_path, KIOSK_TEST_WINDOW=window)
    errors = seen["errors"]
    assert {name: shown["error"] for name, shown in errors.items()} == ERRORS
    for name, shown in errors.items():
        if name in BY_THE_BOX[window]:
            assert shown["by_the_box"] == ERRORS[name] and shown["sign"] == "\u26a0", name
            assert shown["shown"] and shown["above_the_box"], name
            assert shown["band"] == text(f"screen.{shown['screen']}.prompt", "id"), name
            assert not shown["band_is_error"] and not shown["band_bold"], name
        else:
            assert not shown["shown"] and shown["band"] == ERRORS[name], name
            assert shown["band_is_error"] and shown["band_bold"], name  # not by colour alone
        assert shown["problems"] == [], name  # nothing cut or overlapping
    assert seen["after_typing"] == ""  # typing again clears it
    # The keyboard neither moves nor shrinks for an error, by the box or in the band.
    assert errors["title-empty"]["keyboard"] == seen["keyboard_before"]
    assert errors["title-short"]["keyboard"] == seen["keyboard_before"]
