"""What every verb of the `kiosk` command shares: its exit codes, the error that carries one,
and how a verb is declared (each module of `kiosk.cli` declares one with `add_verb`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk.safe_text import printable

if TYPE_CHECKING:
    from kiosk.city_offices import CityOffices
    from kiosk.config import KioskConfig
    from kiosk.regions import City

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_BUSY = 0, 1, 2, 3

Handler = Callable[[argparse.Namespace, "KioskConfig | None"], int]
"""A verb's work: the parsed command line and the configuration (None where it needs none)."""


class CommandError(Exception):
    """A failure to report on stderr with its exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def add_verb(
    verbs: argparse._SubParsersAction,
    name: str,
    handler: Handler,
    help_text: str,
    needs_config: bool = True,
    own_options: bool = False,
) -> argparse.ArgumentParser:
    """The parser of a verb. `needs_config`: `main` loads the configuration for `handler`;
    `own_options`: the verb parses its options itself (`--help` too), `main` hands them over
    as `args.own_options`."""
    parser = verbs.add_parser(name, help=help_text, description=help_text, add_help=not own_options)
    parser.set_defaults(handler=handler, needs_config=needs_config, parses_own_options=own_options)
    return parser


def add_language_option(parser: argparse.ArgumentParser) -> None:
    """`--lang`; left out, `main` takes the terminal's default language."""
    parser.add_argument("--lang", choices=("id", "en"), help="language of messages")


def config_or_defaults(args: argparse.Namespace) -> KioskConfig:
    """The terminal's configuration; the defaults where it has none yet (technicians' tools
    run before provisioning)."""
    from kiosk.config import KioskConfig, has_config, load_config

    return load_config(args.config) if has_config(args.config) else KioskConfig()


def terminal_city(config: KioskConfig) -> tuple[City | None, CityOffices | None]:
    """The terminal's city and its offices, where places and offices are named; None (and
    a warning) for what cannot be read: a report naming a place then says so."""
    from kiosk import city_offices
    from kiosk.regions import RegionError, load_city

    region, data_dir = config.terminal.region, config.data.dir
    city = offices = None
    try:
        city = load_city(region, data_dir)
    except (RegionError, OSError) as error:
        print(f"warning: region {region} cannot be read: {printable(error)}", file=sys.stderr)
    try:
        offices = city_offices.load(region, data_dir)
    except (city_offices.CityFileError, OSError) as error:
        print(f"warning: the city file cannot be read: {printable(error)}", file=sys.stderr)
    return city, offices
