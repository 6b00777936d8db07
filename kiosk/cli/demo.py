"""`kiosk demo`: the whole product against a local LAPOR! simulator (see `kiosk.demo`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from kiosk.cli.simulator import require_simulator
from kiosk.cli.verb import add_verb

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def add_parser(verbs: argparse._SubParsersAction) -> None:
    demo = add_verb(
        verbs, "demo", handle, "the whole product against a local simulator", needs_config=False
    )
    demo.add_argument("--keep", action="store_true", help="keep the temporary data directory")


def handle(args: argparse.Namespace, config: KioskConfig | None) -> int:
    require_simulator("kiosk demo")
    from kiosk.demo import run_demo

    return run_demo(keep=args.keep)
