"""Held keys: a plain numeric keypad reaches volume, rate, back and home by holding keys."""

import pytest

from kiosk.audio.holds import HeldKeys
from kiosk.audio.keymap import DEFAULT_HOLDS, load_holds, load_keymap
from kiosk.config import ConfigError
from voice.settings import SpeechSettings
from voice.speaker import Speaker
from voice.tts import Renderer


def test_a_short_press_is_the_key_and_a_hold_its_second_function():
    keys = HeldKeys({"UP": "VOL_UP"}, hold_s=0.8)
    assert keys.down("5", 0.0) == "5"  # no second function: at once
    assert keys.down("UP", 10.0) == ""  # may be held: wait
    assert keys.up("UP", 10.2) == "UP"
    assert keys.down("UP", 20.0) == "" and keys.down("UP", 20.5) == ""  # key repeats
    assert keys.due(20.7) == ""
    assert keys.due(20.9) == "VOL_UP"
    assert keys.due(21.5) == ""  # once per hold
    assert keys.up("UP", 22.0) == ""  # it already acted
    assert keys.down("UP", 30.0) == "" and keys.up("UP", 31.0) == "VOL_UP"  # timer missed
    assert keys.up("DOWN", 31.0) == ""  # never went down here


def test_the_numeric_keypad_map_holds_the_missing_functions(tmp_path):
    assert load_holds("usb-numpad") == DEFAULT_HOLDS
    bad = tmp_path / "bad.toml"
    bad.write_text('263 = "1"\n[hold]\nUP = "LOUDER"\n')
    with pytest.raises(ConfigError, match=r"\[hold\] UP = 'LOUDER'"):
        load_holds(str(bad))
    with pytest.raises(ConfigError, match=r"\[hold\] UP = 'LOUDER'"):
        load_keymap(str(bad))  # so selftest and provisioning refuse it too


def test_one_rate_key_steps_faster_then_back_to_the_slowest():
    settings = SpeechSettings(rate_wpm=250, rate_step_wpm=25, rate_range_wpm=(100, 300))
    speaker = Speaker(Renderer(), settings, play_audio=False)
    rates = []
    for _ in range(4):
        speaker.next_rate()
        rates.append(speaker.rate_wpm)
    assert rates == [275, 300, 100, 125]
