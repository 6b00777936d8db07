"""The `kiosk` command line: file, forward, inspect and follow up reports from a shell.

One module a verb, its parser (`add_parser`) beside its handler (`handle`); `verb` holds what
they share, `output` the one way to print JSON or text. A verb imports what it works with
only when it runs: `kiosk status` loads no HTTP client, simulator, speech or Kivy.

Exit codes: 0 done; 1 the job could not be done (store not writable, API
unreachable or refusing the credentials, report unknown); 2 bad input or
configuration (nothing was stored); 3 another forwarder already runs.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sqlite3
import sys
from pathlib import Path

from kiosk.cli import (
    audio,
    bench,
    demo,
    forward,
    keypad,
    listen,
    models,
    pin,
    provision,
    queue,
    refdata,
    run,
    say,
    selftest,
    simulator,
    stats,
    status,
    store,
    submit,
    track,
)
from kiosk.cli.verb import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, CommandError
from kiosk.config import ConfigError, load_config
from kiosk.store_health import StoreError, describe

VERBS = (
    submit,
    forward,
    queue,
    track,
    refdata,
    store,
    pin,
    simulator,
    bench,
    run,
    models,
    listen,
    provision,
    status,
    stats,
    selftest,
    say,
    audio,
    keypad,
    demo,
)
"""In the order `kiosk --help` lists them."""


def installed_version() -> str:
    """The installed lapor-kiosk's version ("unknown" when run from a tree not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lapor-kiosk")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="LAPOR! accessible kiosk: reports, queue, follow-up."
    )
    parser.add_argument("--config", type=Path, help="configuration TOML (default $KIOSK_CONFIG)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every step")
    parser.add_argument("--version", action="version", version=f"%(prog)s {installed_version()}")
    verbs = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for verb in VERBS:
        verb.add_parser(verbs)
    return parser


def main(argv: list[str] | None = None) -> int:
    # A file-size limit (a full disk) must give an error, not kill the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    os.umask(0o077)  # reports hold personal data: files only the kiosk user can read
    parser = build_parser()
    args, own_options = parser.parse_known_args(argv)
    if own_options and not args.parses_own_options:
        parser.error(f"unrecognized arguments: {' '.join(own_options)}")
    args.own_options = own_options
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    config = None
    try:
        config = load_config(args.config) if args.needs_config else None
        if config and getattr(args, "lang", "unset") is None:
            args.lang = config.terminal.default_language
        return args.handler(args, config)
    except ConfigError as error:
        print(f"kiosk: configuration: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except CommandError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return error.code
    except BrokenPipeError:  # the reader went away (`kiosk refdata show | head`): no more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except StoreError as error:  # damaged, missing, read-only: the sentence says what to do
        print(f"kiosk: {error}", file=sys.stderr)
        return EXIT_FAILED
    except sqlite3.Error as error:  # a write that failed after the store was opened
        where = config.db_path if config else Path("the store")
        print(f"kiosk: {describe(error, where)}", file=sys.stderr)
        return EXIT_FAILED
