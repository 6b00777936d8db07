"""`kiosk forward`: deliver queued reports to LAPOR! (the service, one pass, or until empty)."""

from __future__ import annotations

import argparse
import json
import logging
import threading
from contextlib import closing
from typing import TYPE_CHECKING

from kiosk.cli.verb import EXIT_BUSY, EXIT_OK, CommandError, add_verb

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def add_parser(verbs: argparse._SubParsersAction) -> None:
    forward = add_verb(verbs, "forward", handle, "deliver queued reports to LAPOR!")
    mode = forward.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="one pass over what is due")
    mode.add_argument("--until-empty", action="store_true", help="stop when nothing waits")


def handle(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk import outbox
    from kiosk.adapters.base import Unauthorized, Unavailable
    from kiosk.delivery import Until, deliver
    from kiosk.forwarder import ForwarderBusy, acquire_lock
    from kiosk.safe_text import printable
    from kiosk.stop_signals import stop_on_signals
    from kiosk.wiring import open_api, open_store

    try:
        lock = acquire_lock(config.data.dir)
    except ForwarderBusy as error:
        raise CommandError(str(error), EXIT_BUSY) from None
    open_api(config).close()  # a configuration error is reported before any worker starts
    open_store(config).close()  # and a damaged store (checked once here, not by each worker)
    until = Until.ONE_PASS if args.once else Until.EMPTY if args.until_empty else Until.STOPPED
    stop = threading.Event()
    _start_metrics(config)
    with lock, stop_on_signals(stop):
        forwarders = deliver(config, until, stop)
        with closing(open_store(config, check=False)) as conn:  # checked at the start
            counts = outbox.counts(conn)
        print(json.dumps(counts))
    if not any(counts[state] for state in outbox.WAITING_STATES):
        return EXIT_OK  # nothing waits: earlier failures were overcome
    failures = [forwarder.last_failure for forwarder in forwarders if forwarder.last_failure]
    if any(isinstance(failure, Unauthorized) for failure in failures):
        raise CommandError(
            "LAPOR! refused the credentials: check [lapor] credentials_file and the channel's"
            " key and token; the reports stay queued and safe"
        )
    if any(isinstance(failure, Unavailable) for failure in failures):
        raise CommandError(
            f"LAPOR! cannot be reached now ({printable(failures[0])}); the reports stay queued"
        )
    return EXIT_OK


def _start_metrics(config: KioskConfig) -> None:
    """Metrics are optional equipment: a problem is logged (and shown by status and selftest),
    delivery goes on."""
    from kiosk import db
    from kiosk.health import metrics_warning, start_metrics

    log = logging.getLogger("kiosk.forward")
    if warning := metrics_warning(config):
        log.warning("%s", warning)
    if problem := start_metrics(config, lambda: db.connect(config.db_path, check=False)):
        log.warning("%s", problem)
