"""`kiosk pin set|unlock`: a new technician PIN, or the wait after wrong tries lifted."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from kiosk.cli.verb import EXIT_BAD_INPUT, EXIT_OK, CommandError, add_verb

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def add_parser(verbs: argparse._SubParsersAction) -> None:
    pin = add_verb(
        verbs, "pin", handle, "technician PIN: set a new one, or lift the wait", needs_config=False
    )
    pin.add_argument("action", choices=("set", "unlock"))


def handle(args: argparse.Namespace, config: KioskConfig | None) -> int:
    """`set`: a new technician PIN (asked twice, never echoed); `unlock`: lift the wait
    after wrong tries. Needs no loadable configuration: one with the old key is refused."""
    import getpass

    from kiosk.config import config_file, load_config
    from kiosk.pin_hash import PinError
    from kiosk.pin_lockout import unlock
    from kiosk.technician_pin import ask_new_pin, hash_pin, store_pin_hash

    if args.action == "unlock":
        data_dir = load_config(args.config).data.dir
        try:
            print(unlock(data_dir))
        except OSError as error:
            raise CommandError(f"{data_dir}: {error}: run it as the kiosk user") from None
        return EXIT_OK
    path = config_file(args.config, dict(os.environ))
    if path is None:
        raise CommandError(
            "no configuration file to hold the PIN: pass --config FILE", EXIT_BAD_INPUT
        )
    try:
        store_pin_hash(path, hash_pin(ask_new_pin(getpass.getpass)))
    except PinError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None
    except OSError as error:
        raise CommandError(f"{path} cannot be written ({error}): run it as root") from None
    print(f"technician PIN set in {path} (mode 0600); restart the kiosk to use it")
    return EXIT_OK
