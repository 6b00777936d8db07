"""What a keypad key does on a screen, without sound or a dialog (the audio face carries it out)."""

import pytest

from kiosk.audio.key_actions import ChangeEntry, Focus, SendEvent, Speak, Tune, key_action
from kiosk.audio.keys import KEYS
from kiosk.engine.events import Back, Cancel, Choose, Next
from kiosk.engine.view import Choice, Entry, ScreenKind, View

CHOICES = View(
    "classification", "id", "Jenis laporan", "", "", kind=ScreenKind.CHOICE,
    choices=(Choice("pengaduan", "Pengaduan"), Choice("aspirasi", "Aspirasi")),
)  # fmt: skip
ENTRY = View(
    "phone", "id", "Nomor telepon", "", "", kind=ScreenKind.ENTRY,
    entry=Entry("phone", "0812", 15),
)  # fmt: skip
REVIEW = View("review", "id", "Periksa laporan", "", "", kind=ScreenKind.REVIEW, can_go_next=True)


def test_digits_choose_or_type():
    assert key_action("2", CHOICES, -1, 0) == SendEvent(Choose("aspirasi"))
    assert key_action("3", CHOICES, -1, 0) is None  # no third choice
    assert key_action("5", ENTRY, -1, 0) == ChangeEntry("08125", "5")


def test_up_and_down_step_round_the_choices_and_enter_takes_the_focused_one():
    assert key_action("DOWN", CHOICES, -1, 0) == Focus(0)
    assert key_action("UP", CHOICES, 0, 0) == Focus(1)  # from the first: the last
    assert key_action("DOWN", CHOICES, 1, 0) == Focus(0)
    assert key_action("ENTER", CHOICES, 1, 0) == SendEvent(Choose("aspirasi"))
    assert key_action("ENTER", CHOICES, -1, 0) == Speak("screen")  # nothing to go on to
    assert key_action("DOWN", REVIEW, -1, 0) == Speak("screen")  # no choices to step to


def test_going_on_back_and_home():
    assert key_action("ENTER", REVIEW, -1, 0) == SendEvent(Next())
    assert key_action("RIGHT", REVIEW, -1, 0) == SendEvent(Next())
    assert key_action("RIGHT", CHOICES, -1, 0) is None
    assert key_action("LEFT", CHOICES, -1, 0) == key_action("BACK", CHOICES, -1, 0)
    assert key_action("BACK", CHOICES, -1, 0) == SendEvent(Back())
    assert key_action("HOME", CHOICES, -1, 0) == SendEvent(Cancel())


def test_clear_deletes_the_last_digit_or_says_there_is_none():
    assert key_action("CLEAR", ENTRY, -1, 0) == ChangeEntry("081", "")
    assert key_action("CLEAR", CHOICES, -1, 0) == Speak("nothing_to_delete")


def test_help_gives_more_on_the_second_press_and_the_voice_keys_tune():
    assert key_action("HELP", CHOICES, -1, 1) == Speak("help")
    assert key_action("HELP", CHOICES, -1, 2) == Speak("more_help")
    assert key_action("VOL_DOWN", CHOICES, -1, 0) == Tune("volume", -1)
    assert key_action("RATE", CHOICES, -1, 0) == Tune("next_rate")


@pytest.mark.parametrize("key", sorted(KEYS - set("0123456789")))
def test_every_other_key_does_something_somewhere(key):
    assert any(key_action(key, view, 0, 1) is not None for view in (CHOICES, ENTRY, REVIEW))
