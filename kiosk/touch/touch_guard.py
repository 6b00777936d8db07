"""Which touches the kiosk's buttons take: none while a new screen settles, and one of the two
copies a single touch may arrive as.

A hurried double tap lands its second tap on whatever the next screen has in that place (the
menu's first choice, the privacy screen's "Rahasia"). Bank and airline kiosks ignore touches
for a moment after the screen changes; so does this one (`[touch] settle_ms`).

Under X on a Raspberry Pi, a finger on the touch display can reach Kivy twice: from the `mouse`
provider (X's pointer, which follows the touch) and from `hidinput` (the device itself, kivy
issue 3801). Kivy's `disable_on_activity` drops the pointer's copy only when the device's touch
came first (kiosk/touch/run.py); the other order is caught here: a touch-down from another
device, at the same place, at nearly the same time, is the same finger.

Kivy-free: the clock is given and a touch is plain numbers, so the rules are tested alone.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

COPY_WITHIN_S = 0.2
"""A second copy of one touch, from another device, reaches the buttons within this time of
the first: a frame or two later. Counted from when each is handed on, not from each
provider's own time stamp (X's pointer is stamped when the kiosk's busy loop reads it, the
device's by its reading thread at once). Nobody touches one spot with a mouse and with the
screen itself this fast."""
SAME_PLACE_MM = 5.0
"""Two copies of one touch lie within this distance (each provider reads the panel's
coordinates on its own: a few pixels apart); a fingertip is about 10 mm wide."""


@dataclass(frozen=True)
class _TouchDown:
    taken: float
    where: tuple[float, float]
    device: str


class TouchGuard:
    """Says whether a button may take a touch-down; counts the screen changes.

    A touch counts when it began once the screen had settled: `settle_s` after the new
    screen was first drawn (on a slow panel computer that frame may come long after the
    change). A touch that began earlier was aimed at what was there before. Times are the
    guard's clock (monotonic: a wall clock set back at boot would hold every touch off).
    """

    def __init__(
        self,
        settle_s: float,
        same_place_px: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settle_s = settle_s
        self.same_place_px = same_place_px
        self._clock = clock
        self.settles_at = -math.inf
        """When touches count again (the guard's clock)."""
        self._undrawn = False
        self._last: _TouchDown | None = None
        self.screens = 0
        """How many times the screen has changed: a button pressed on an earlier screen does
        not act when the finger lifts."""

    def screen_changed(self) -> None:
        """Another screen is shown, or an overlay opened or closed over it."""
        self.screens += 1
        self._undrawn = True
        self.settles_at = self._clock() + self.settle_s

    def drawn(self) -> None:
        """A frame was drawn: a changed screen is seen from now, and settles from now."""
        if self._undrawn:
            self._undrawn = False
            self.settles_at = self._clock() + self.settle_s

    def settled(self) -> None:
        """Take the screen as settled: for the test driver's citizen, who reads a screen
        before touching it (copies of one touch are still dropped)."""
        self._undrawn = False
        self.settles_at = -math.inf

    def accepts(self, age_s: float, where: tuple[float, float], device: str) -> bool:
        """May a button take a touch-down that began `age_s` seconds ago (a list may pass a
        touch on late, when it knows it is not a scroll), at `where` (window pixels), from
        `device` (the input provider's name)? Taken, it is remembered as the last one."""
        now = self._clock()
        if now - max(0.0, age_s) < self.settles_at:
            return False
        last = self._last
        if (
            last is not None
            and last.device != device
            and now - last.taken < COPY_WITHIN_S
            and math.dist(where, last.where) <= self.same_place_px
        ):
            return False  # the same finger, through another provider
        self._last = _TouchDown(now, where, device)
        return True
