"""`kiosk lapor-sim` / `python -m kiosk.simulator`: run the LAPOR! simulator until stopped."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from kiosk.simulator.config_writer import write_kiosk_config
from kiosk.simulator.options import DEFAULT_AUTH_KEY, DEFAULT_TOKEN, SimulatorOptions
from kiosk.simulator.server import start_simulator

PROG = "lapor-sim"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the simulator's options to `parser`."""
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="address to listen on (default %(default)s)")
    add("--port", type=int, default=8765, help="port; 0 picks a free one (default %(default)s)")
    add("--db", type=Path, metavar="FILE", help="SQLite file that survives restarts")
    add(
        "--fail-rate",
        type=float,
        default=0.0,
        metavar="F",
        help="share of API calls answered 500, 503 or 429 at once (0..1)",
    )
    add(
        "--drop-response-rate",
        type=float,
        default=0.0,
        metavar="F",
        help="share of valid creates stored but left without an answer (0..1)",
    )
    add("--latency-ms", type=int, default=0, metavar="N", help="delay before each API call")
    add("--seed", type=int, metavar="N", help="seed for fault injection (repeatable runs)")
    add(
        "--retry-after-s",
        type=int,
        default=1,
        metavar="S",
        help="Retry-After sent with 503 and 429 (default %(default)s)",
    )
    add(
        "--advance-every-s",
        type=float,
        default=0.0,
        metavar="S",
        help="move each report to its next status after S seconds; 0 = only on request",
    )
    add("--channel-id", type=int, default=99, metavar="N", help="accepted channel id")
    add("--auth-key", default=DEFAULT_AUTH_KEY, help="accepted API key")
    add("--token", default=DEFAULT_TOKEN, help="accepted API token (GUID)")
    add(
        "--write-config",
        type=Path,
        metavar="FILE",
        help="write a kiosk configuration for this simulator (and FILE's credentials beside it)",
    )


def _options(args: argparse.Namespace) -> SimulatorOptions:
    return SimulatorOptions(
        host=args.host,
        port=args.port,
        db=args.db,
        fail_rate=args.fail_rate,
        drop_response_rate=args.drop_response_rate,
        latency_ms=args.latency_ms,
        seed=args.seed,
        retry_after_s=args.retry_after_s,
        advance_every_s=args.advance_every_s,
        channel_id=args.channel_id,
        auth_key=args.auth_key,
        token=args.token,
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
    previous = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    try:
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
        logging.getLogger("kiosk.simulator").info("stopped")
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk.simulator",
        description="LAPOR! v3 simulator: a local HTTP server for tests, benchmarks and demos.",
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
