"""Sound devices for technicians: list them, and measure how loud a microphone hears.

Devices are named as PortAudio names them (what `sounddevice.query_devices()` shows);
a configured name may be any unique part of it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from voice.playback import AudioUnavailable, sounddevice_module
from voice.recorder import SILENCE_DBFS, RecordingSettings, dbfs, microphone_chunks


@dataclass(frozen=True)
class Device:
    index: int
    """PortAudio's number for the device (changes when devices come and go)."""
    name: str
    outputs: int
    """Output channels; 0 for a microphone."""
    inputs: int
    """Input channels; 0 for a loudspeaker."""
    default_output: bool = False
    default_input: bool = False


def list_devices() -> list[Device]:
    """Every sound device PortAudio sees now."""
    sounddevice = sounddevice_module()
    try:
        found = sounddevice.query_devices()
        default_in, default_out = sounddevice.default.device
    except Exception as error:  # PortAudioError
        raise AudioUnavailable(f"cannot list sound devices: {error}") from error
    return [
        Device(
            index=number,
            name=device["name"],
            outputs=device["max_output_channels"],
            inputs=device["max_input_channels"],
            default_output=number == default_out,
            default_input=number == default_in,
        )
        for number, device in enumerate(found)
    ]


def usable(devices: list[Device], direction: str) -> list[Device]:
    """The devices that can play ("output") or record ("input")."""
    return [device for device in devices if getattr(device, f"{direction}s") > 0]


def find_device(name: str, direction: str, devices: list[Device]) -> Device | None:
    """The device `name` stands for ("" is the default) in `direction` ("output" or "input")."""
    usable_ones = usable(devices, direction)
    if not name:
        return next((d for d in usable_ones if getattr(d, f"default_{direction}")), None)
    exact = [device for device in usable_ones if device.name == name]
    partial = [device for device in usable_ones if name.lower() in device.name.lower()]
    return (exact or partial or [None])[0]


def input_levels(
    settings: RecordingSettings, seconds: float, every_ms: int = 100
) -> Iterator[float]:
    """The microphone's level in dBFS, every `every_ms` milliseconds, for `seconds`."""
    stop = threading.Event()
    deadline = time.monotonic() + seconds
    chunks = microphone_chunks(every_ms, settings, stop)
    try:
        for chunk in chunks:
            yield dbfs(chunk)
            if time.monotonic() >= deadline:
                break
    finally:
        stop.set()
        chunks.close()


def meter(level: float, width: int = 30, floor: float = -60.0) -> str:
    """A text level bar for a terminal: `[#########.........]  -23 dBFS`."""
    filled = round(width * min(1.0, max(0.0, (level - floor) / -floor)))
    return f"[{'#' * filled}{'.' * (width - filled)}] {level:5.0f} dBFS"


def watch_input(settings: RecordingSettings, seconds: float, show: Callable[[str], None]) -> float:
    """Show a live level bar for `seconds`; returns the loudest level heard, in dBFS."""
    loudest = SILENCE_DBFS
    for level in input_levels(settings, seconds):
        loudest = max(loudest, level)
        show(meter(level))
    return loudest
