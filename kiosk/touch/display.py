"""The touch face's screen: a private Xvfb server where there is none (CI, benchmarks), whether
this machine has a display, and how dense the panel's pixels are (its pixels per mm)."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from kiosk.child_lifetime import ends_with_this_process
from kiosk.config import KioskConfig

PANEL_SIZE = (1280, 800)
"""The 10-inch kiosk panel: the window's size before it learns the display's."""
START_TIMEOUT_S = 10.0

log = logging.getLogger(__name__)


def _free_display_number() -> int:
    for number in range(91, 200):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    raise RuntimeError("no free X display number between :91 and :199")


@contextmanager
def virtual_display(
    size: tuple[int, int] = PANEL_SIZE, framebuffer: Path | None = None
) -> Iterator[str]:
    """Start Xvfb with a screen of `size` (the 10-inch panel's by default); yields its DISPLAY
    (`:N`) and stops it afterwards. With `framebuffer` (a directory), the screen is also kept
    there as an XWD file (`Xvfb_screen0`), to look at what a full-screen window shows."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise RuntimeError("Xvfb is missing: install the Debian package xvfb (`make test` does)")
    number = _free_display_number()
    width, height = size
    keep = ["-fbdir", str(framebuffer)] if framebuffer is not None else []
    server = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp", *keep],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=ends_with_this_process(),  # a killed test run leaves no X server behind
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Xvfb did not start on :{number}")
            time.sleep(0.02)
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextmanager
def some_display() -> Iterator[str]:
    """The current DISPLAY when there is one, else a virtual one."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    with virtual_display() as display:
        yield display


def display_found() -> str:
    """What kind of display this machine has ("" for none): X11/Wayland, else KMS."""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return "a graphical display is available"
    if list(Path("/dev/dri").glob("card*")):
        return "a KMS display device is available (/dev/dri)"
    return ""


DEFAULT_PIXELS_PER_MM = 5.88
"""The kiosk's 10.1-inch 1280x800 panel: assumed where neither the configuration nor the
display says."""
DRM = Path("/sys/class/drm")
"""The kernel's display connectors, each with its monitor's EDID (KMS, with or without X)."""
MADE_UP_DPI = (96.0, 100.0)
"""What X servers say when they do not know a screen's size: Xorg 96 dpi, Xvfb 100 (or its
`-dpi`, which no test sets to a real panel's)."""
SMALLEST_SIDE_MM = 20
"""A side given as smaller than this is no panel's (EDID says 0 for a projector, 1x1 for
an aspect ratio only)."""
SQUARE = 0.1
"""How far the two sides' densities may differ: pixels are square, else the size is made up."""


@dataclass(frozen=True)
class Density:
    """The panel's pixels per mm and where that came from (for the log and `kiosk selftest`)."""

    pixels_per_mm: float
    source: str
    trusted: bool
    """Configured, or said by the panel itself; False: the default, because nothing said."""


def panel_density(configured: float | None, drm: Path = DRM) -> Density:
    """`[touch] pixels_per_mm` when set, else what the panel says of its size: a connected DRM
    connector's EDID, else X's outputs (xrandr: from the EDID, or a DSI panel's driver, as the
    Raspberry Pi's 7-inch display). X's screen size, SDL's DPI and Kivy's `Metrics.dpi` are not
    asked: X computes them from a fixed 96 dpi (Xvfb from its own `-dpi`), whatever the panel.
    Failing all, the default, with the reason."""
    if configured:
        return Density(configured, "[touch] pixels_per_mm", True)
    for reading in (_edid_density(drm), _xrandr_density()):
        if reading is not None:
            return reading
    reason = (
        "the display does not say its size (no connected DRM connector with an EDID size,"
        " no X output with a plausible size)"
    )
    return Density(DEFAULT_PIXELS_PER_MM, f"the default: {reason}", False)


def _plausible(width: int, height: int, width_mm: int, height_mm: int) -> float | None:
    """Pixels per mm of a panel of `width` x `height` pixels and `width_mm` x `height_mm`,
    None when that cannot be a real panel's size (see the constants above)."""
    if min(width_mm, height_mm) < SMALLEST_SIDE_MM or min(width, height) < 1:
        return None
    across, down = width / width_mm, height / height_mm
    if abs(across - down) > SQUARE * max(across, down):
        return None
    if any(abs(across * 25.4 - dpi) < 0.01 * dpi for dpi in MADE_UP_DPI):
        return None
    return round((across + down) / 2, 2) if 1 <= across <= 40 else None


def _edid_density(drm: Path) -> Density | None:
    """From the first detailed timing of a connected connector's EDID: the active pixels and
    the image's size in mm (VESA E-EDID 1.4, bytes 54-71)."""
    for connector in sorted(drm.glob("card*-*")):
        try:
            if (connector / "status").read_text().strip() != "connected":
                continue
            edid = (connector / "edid").read_bytes()
        except OSError:
            continue
        if len(edid) < 72 or edid[54:56] == b"\0\0":  # no timing: a display descriptor
            continue
        timing = edid[54:72]
        width = timing[2] | (timing[4] & 0xF0) << 4
        height = timing[5] | (timing[7] & 0xF0) << 4
        width_mm = timing[12] | (timing[14] & 0xF0) << 4
        height_mm = timing[13] | (timing[14] & 0x0F) << 8
        if density := _plausible(width, height, width_mm, height_mm):
            name = connector.name.split("-", 1)[1]
            source = f"the EDID of {name} ({width}x{height}, {width_mm}x{height_mm} mm)"
            return Density(density, source, True)
    return None


XRANDR_OUTPUT = re.compile(
    r"^(?P<name>\S+) connected (?:primary )?(?P<width>\d+)x(?P<height>\d+)\+\d+\+\d+"
    r".*?(?P<width_mm>\d+)mm x (?P<height_mm>\d+)mm",
    re.MULTILINE,
)
XRANDR_TIMEOUT_S = 5.0


def _xrandr_density() -> Density | None:
    """From X's outputs (`xrandr --query`), where there is an X display and xrandr."""
    xrandr = shutil.which("xrandr")
    if not os.environ.get("DISPLAY") or xrandr is None:
        return None
    try:
        said = subprocess.run([xrandr, "--query"], capture_output=True, text=True,
                              timeout=XRANDR_TIMEOUT_S, check=False).stdout  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    return xrandr_reading(said)


def xrandr_reading(said: str) -> Density | None:
    """The first connected output of `xrandr --query`'s answer with a plausible size."""
    for output in XRANDR_OUTPUT.finditer(said):
        width, height, width_mm, height_mm = (
            int(output[key]) for key in ("width", "height", "width_mm", "height_mm")
        )
        if density := _plausible(width, height, width_mm, height_mm):
            source = f"X's output {output['name']} ({width}x{height}, {width_mm}x{height_mm} mm)"
            return Density(density, source, True)
    return None


def with_panel_density(config: KioskConfig) -> KioskConfig:
    """`config` with `[touch] pixels_per_mm` set to the panel's (`panel_density`), logged once:
    a window asks at its start, and every size it draws comes from that."""
    density = panel_density(config.touch.pixels_per_mm)
    if density.trusted:
        log.info("%.2f pixels per mm, from %s", density.pixels_per_mm, density.source)
    else:
        log.warning(
            "%.2f pixels per mm, %s; set [touch] pixels_per_mm to the panel's pixels across"
            " divided by its width in mm",
            density.pixels_per_mm,
            density.source,
        )
    return replace(config, touch=replace(config.touch, pixels_per_mm=density.pixels_per_mm))
