"""Fleet health: `kiosk status` and Prometheus metrics, read from the store at each look.

Nothing personal is ever in here: counts, ages, states and names of models only. The city's
figures (kiosk/stats.py) are in the metrics too, by kecamatan and category (per state they
are `kiosk_queue_reports`); not by week: Prometheus keeps the time, and a series a week
would grow without end (`increase(kiosk_reports_by_kecamatan[7d])` is a week's).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hardware.sound_cards import ASOUND, device_present, sound_cards
from kiosk import outbox, stats
from kiosk.config import ConfigError, KioskConfig, is_loopback, parse_listen
from kiosk.deployment_checks import security_problems
from kiosk.face_state import MODEL_STATES, metrics_problem, model_state, record_metrics_problem
from kiosk.store_health import StoreError

STARTED = time.time()
log = logging.getLogger(__name__)
_servers: list = []
"""The metrics servers this process started (for `stop_metrics`)."""


@dataclass(frozen=True)
class Health:
    terminal: str
    queue: dict[str, int]
    oldest_undelivered_s: float | None
    """Age of the oldest report still waiting, in seconds; None when nothing waits."""
    last_delivery_at: float | None
    """Unix time of the latest delivery; None before any."""
    api_state: str
    api_errors: dict[str, int]
    """Failed calls to LAPOR! by kind (rejected, unavailable, no_answer ...), ever."""
    speech_models: list[str]
    speech_model_state: str
    """The face's recogniser: unknown, none, not_loaded, loading, loaded or failed."""
    audio_output: bool
    """The configured sound output's card is plugged in (read from /proc/asound)."""
    audio_input: bool
    """The configured microphone's card is plugged in."""
    uptime_s: float
    """Seconds since this process started."""
    metrics_problem: str | None
    """Why the forwarder serves no metrics (recorded when it last started); None if it does or
    none are configured."""
    security_problems: list[str]
    """Unsafe ways of reaching a production LAPOR! (kiosk/deployment_checks.py), with the fix;
    [] when there are none."""


def oldest_undelivered_s(conn: sqlite3.Connection) -> float | None:
    """Age of the oldest report still waiting, in seconds; None when nothing waits."""
    oldest = conn.execute(
        "SELECT MIN(r.created_at) FROM outbox o JOIN reports r ON r.uuid = o.report_uuid"
        " WHERE o.state IN ('queued', 'sending')"
    ).fetchone()[0]
    return time.time() - datetime.fromisoformat(oldest).timestamp() if oldest else None


def health(config: KioskConfig, conn: sqlite3.Connection, asound: Path = ASOUND) -> Health:
    from models.installer import installed

    last = conn.execute("SELECT MAX(delivered_at) FROM outbox").fetchone()[0]
    cards = sound_cards(asound)
    return Health(
        terminal=config.terminal.id,
        queue=outbox.counts(conn),
        oldest_undelivered_s=oldest_undelivered_s(conn),
        last_delivery_at=last,
        api_state=outbox.api_state(conn),
        api_errors=outbox.api_errors(conn),
        speech_models=[model.name for model in installed(config.data.dir / "models")],
        speech_model_state=model_state(conn)[0],
        audio_output=device_present(config.audio.output_device, "output", cards),
        audio_input=device_present(config.audio.input_device, "input", cards),
        uptime_s=time.time() - STARTED,
        metrics_problem=metrics_problem(conn) if config.metrics.listen else None,
        security_problems=[str(problem) for problem in security_problems(config)],
    )


class HealthCollector:
    """A prometheus_client collector: every scrape reads the store afresh."""

    def __init__(self, config: KioskConfig, connect, asound: Path = ASOUND) -> None:
        self.config = config
        self.connect = connect
        self.asound = asound

    def collect(self):
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        terminal = self.config.terminal
        conn = self.connect()
        try:
            status = health(self.config, conn, self.asound)
            places = stats.by_kecamatan(conn, terminal.region, terminal.default_language)
            categories = stats.by_category(conn, terminal.default_language)
        finally:
            conn.close()
        queue = GaugeMetricFamily(
            "kiosk_queue_reports", "Reports per outbox state", labels=["state"]
        )
        for state, count in status.queue.items():
            queue.add_metric([state], count)
        yield queue
        yield GaugeMetricFamily(
            "kiosk_oldest_undelivered_seconds", "Age of the oldest waiting report",
            value=status.oldest_undelivered_s or 0.0,
        )  # fmt: skip
        yield GaugeMetricFamily(
            "kiosk_last_delivery_timestamp_seconds", "When a report was last delivered",
            value=status.last_delivery_at or 0.0,
        )  # fmt: skip
        yield _one_of(
            "kiosk_api_state", "The forwarder's view of LAPOR!",
            ("unknown", "ok", "unreachable", "unauthorized", "misconfigured"), status.api_state,
        )  # fmt: skip
        errors = CounterMetricFamily(
            "kiosk_api_errors", "Failed calls to LAPOR! by kind", labels=["kind"]
        )
        for kind, count in status.api_errors.items():
            errors.add_metric([kind], count)
        yield errors
        yield GaugeMetricFamily(
            "kiosk_speech_models", "Speech models installed", value=len(status.speech_models)
        )
        yield _one_of(
            "kiosk_speech_model_state", "The kiosk face's speech recogniser",
            ("unknown", *MODEL_STATES), status.speech_model_state,
        )  # fmt: skip
        audio = GaugeMetricFamily(
            "kiosk_audio_device_present", "The configured sound device's card is plugged in",
            labels=["direction"],
        )  # fmt: skip
        audio.add_metric(["output"], float(status.audio_output))
        audio.add_metric(["input"], float(status.audio_input))
        yield audio
        yield GaugeMetricFamily(
            "kiosk_uptime_seconds", "Seconds since start", value=status.uptime_s
        )
        yield _tallies(
            "kiosk_reports_by_kecamatan",
            "Reports ever filed here per kecamatan of the terminal's kota (unknown, outside)",
            ("kecamatan_code", "kecamatan"), places,
        )  # fmt: skip
        yield _tallies(
            "kiosk_reports_by_category", "Reports ever filed here per category",
            ("category_id", "category"), categories,
        )  # fmt: skip
        yield GaugeMetricFamily(
            "kiosk_security_problems", "Unsafe settings for a production LAPOR! (kiosk status)",
            value=len(status.security_problems),
        )  # fmt: skip


def _tallies(
    name: str, documentation: str, labels: tuple[str, str], tallies: tuple[stats.Tally, ...]
):
    """Counts of reports by group (kiosk/stats.py), labelled with the group's key and name:
    a series a kecamatan or category, so few."""
    from prometheus_client.core import GaugeMetricFamily

    family = GaugeMetricFamily(name, documentation, labels=list(labels))
    for tally in tallies:
        family.add_metric([tally.key, tally.name], tally.count)
    return family


def _one_of(name: str, documentation: str, states: tuple[str, ...], current: str):
    """A state as Prometheus likes it: one gauge a state, 1 for the current one."""
    from prometheus_client.core import GaugeMetricFamily

    family = GaugeMetricFamily(name, documentation, labels=["state"])
    for state in states:
        family.add_metric([state], 1.0 if state == current else 0.0)
    return family


def metrics_warning(config: KioskConfig) -> str | None:
    """A line to log when the metrics are served beyond this terminal (`allow_remote`)."""
    listen = config.metrics.listen
    try:
        if not listen or is_loopback(parse_listen(listen)[0]):
            return None
    except ConfigError:
        return None  # not servable at all: `start_metrics` says so
    return (
        f"metrics are served to the network on {listen} ([metrics] allow_remote = true):"
        " anyone who can reach this terminal can read the queue and API state"
    )


def start_metrics(config: KioskConfig, connect) -> str | None:
    """Serve /metrics on `[metrics] listen` from a thread, for the city's monitoring.

    Never raises for an address that cannot be had: returns None when serving (or when no
    metrics are configured), else the problem in one line, which is also recorded in the store
    (through `connect()`) for `kiosk status` and `kiosk selftest`; a success clears it.
    """
    listen = config.metrics.listen
    problem = None
    if listen:
        try:
            host, port = parse_listen(listen)
            from prometheus_client import start_http_server
            from prometheus_client.core import CollectorRegistry

            registry = CollectorRegistry()
            registry.register(HealthCollector(config, connect))
            server, _ = start_http_server(port, addr=host, registry=registry)
            _servers.append(server)
        except ConfigError as error:  # a configuration not read by load_config
            problem = f"cannot serve metrics: {error}"
        except ImportError:
            problem = f"cannot serve metrics on {listen}: prometheus_client is not installed"
        except OSError as error:  # taken, not an address of this machine, unknown name
            problem = f"cannot serve metrics on {listen}: {error.strerror or error}"
    try:
        conn = connect()
        try:
            record_metrics_problem(conn, problem)
        finally:
            conn.close()
    except (sqlite3.Error, StoreError, OSError) as error:  # the forwarder will say it too
        log.warning("cannot record the metrics state in the store: %s", error)
    return problem


def stop_metrics() -> None:
    """Stop the metrics servers this process started, freeing their ports."""
    while _servers:
        server = _servers.pop()
        server.shutdown()
        server.server_close()
