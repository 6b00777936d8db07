"""`kiosk selftest`: is this terminal ready (display, sound, keypad, printer, API ...)."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import TYPE_CHECKING

from kiosk.cli.output import print_result
from kiosk.cli.verb import EXIT_FAILED, EXIT_OK, add_verb

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def add_parser(verbs: argparse._SubParsersAction) -> None:
    selftest = add_verb(verbs, "selftest", handle, "check that this terminal is ready")
    selftest.add_argument("--json", action="store_true")


def handle(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.selftest import run_checks

    checks = run_checks(config)
    lines = (
        f"{check.status.upper():4}  {check.name:12}  {check.detail}"
        + (f"  -> {check.fix}" if check.fix and check.status != "ok" else "")
        for check in checks
    )
    print_result(args.json, [asdict(check) for check in checks], lines, ensure_ascii=False)
    return EXIT_FAILED if any(check.status == "fail" for check in checks) else EXIT_OK
