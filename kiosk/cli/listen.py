"""`kiosk listen`: recognise one utterance from a recording or the microphone (JSON)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.verb import EXIT_BAD_INPUT, EXIT_OK, CommandError, add_verb

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def add_parser(verbs: argparse._SubParsersAction) -> None:
    listen = add_verb(verbs, "listen", handle, "recognise one utterance (JSON result)")
    source = listen.add_mutually_exclusive_group(required=True)
    source.add_argument("--wav", type=Path, help="a recording (any rate; read as 16 kHz mono)")
    source.add_argument("--mic", action="store_true", help="the microphone, until you stop")
    listen.add_argument("--grammar", help='accepted phrases as a JSON list, e.g. ["ya", "tidak"]')
    listen.add_argument("--model", type=Path, help="a model folder (default: installed)")
    listen.add_argument("--lang", default="id", help="language of the installed model to use")


def handle(args: argparse.Namespace, config: KioskConfig) -> int:
    from models.installer import choose
    from voice.recognizer import RecognitionUnavailable, Recognizer, read_pcm, wav_chunks

    model = args.model
    if model is None:
        chosen = choose(config.data.dir / "models", args.lang, grammar=args.grammar is not None)
        if chosen is None:
            raise CommandError(
                f"no speech model for {args.lang!r}: install one with `kiosk models install`;"
                " the keypad keeps working"
            )
        model = Path(chosen.path)
    try:
        phrases = json.loads(args.grammar) if args.grammar else None
    except json.JSONDecodeError as error:
        raise CommandError(f"--grammar is not a JSON list: {error}", EXIT_BAD_INPUT) from None
    try:
        recognizer = Recognizer(model, config.recognition)
    except RecognitionUnavailable as error:
        raise CommandError(f"{error}; the keypad keeps working") from None
    if args.wav:
        try:
            chunks = wav_chunks(read_pcm(args.wav))
        except (OSError, RuntimeError) as error:
            raise CommandError(f"{args.wav}: {error}", EXIT_BAD_INPUT) from None
    else:
        from kiosk.audio.devices import microphone_settings
        from voice.recorder import microphone_chunks

        chunks = microphone_chunks(settings=microphone_settings(config))
    heard = recognizer.listen(chunks, phrases)
    print(json.dumps(asdict(heard), ensure_ascii=False))
    return EXIT_OK
