"""A screen for the touch face where there is none (CI, benchmarks): a private Xvfb server."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk.child_lifetime import ends_with_this_process
from kiosk.touch.run import PANEL_SIZE

START_TIMEOUT_S = 10.0


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
