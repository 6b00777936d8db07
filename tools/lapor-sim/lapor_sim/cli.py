"""`kiosk lapor-sim` / `python -m lapor_sim`: run the LAPOR! simulator until stopped."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from dataclasses import fields
from pathlib import Path
from typing import Any, get_args, get_type_hints

from kiosk.stop_signals import stop_on_signals
from lapor_sim.config_writer import write_kiosk_config
from lapor_sim.options import SimulatorOptions, flag_of
from lapor_sim.server import start_simulator

PROG = "lapor-sim"


def _argument_type(hint: Any) -> Any:
    """The argparse `type` of a field annotation: `Path | None` -> `Path`."""
    members = [arg for arg in get_args(hint) if arg is not type(None)] or [hint]
    return members[0]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the simulator's options to `parser`, then `--write-config`.

    Every option comes from a `SimulatorOptions` field (flag, type, default, help), so an
    option is declared once and the command line cannot drift from in-process use.
    """
    hints = get_type_hints(SimulatorOptions)
    for option in fields(SimulatorOptions):
        meta = option.metadata
        parser.add_argument(
            flag_of(option.name),
            type=_argument_type(hints[option.name]),
            default=option.default,
            metavar=meta.get("metavar"),
            choices=meta.get("choices"),
            help=meta.get("help"),
        )
    parser.add_argument(
        "--write-config",
        type=Path,
        metavar="FILE",
        help="write a kiosk configuration for this simulator (and FILE's credentials beside it)",
    )


def _options(args: argparse.Namespace) -> SimulatorOptions:
    return SimulatorOptions(
        **{option.name: getattr(args, option.name) for option in fields(SimulatorOptions)}
    )


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    """Serve until SIGTERM or SIGINT: 0 after a clean stop, 2 for bad options, 1 if unbindable."""
    try:
        options = _options(args)
    except ValueError as error:
        _error(str(error))
        return 2
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format=f"{PROG}: %(message)s")
    stop = threading.Event()
    with stop_on_signals(stop):
        try:
            simulator = start_simulator(options)
        except OSError as error:
            _error(f"cannot listen on {options.host}:{options.port}: {error.strerror}")
            return 1
        with simulator:
            if args.write_config:
                try:
                    write_kiosk_config(args.write_config, simulator.url, options)
                except OSError as error:
                    _error(f"cannot write {args.write_config}: {error.strerror}")
                    return 2
            print(f"{PROG} listening on {simulator.url}", flush=True)
            stop.wait()
        logging.getLogger("lapor_sim").info("stopped")
        return 0


def main(argv: list[str] | None = None, prog: str = "python -m lapor_sim") -> int:
    """The command line; `kiosk lapor-sim` passes its own arguments and name."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="LAPOR! v3 simulator: a local HTTP server for tests, benchmarks and demos.",
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
