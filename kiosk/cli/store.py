"""`kiosk store check|recover`: is the store whole; rebuild a damaged one."""

from __future__ import annotations

import argparse
from contextlib import closing
from typing import TYPE_CHECKING

from kiosk.cli.verb import EXIT_BUSY, EXIT_OK, CommandError, add_verb

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def add_parser(verbs: argparse._SubParsersAction) -> None:
    store = add_verb(verbs, "store", handle, "the store's health: check it, or recover it")
    store.add_argument("action", choices=("check", "recover"))


def handle(args: argparse.Namespace, config: KioskConfig) -> int:
    """`check`: SQLite's full integrity check; `recover`: rebuild a damaged store."""
    if args.action == "recover":
        return _recover_store(config)
    from kiosk.safe_text import printable
    from kiosk.store_health import integrity_problems
    from kiosk.wiring import open_store

    with closing(open_store(config)) as conn:
        problems = integrity_problems(conn)
    for problem in problems:
        print(printable(problem))
    if problems:
        raise CommandError(f"the store {config.db_path} is damaged: run `kiosk store recover`")
    print(f"the store {config.db_path} is whole")
    return EXIT_OK


def _recover_store(config: KioskConfig) -> int:
    from kiosk.forwarder import ForwarderBusy, acquire_lock
    from kiosk.store_recovery import recover

    try:
        lock = acquire_lock(config.data.dir)
    except ForwarderBusy:
        raise CommandError(
            "a forwarder is running on this store: stop the kiosk and the forwarder first"
            " (systemctl stop lapor-kiosk lapor-kiosk-forwarder)",
            EXIT_BUSY,
        ) from None
    with lock:
        recovered = recover(config.db_path)
    print(
        f"recovered {recovered.reports} report(s) into {config.db_path};"
        f" {recovered.requeued} lost their place in the queue and are looked up at LAPOR!"
        f" before anything is sent; {recovered.lost} queued report(s) could not be read."
        f" The damaged store is kept as {recovered.damaged_copy}: it holds personal data,"
        " delete it (`shred -u`) once `kiosk queue status` shows nothing waiting"
    )
    return EXIT_OK
