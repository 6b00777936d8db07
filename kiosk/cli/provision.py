"""`kiosk provision`: set this terminal up, by questions or from an answers file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.verb import EXIT_OK, add_verb

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def add_parser(verbs: argparse._SubParsersAction) -> None:
    provision = add_verb(
        verbs,
        "provision",
        handle,
        "set this terminal up (questions, or --from FILE)",
        needs_config=False,
    )
    provision.add_argument("--from", dest="from_file", type=Path, help="answers in TOML")
    provision.add_argument("--root", type=Path, default=Path("/"), help="for tests: a root")


def handle(args: argparse.Namespace, config: KioskConfig | None) -> int:
    from kiosk.provision import ask, provision, read_answers

    answers = read_answers(args.from_file) if args.from_file else ask()
    config_path, done = provision(answers, args.root)
    for line in done:
        print(f"- {line}")
    print(f"Next: `kiosk --config {config_path} selftest`")
    return EXIT_OK
