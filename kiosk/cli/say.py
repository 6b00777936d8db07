"""`kiosk say TEXT`: speak a text with the kiosk's voice, or render it into a WAV file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.verb import EXIT_OK, CommandError, add_verb

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def add_parser(verbs: argparse._SubParsersAction) -> None:
    say = add_verb(
        verbs, "say", handle, "speak (or render) a text with the kiosk's voice", needs_config=False
    )
    say.add_argument("text")
    say.add_argument("--out", type=Path, help="write a WAV file instead of playing")
    say.add_argument("--lang", choices=("id", "en"), default="id")


def handle(args: argparse.Namespace, config: KioskConfig | None) -> int:
    from voice.render_file import render_to_file
    from voice.speaker import Speaker
    from voice.tts import Renderer, SpeechUnavailable

    try:
        renderer = Renderer()
    except SpeechUnavailable as error:
        raise CommandError(f"{error}; install the Debian package espeak-ng") from None
    if args.out:
        audio = render_to_file(renderer, args.text, args.lang, args.out)
        print(f"{args.out}: {audio.seconds:.1f} s")
        return EXIT_OK
    speaker = Speaker(renderer)
    speaker.say(args.text, args.lang)
    speaker.wait()
    if speaker.unavailable:
        raise CommandError(f"nothing was heard: {speaker.unavailable}")
    return EXIT_OK
