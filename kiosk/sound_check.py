"""The technician's sound check: which devices there are, the test phrase, the microphone level.

Used by `kiosk audio` and by the questions of `kiosk provision`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.i18n import text
from voice.devices import Device, find_device, list_devices, usable, watch_input
from voice.playback import AudioUnavailable
from voice.recorder import RecordingSettings
from voice.settings import PlaybackSettings
from voice.speaker import Speaker
from voice.tts import Renderer

CLIPPED_DBFS = -1.0
"""A microphone this loud (RMS, dBFS) distorts: the gain is too high."""


@dataclass(frozen=True)
class Verdict:
    ok: bool
    detail: str
    fix: str = ""


def device_lines(devices: list[Device]) -> list[str]:
    """One line a device, numbered, with what it can do and which one is the default."""
    lines = []
    for device in devices:
        kinds = [kind for kind, count in (("out", device.outputs), ("in", device.inputs)) if count]
        defaults = [
            f"default {kind}"
            for kind, flag in (("out", device.default_output), ("in", device.default_input))
            if flag
        ]
        mark = f"  ({', '.join(defaults)})" if defaults else ""
        lines.append(f"{device.index:3}  {device.name}  [{'/'.join(kinds)}]{mark}")
    return lines


def play_test_phrase(output: str, language: str = "id") -> Verdict:
    """Say the test phrase on `output`; the technician says whether it was heard."""
    speaker = Speaker(Renderer(), playback=PlaybackSettings(device=output))
    phrase = text("setup.test_phrase", language)
    speaker.say(phrase, language)
    speaker.wait()
    if speaker.unavailable:
        return Verdict(False, f"no sound: {speaker.unavailable}", "check the name and the cable")
    return Verdict(True, f"played: {phrase!r}")


def judge_level(loudest_dbfs: float, settings: RecordingSettings) -> Verdict:
    """Whether a microphone that peaked at `loudest_dbfs` while someone spoke will do."""
    if loudest_dbfs < settings.quiet_dbfs:
        return Verdict(
            False, f"too quiet: loudest {loudest_dbfs:.0f} dBFS",
            "is the microphone plugged in and unmuted? raise its gain in alsamixer",
        )  # fmt: skip
    if loudest_dbfs > CLIPPED_DBFS:
        return Verdict(False, f"distorted: loudest {loudest_dbfs:.0f} dBFS", "lower the gain")
    return Verdict(True, f"good: loudest {loudest_dbfs:.0f} dBFS")


def check_input(input_device: str, seconds: float, show: Callable[[str], None]) -> Verdict:
    """Show the live level while the technician speaks, then judge it."""
    settings = RecordingSettings(device=input_device)
    try:
        loudest = watch_input(settings, seconds, show)
    except AudioUnavailable as error:
        return Verdict(False, str(error), "check the name and the cable")
    return judge_level(loudest, settings)


def choose_device(
    direction: str, current: str, read: Callable[[str], str], show: Callable[[str], None]
) -> str:
    """Ask for a sound device by number (Enter keeps `current`); returns its name."""
    try:
        devices = list_devices()
    except AudioUnavailable as error:
        show(f"  {error}; keeping {current or 'the system default'}")
        return current
    choices = usable(devices, direction)
    for line in device_lines(choices):
        show(line)
    while True:
        answer = read(f"Sound {direction} number [{current or 'system default'}]: ").strip()
        if not answer:
            return current
        chosen = next((d for d in choices if str(d.index) == answer), None)
        if chosen is not None:
            return chosen.name
        show(f"  {answer!r} is not one of the numbers above")


def configured_devices(output: str, input_device: str) -> dict[str, tuple[str, Device | None]]:
    """For "output" and "input": the configured name and the device it finds now (or None).
    Raises AudioUnavailable when the sound system cannot be asked."""
    devices = list_devices()
    wanted = {"output": output, "input": input_device}
    return {
        direction: (name, find_device(name, direction, devices))
        for direction, name in wanted.items()
    }


def not_found(direction: str, name: str) -> str:
    return f"sound {direction} {name!r} not found" if name else f"no sound {direction}"


def missing_devices(output: str, input_device: str) -> list[str]:
    """Configured devices that cannot be found now (a typo, or unplugged)."""
    try:
        found = configured_devices(output, input_device)
    except AudioUnavailable as error:
        return [str(error)]
    return [
        not_found(direction, name)
        for direction, (name, device) in found.items()
        if name and device is None
    ]


def print_level(line: str) -> None:
    """A level bar that redraws in place in a terminal, one line each elsewhere."""
    if sys.stdout.isatty():
        print(f"\r{line}", end="", flush=True)
    else:
        print(line, flush=True)
