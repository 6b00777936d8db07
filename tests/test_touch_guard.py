"""The rules of `TouchGuard` alone, on a clock the test moves: touches ignored while a new
screen settles, and the second copy of one touch (two input providers) dropped. The real kiosk
under them: tests/test_touch_double_tap.py."""

import pytest

from kiosk.touch.touch_guard import COPY_WITHIN_S, TouchGuard

SETTLE_S = 0.4
"""`[touch] settle_ms` by default."""
DOUBLE_TAP_GAP_S = 0.08
"""A hurried double tap's two touches are this far apart."""


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def guard(clock):
    return TouchGuard(settle_s=SETTLE_S, same_place_px=30, clock=clock)


def test_touches_are_ignored_until_the_new_screen_settles(guard, clock):
    assert guard.accepts(0, (100, 100), "mouse")  # nothing changed yet
    guard.screen_changed()
    clock.now += DOUBLE_TAP_GAP_S
    assert not guard.accepts(0, (100, 100), "mouse")  # a double tap's second touch
    clock.now += SETTLE_S - DOUBLE_TAP_GAP_S - 0.001
    assert not guard.accepts(0, (300, 300), "mouse")
    clock.now += 0.002
    assert guard.accepts(0, (300, 300), "mouse")
    assert guard.screens == 1


def test_a_touch_begun_before_the_screen_settled_is_ignored_when_it_comes(guard, clock):
    """A list passes a tap on only when the finger lifts (it might have been a scroll)."""
    guard.screen_changed()
    clock.now += SETTLE_S + 0.2
    assert not guard.accepts(0.3, (100, 100), "mouse")  # it began 0.3 s ago: 0.3 s too soon
    assert guard.accepts(0.1, (100, 100), "mouse")


def test_a_screen_settles_from_when_it_is_first_drawn(guard, clock):
    guard.screen_changed()
    clock.now += 0.5  # a slow first frame
    guard.drawn()
    clock.now += DOUBLE_TAP_GAP_S
    assert not guard.accepts(0, (100, 100), "mouse")  # seen for 80 ms only
    clock.now += SETTLE_S
    guard.drawn()  # later frames change nothing
    assert guard.accepts(0, (100, 100), "mouse")


def test_a_settled_screen_takes_touches_at_once(guard, clock):
    guard.screen_changed()
    guard.settled()  # what the test driver's citizen, who looks first, does
    assert guard.accepts(0, (100, 100), "TouchDriver")


def test_no_settle_time_takes_every_touch(clock):
    guard = TouchGuard(settle_s=0, same_place_px=30, clock=clock)
    guard.screen_changed()
    assert guard.accepts(0, (100, 100), "mouse")


def test_a_copy_of_a_touch_from_another_device_is_dropped(guard, clock):
    assert guard.accepts(0, (100, 100), "mouse")  # X's pointer first
    clock.now += 0.03
    assert not guard.accepts(0, (110, 95), "hid_event2")  # the same finger, read by hidinput
    clock.now += 0.03
    assert guard.accepts(0, (100, 100), "mouse")  # the pointer again: the finger again


def test_what_is_not_a_copy_is_taken(guard, clock):
    assert guard.accepts(0, (100, 100), "mouse")
    clock.now += 0.03
    assert guard.accepts(0, (100, 100), "mouse")  # one device: a second touch
    assert guard.accepts(0, (200, 100), "hid_event2")  # another place: another finger
    clock.now += COPY_WITHIN_S + 0.01
    assert guard.accepts(0, (200, 100), "mouse")  # long after: a touch of its own
