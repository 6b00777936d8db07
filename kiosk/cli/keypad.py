"""`kiosk keypad learn`: learn the tactile keypad, key by key, into a key map."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.verb import EXIT_FAILED, EXIT_OK, CommandError, add_verb, config_or_defaults

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def add_parser(verbs: argparse._SubParsersAction) -> None:
    keypad = add_verb(
        verbs,
        "keypad",
        handle,
        "learn the tactile keypad: press each key",
        needs_config=False,
    )
    keypad.add_argument("action", choices=("learn",))
    keypad.add_argument("--out", type=Path, default=Path("keymap.toml"), help="the key map file")
    keypad.add_argument("--windowed", action="store_true", help="a window, not full screen")


def handle(args: argparse.Namespace, config: KioskConfig | None) -> int:
    from kiosk.audio.keymap import load_keymap
    from kiosk.touch.display import display_found
    from kiosk.touch.run import run_keypad_learner

    config = config_or_defaults(args)
    if not display_found():
        raise CommandError("keypad learning needs the touch screen (no display found)")
    if not run_keypad_learner(config, args.out, args.windowed):
        print("cancelled: nothing written")
        return EXIT_FAILED
    learned = load_keymap(str(args.out))  # read back as the kiosk will read it
    print(f'{len(learned)} keys learned into {args.out}; set [audio] keymap = "{args.out}"')
    return EXIT_OK
