"""The panel's density: configured, else what the panel itself says (its EDID, X's outputs),
else the default with the reason; what an X server makes up is not believed."""

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.touch.display import (
    DEFAULT_PIXELS_PER_MM,
    panel_density,
    virtual_display,
    xrandr_reading,
)


def edid(width: int, height: int, width_mm: int, height_mm: int) -> bytes:
    """An EDID block whose first detailed timing is of `width` x `height` pixels on an image of
    `width_mm` x `height_mm` (VESA E-EDID 1.4: bytes 54-71)."""
    block = bytearray(128)
    block[0:8] = b"\x00\xff\xff\xff\xff\xff\xff\x00"
    block[54:56] = (3320).to_bytes(2, "little")  # 33.2 MHz: a timing, not a descriptor
    block[56], block[58] = width & 0xFF, (width >> 8) << 4
    block[59], block[61] = height & 0xFF, (height >> 8) << 4
    block[66], block[67] = width_mm & 0xFF, height_mm & 0xFF
    block[68] = (width_mm >> 8) << 4 | (height_mm >> 8)
    return bytes(block)


def connector(drm: Path, name: str, status: str, data: bytes) -> None:
    folder = drm / name
    folder.mkdir(parents=True)
    (folder / "status").write_text(f"{status}\n")
    (folder / "edid").write_bytes(data)


def test_the_configured_density_wins(tmp_path):
    connector(tmp_path, "card0-HDMI-A-1", "connected", edid(1920, 1080, 344, 194))
    assert panel_density(6.0, tmp_path).pixels_per_mm == 6.0
    assert panel_density(6.0, tmp_path).source == "[touch] pixels_per_mm"


def test_a_connected_panel_says_its_density_in_its_edid(tmp_path):
    connector(tmp_path, "card0-HDMI-A-2", "disconnected", b"")
    connector(tmp_path, "card0-HDMI-A-1", "connected", edid(1280, 800, 217, 136))  # 10.1 inch
    density = panel_density(None, tmp_path)
    assert density.trusted
    assert density.pixels_per_mm == pytest.approx(5.89, abs=0.01)
    assert density.source == "the EDID of HDMI-A-1 (1280x800, 217x136 mm)"


@pytest.mark.parametrize(
    "data",
    [
        b"",  # a DSI panel: no EDID
        edid(1920, 1080, 0, 0),  # a projector: no size
        edid(1920, 1080, 16, 9),  # an aspect ratio, not a size
        edid(1280, 800, 400, 100),  # pixels that are not square: made up
        edid(1280, 800, 339, 212),  # 96 dpi: what an X server says when it does not know
    ],
    ids=["no-edid", "no-size", "aspect-only", "not-square", "96-dpi"],
)
def test_a_size_that_cannot_be_a_panels_falls_back_to_the_default_with_the_reason(
    tmp_path, data, monkeypatch
):
    monkeypatch.delenv("DISPLAY", raising=False)
    connector(tmp_path, "card1-DSI-1", "connected", data)
    density = panel_density(None, tmp_path)
    assert (density.pixels_per_mm, density.trusted) == (DEFAULT_PIXELS_PER_MM, False)
    assert density.source.startswith("the default: the display does not say its size")


def test_x_outputs_say_a_dsi_panels_size_and_xvfbs_none():
    pi_display = (
        "Screen 0: minimum 320 x 200, current 800 x 480, maximum 7680 x 7680\n"
        "DSI-1 connected primary 800x480+0+0 (normal left inverted right x axis y axis)"
        " 155mm x 86mm\n   800x480       60.03*+\n"
        "HDMI-1 disconnected (normal left inverted right x axis y axis)\n"
    )
    density = xrandr_reading(pi_display)
    assert density is not None and density.trusted
    assert density.pixels_per_mm == pytest.approx(5.37, abs=0.2)
    assert density.source == "X's output DSI-1 (800x480, 155x86 mm)"
    xvfb = "Screen 0: minimum 1 x 1, current 800 x 480\nscreen connected 800x480+0+0 0mm x 0mm\n"
    assert xrandr_reading(xvfb) is None


def test_under_xvfb_nothing_is_believed(tmp_path, monkeypatch):
    """A real X server that does not know the screen's size (Xvfb says 0 mm to xrandr and
    100 dpi to others): the default, and why."""
    with virtual_display((800, 480)) as display:
        monkeypatch.setenv("DISPLAY", display)
        density = panel_density(None, tmp_path)  # (no DRM connectors here)
    assert (density.pixels_per_mm, density.trusted) == (DEFAULT_PIXELS_PER_MM, False)


@pytest.mark.parametrize("setting", ["", "pixels_per_mm = 0\n"], ids=["absent", "zero"])
def test_absent_or_zero_in_the_configuration_means_the_displays_own(tmp_path, setting):
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[data]\ndir = "data"\n\n[touch]\n{setting}')
    assert load_config(config, env={}).touch.pixels_per_mm is None
    config.write_text('[data]\ndir = "data"\n\n[touch]\npixels_per_mm = 0.5\n')
    with pytest.raises(ConfigError, match="between 1 and 40"):
        load_config(config, env={})
