"""`kiosk bench queue|ui|voice|asr`: measure performance (figures as JSON)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.simulator import require_simulator
from kiosk.cli.verb import EXIT_OK, CommandError, add_verb

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def add_parser(verbs: argparse._SubParsersAction) -> None:
    bench = add_verb(verbs, "bench", handle, "measure performance", needs_config=False)
    bench.add_argument("target", choices=("queue", "ui", "voice", "asr"))
    bench.add_argument("--model", type=Path, help="asr: a model folder (default: the Korean one)")
    bench.add_argument("--json", action="store_true", help="one line of JSON")
    bench.add_argument("--reports", type=int, default=1000, help="queue: reports per run")
    bench.add_argument("--workers", type=int, help="forwarder workers (default: configured, 2)")
    bench.add_argument(
        "--latency-ms", type=int, default=0, help="simulated network delay of each answer"
    )


def handle(args: argparse.Namespace, config: KioskConfig | None) -> int:
    if args.target == "queue":
        require_simulator("kiosk bench queue")
    from kiosk.bench import BenchmarkFailed, run_bench

    try:
        figures = run_bench(args.target, args.reports, args.workers, args.latency_ms, args.model)
    except BenchmarkFailed as error:
        raise CommandError(str(error)) from None
    print(json.dumps(figures, indent=None if args.json else 2))
    return EXIT_OK
