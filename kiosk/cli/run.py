"""`kiosk run`: the touch kiosk (and its forwarder), or the audio face without a window."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.verb import EXIT_BAD_INPUT, EXIT_OK, CommandError, add_verb

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def add_parser(verbs: argparse._SubParsersAction) -> None:
    run = add_verb(verbs, "run", handle, "run the touch kiosk (and its forwarder)")
    run.add_argument(
        "--no-forwarder", action="store_true", help="systemd runs the forwarder separately"
    )
    run.add_argument("--windowed", action="store_true", help="a window, not full screen")
    run.add_argument("--face", choices=("touch", "audio"), default="touch")
    run.add_argument("--keys-from", type=Path, help="audio face: a key script (else stdin)")
    run.add_argument("--transcript", type=Path, help="audio face: write every utterance")
    run.add_argument("--no-window", action="store_true", help="audio face without a screen")


def handle(args: argparse.Namespace, config: KioskConfig) -> int:
    if args.face == "audio":
        return _run_audio(args, config)
    from kiosk.touch.session import run_kiosk_with_forwarder

    if not args.no_forwarder and config.source is None:
        raise CommandError("`kiosk run` needs --config FILE to start its forwarder", EXIT_BAD_INPUT)
    run_kiosk_with_forwarder(config, with_forwarder=not args.no_forwarder, windowed=args.windowed)
    return EXIT_OK


def _run_audio(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.audio.script import ScriptError
    from kiosk.audio.session import run_audio_session
    from voice.tts import SpeechUnavailable

    if not args.no_window:
        raise CommandError(
            "the audio face runs without a window for now: add --no-window", EXIT_BAD_INPUT
        )
    try:
        if args.keys_from:
            lines = args.keys_from.read_text("utf-8").splitlines()
            base = args.keys_from.parent
        else:
            lines, base = sys.stdin, Path.cwd()
        summary = run_audio_session(config, lines, args.transcript, base)
    except (OSError, ScriptError) as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None
    except SpeechUnavailable as error:
        raise CommandError(f"{error}; the touch screen keeps working") from None
    print(json.dumps(summary))
    return EXIT_OK
