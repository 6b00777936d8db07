"""The review and the receipt by touch, in a real window (Xvfb): "check your answers",
"Menyimpan..." before the store is written, a failed save that gives the buttons back, the
receipt's QR code read by a barcode reader (`zbarimg`, a system package) and its count-down
under the code. Screenshots in `artifacts/screens/receipt/` for people to look at."""

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from test_touch import SHOTS, panel_config, run_scenario

from kiosk.i18n import text
from kiosk.receipt import qr_text
from kiosk.touch.display import virtual_display

PANELS = [("800x480", 5.2), ("1280x800", 5.88), ("720x1280", 5.72)]
RECEIPT_S = 8
WARNING_S = 5


@pytest.fixture(scope="module")
def display():
    shutil.rmtree(SHOTS / "receipt", ignore_errors=True)
    with virtual_display((1280, 1280)) as number:
        yield number


@pytest.mark.parametrize(("window", "pixels_per_mm"), PANELS, ids=[p[0] for p in PANELS])
def test_review_saving_and_the_receipt(display, tmp_path, window, pixels_per_mm):
    session = (
        f"[session]\nidle_timeout_s = 60.0\nwarning_s = {WARNING_S}.0\n"
        f"receipt_timeout_s = {RECEIPT_S}.0\n"
    )
    config = panel_config(tmp_path, pixels_per_mm, session)
    seen = run_scenario("review_and_receipt", config, display, tmp_path, KIOSK_TEST_WINDOW=window)

    # The review: every answer a row with its label, its whole value and "Ubah" (the button is
    # the review's choice, by its name); the row itself is no button. "Ubah" opens its screen.
    assert seen["review_problems"] == []  # nothing cut or overlapping, the list's more cue
    assert len(seen["answers"]) >= 9
    assert seen["rows"] == [
        [label, value, "Ubah", f"choice:{screen}", False]
        for screen, label, value in seen["answers"]
    ]
    assert ["Judul", "Lampu jalan mati"] in [row[:2] for row in seen["rows"]]
    assert (seen["after_change"], seen["after_change_next"]) == ("title", "review")

    # "Kirim laporan": "Menyimpan..." and the buttons held at once, drawn before the save.
    saving = text("ui.saving", "id")
    assert seen["at_tap_failed"] == seen["at_tap_saved"] == [saving, True]
    for save in seen["saves"]:
        assert save["message"] == saving and save["screen"] == "review"
        assert save["nav_disabled"] == [True, True, True, True]
        assert save["frames_after_tap"] >= 1  # a frame with it was on screen before the save
    failed = seen["failed"]  # the review again, with why, and its buttons back
    assert (failed["screen"], failed["error"]) == ("review", text("ui.saving_failed", "id"))
    assert failed["message"] != saving and failed["next_disabled"] is False
    assert seen["saved"]["screen"] == "receipt"

    # The receipt: its QR code holds the code in a sentence a phone shows as it is.
    assert seen["receipt_problems"] == []
    expected = qr_text(seen["code"], "Mal Pelayanan Publik", "id")
    assert seen["qr"] == expected
    assert _decoded(SHOTS / "receipt" / f"{window}-03-receipt.png") == [expected]

    # Its last seconds: a line under the code, no box over it; "Tambah waktu" gives time again.
    countdown = seen["countdown"]
    assert 1 <= countdown["warning"] <= WARNING_S
    assert countdown["overlays"] == 0
    assert countdown["line"] == text("ui.receipt_countdown", "id", seconds=countdown["warning"])
    assert countdown["more"] == "Tambah waktu"
    assert countdown["problems"] == []  # the code, the QR code and the line, none over another
    assert _decoded(SHOTS / "receipt" / f"{window}-04-countdown.png") == [expected]
    assert seen["after_more"] == ["receipt", 0, 0]
    assert seen["notice_after"] == ""  # nothing was lost: no "session ended"


def _decoded(png: Path) -> list[str]:
    """The QR codes `zbarimg` reads in a screenshot magnified three times, as a phone's camera
    sees the panel from close by: zbar misses codes of one or two pixels a module (a 7-inch
    panel's receipt: 0.2-0.4 mm), which a camera resolves."""
    magnified = png.with_name(f"{png.stem}-x3.png")
    with Image.open(png) as shot:
        shot.resize((shot.width * 3, shot.height * 3), Image.NEAREST).save(magnified)
    found = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(magnified)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    magnified.unlink()
    return found.stdout.splitlines()
