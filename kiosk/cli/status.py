"""`kiosk status`: queue, API state, models, uptime; no personal data."""

from __future__ import annotations

import argparse
from contextlib import closing
from dataclasses import asdict
from typing import TYPE_CHECKING

from kiosk.cli.output import print_result
from kiosk.cli.verb import EXIT_OK, add_verb

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def add_parser(verbs: argparse._SubParsersAction) -> None:
    status = add_verb(
        verbs, "status", handle, "queue, API state, models, uptime (no personal data)"
    )
    status.add_argument("--json", action="store_true")


def handle(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.health import health
    from kiosk.wiring import open_store

    with closing(open_store(config)) as conn:
        status = asdict(health(config, conn))
    print_result(args.json, status, (f"{name:22} {value}" for name, value in status.items()))
    return EXIT_OK
