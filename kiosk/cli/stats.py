"""`kiosk stats`: reports per week, category, kecamatan and state, for the city; no personal
data, never one report's row.

`--csv` writes one row per group: `dimension,key,name,count` under that header, the
dimension one of week, category, kecamatan, state (each dimension adds up to the total).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING

from kiosk.cli.output import print_result
from kiosk.cli.verb import EXIT_OK, add_language_option, add_verb

if TYPE_CHECKING:
    from kiosk.config import KioskConfig
    from kiosk.stats import Figures


def add_parser(verbs: argparse._SubParsersAction) -> None:
    stats = add_verb(
        verbs, "stats", handle, "reports per week, category, kecamatan, state (no personal data)"
    )
    output = stats.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true")
    output.add_argument("--csv", action="store_true", help="rows of dimension,key,name,count")
    stats.add_argument(
        "--since", type=date.fromisoformat, metavar="YYYY-MM-DD",
        help="only reports filed on or after this day (the terminal's local time)",
    )  # fmt: skip
    add_language_option(stats)


def handle(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.stats import figures
    from kiosk.wiring import open_store

    with closing(open_store(config)) as conn:
        found = figures(conn, config.terminal.region, args.lang, args.since)
    if args.csv:
        _write_csv(found)
    else:
        print_result(args.json, _as_json(found), _lines(found))
    return EXIT_OK


def _as_json(found: Figures) -> dict:
    return {
        "since": found.since.isoformat() if found.since else None,
        "total": found.total,
        "counts": {
            dimension: [asdict(tally) for tally in tallies]
            for dimension, tallies in found.counts.items()
        },
    }


def _lines(found: Figures) -> Iterator[str]:
    from kiosk.safe_text import printable

    since = f" since {found.since.isoformat()}" if found.since else ""
    yield f"{'reports' + since:22} {found.total}"
    for dimension, tallies in found.counts.items():
        yield f"{dimension}:"
        for tally in tallies:
            yield printable(f"  {tally.key:12} {tally.count:>7}  {tally.name}".rstrip())


def _write_csv(found: Figures) -> None:
    rows = csv.writer(sys.stdout, lineterminator="\n")
    rows.writerow(("dimension", "key", "name", "count"))
    for dimension, tallies in found.counts.items():
        rows.writerows((dimension, tally.key, tally.name, tally.count) for tally in tallies)
