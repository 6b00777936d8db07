"""`kiosk lapor-sim`: the local LAPOR! simulator, a tool beside the kiosk (`lapor_sim`).

The simulator declares its options itself, once; this verb hands them over unparsed, so the
kiosk loads the simulator only when it runs.
"""

from __future__ import annotations

import argparse
import importlib.util
from typing import TYPE_CHECKING

from kiosk.cli.verb import CommandError, add_verb

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def add_parser(verbs: argparse._SubParsersAction) -> None:
    add_verb(
        verbs,
        "lapor-sim",
        handle,
        "run the local LAPOR! simulator",
        needs_config=False,
        own_options=True,
    )


def handle(args: argparse.Namespace, config: KioskConfig | None) -> int:
    require_simulator("kiosk lapor-sim")
    from lapor_sim.cli import main

    return main(args.own_options, prog="kiosk lapor-sim")


def require_simulator(command: str) -> None:
    """Where the simulator is not installed, say how to get it (before anything starts)."""
    if importlib.util.find_spec("lapor_sim") is None:
        raise CommandError(
            f"{command} needs the LAPOR! simulator (the package lapor_sim), which is not"
            " installed here: it comes with the kiosk's source, install it from there with"
            " `pip install -e tools/lapor-sim` (make demo and make test do)"
        )
