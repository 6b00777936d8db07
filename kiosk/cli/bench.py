"""`kiosk bench queue|ui|voice|asr|all`: measure performance (figures as JSON), optionally
slowed down to a Pi-class budget (`--cpu-share`)."""

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
    bench.add_argument("target", choices=("queue", "ui", "voice", "asr", "all"))
    bench.add_argument(
        "--cpu-share",
        type=float,
        help="run on one core with only this share of it (0.25: a Pi-class budget; needs root)",
    )
    bench.add_argument("--model", type=Path, help="asr: a model folder (default: the Korean one)")
    bench.add_argument("--json", action="store_true", help="one line of JSON")
    bench.add_argument("--reports", type=int, default=1000, help="queue: reports per run")
    bench.add_argument("--workers", type=int, help="forwarder workers (default: configured, 2)")
    bench.add_argument(
        "--latency-ms", type=int, default=0, help="simulated network delay of each answer"
    )
    bench.add_argument(
        "--size",
        type=window_size,
        help="ui, all: the window's size, WIDTHxHEIGHT (800x480): full screen on a private"
        " X server of that size",
    )


def window_size(value: str) -> tuple[int, int]:
    """`800x480` as (800, 480)."""
    width, _, height = value.partition("x")
    if not (width.isdigit() and height.isdigit() and int(width) > 0 and int(height) > 0):
        raise argparse.ArgumentTypeError(f"not a size like 800x480: {value!r}")
    return int(width), int(height)


def handle(args: argparse.Namespace, config: KioskConfig | None) -> int:
    if args.target == "queue":
        require_simulator("kiosk bench queue")
    from kiosk.bench import BenchmarkFailed, run_bench
    from kiosk.cpu_limit import CpuLimitUnavailable, limit_cpu

    try:
        limited = limit_cpu(args.cpu_share) if args.cpu_share is not None else ""
        figures = run_bench(
            args.target, args.reports, args.workers, args.latency_ms, args.model, args.size
        )
    except (BenchmarkFailed, CpuLimitUnavailable) as error:
        raise CommandError(str(error)) from None
    if limited:
        figures = {"cpu": limited, **figures}
    print(json.dumps(figures, indent=None if args.json else 2))
    return EXIT_OK
