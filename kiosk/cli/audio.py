"""`kiosk audio devices|test`: the sound devices, and a technician's sound check."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

from kiosk.cli.output import print_result
from kiosk.cli.verb import (
    EXIT_FAILED,
    EXIT_OK,
    CommandError,
    add_language_option,
    add_verb,
    config_or_defaults,
)

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def add_parser(verbs: argparse._SubParsersAction) -> None:
    audio = add_verb(
        verbs, "audio", handle, "sound devices: list them, or test them", needs_config=False
    )
    audio.add_argument("action", choices=("devices", "test"))
    audio.add_argument("--json", action="store_true", help="devices: as JSON")
    audio.add_argument("--output", help="test: this output (default: configured)")
    audio.add_argument("--input", help="test: this microphone (default: configured)")
    audio.add_argument("--seconds", type=float, default=5.0, help="test: how long to listen")
    add_language_option(audio)


def handle(args: argparse.Namespace, config: KioskConfig | None) -> int:
    if args.action == "devices":
        return _list_devices(args.json)
    from kiosk.sound_check import check_input, play_test_phrase, print_level

    configured = config_or_defaults(args).audio
    output = configured.output_device if args.output is None else args.output
    microphone = configured.input_device if args.input is None else args.input
    print(f"Test phrase on {output or 'the default output'} ...")
    verdicts = {"output": play_test_phrase(output, args.lang or "id")}
    print(f"Speak into {microphone or 'the default microphone'} for {args.seconds:g} s ...")
    verdicts["input"] = check_input(microphone, args.seconds, print_level)
    if sys.stdout.isatty():
        print()
    for direction, verdict in verdicts.items():
        fix = f" ({verdict.fix})" if verdict.fix else ""
        print(f"{direction:6} {'ok' if verdict.ok else 'FAIL'}  {verdict.detail}{fix}")
    return EXIT_OK if all(verdict.ok for verdict in verdicts.values()) else EXIT_FAILED


def _list_devices(as_json: bool) -> int:
    from kiosk.sound_check import device_lines
    from voice.devices import list_devices
    from voice.playback import AudioUnavailable

    try:
        devices = list_devices()
    except AudioUnavailable as error:
        raise CommandError(f"{error}; install libportaudio2") from None
    print_result(as_json, [asdict(device) for device in devices], device_lines(devices))
    return EXIT_OK
