"""The configured forwarder workers delivering the queue, to one of three ends.

`kiosk forward`, the demo and the queue benchmark all deliver this way; `kiosk.forwarder`
holds the single worker and `run_workers`, `kiosk.wiring` builds a worker from a
configuration, and this module joins the two (the forwarder cannot import the wiring,
which imports it).
"""

from __future__ import annotations

import threading
from enum import Enum
from typing import TYPE_CHECKING

from kiosk.forwarder import run_workers
from kiosk.wiring import open_forwarder

if TYPE_CHECKING:
    from kiosk.config import KioskConfig
    from kiosk.forwarder import Forwarder


class Until(Enum):
    """When the workers stop."""

    ONE_PASS = "one pass"
    """Housekeeping, then the reports due now (`kiosk forward --once`)."""
    EMPTY = "empty"
    """Nothing waits any more (`kiosk forward --until-empty`, the demo, the benchmark)."""
    STOPPED = "stopped"
    """`stop` is set: a signal, or a worker that failed (the service)."""


def deliver(
    config: KioskConfig, until: Until = Until.EMPTY, stop: threading.Event | None = None
) -> list[Forwarder]:
    """Run `config.forwarder.workers` workers on disjoint shards until `until`; returns them,
    closed, with their `last_failure`. A worker's failure is raised once all have finished;
    when a `stop` is given, it is also set, which ends the other workers' loops."""

    def work(forwarder: Forwarder) -> None:
        if until is Until.ONE_PASS:
            forwarder.housekeeping()
            forwarder.run_once()
        else:
            forwarder.run(until_empty=until is Until.EMPTY, stop=stop)

    return run_workers(
        config.forwarder.workers, lambda shard: open_forwarder(config, shard), work, stop
    )
