"""Headphone-jack detection from a GPIO value file (a real file standing in for sysfs)."""

import pytest

from hardware.jack import AlsaJack, GpioJack, JackWatcher, jack_from_setting
from hardware.jack_setting import JackError


def test_gpio_insertions_and_removals_are_reported_once(tmp_path):
    value = tmp_path / "value"
    value.write_text("0\n")
    watcher = JackWatcher(jack_from_setting(f"gpio:{value}"))
    assert watcher.check() == "" and watcher.plugged is False
    value.write_text("1\n")
    assert watcher.check() == "in"
    assert watcher.check() == ""  # still plugged: not a new insertion
    value.write_text("0\n")
    assert watcher.check() == "out" and watcher.plugged is False
    value.write_text("1\n")
    assert watcher.check() == "in"
    value.unlink()  # unreadable: no change is made up
    assert watcher.check() == "" and watcher.plugged is True


def test_active_low_and_unreadable_pins(tmp_path):
    jack = jack_from_setting(f"gpio:{tmp_path / 'value'}:active_low")
    assert jack == GpioJack(tmp_path / "value", active_low=True)
    assert jack.plugged() is None  # no such file yet
    (tmp_path / "value").write_text("0")
    assert jack.plugged() is True


def test_settings():
    assert jack_from_setting("") is None
    assert jack_from_setting("alsa:0:Headphone Jack") == AlsaJack("0", "Headphone Jack")
    with pytest.raises(JackError):
        jack_from_setting("usb:1")
    with pytest.raises(JackError):
        jack_from_setting("gpio:/x:inverted")


def test_alsa_without_a_card_is_unknown():
    assert AlsaJack("97", "Headphone Jack").plugged() is None
