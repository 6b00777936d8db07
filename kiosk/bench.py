"""`kiosk bench queue`: durable enqueue latency and forwarding throughput against raw HTTP.

Everything runs against a local simulator process on 127.0.0.1 without
injected faults. `raw_post_per_s` posts the very same create payloads with a
plain keep-alive HTTP session and no store: `forward_vs_raw` is the share of
that speed the forwarder keeps while saving every step durably.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from contextlib import closing
from datetime import date
from pathlib import Path

import requests

from kiosk import outbox
from kiosk.adapters.lapor_v3 import LaporV3Client, create_payload
from kiosk.config import load_config
from kiosk.db import connect
from kiosk.forwarder import Forwarder, kiosk_reference
from kiosk.report import Classification, Report, Reporter
from kiosk.simulator.process import SimulatorProcess
from kiosk.store import load_report, save_report


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _sample_report(number: int) -> Report:
    return Report(
        classification=Classification.PENGADUAN,
        title=f"Saluran air tersumbat nomor {number}",
        content="Saluran air di depan rumah tersumbat sampah dan meluap setiap hujan deras turun.",
        date_of_incident=date(2026, 11, 20),
        location="Jl. Melati, Jakarta Timur",
        category_id=6,
        reporter=Reporter("Dewi Lestari", "081298765432", ""),
    )


def bench_queue(reports: int) -> dict[str, float]:
    with (
        tempfile.TemporaryDirectory(prefix="kiosk-bench-") as workdir,
        SimulatorProcess(config_path=Path(workdir) / "kiosk.toml") as simulator,
    ):
        config = load_config(simulator.config_path)
        with closing(connect(config.db_path)) as conn:
            enqueue_ms = []
            for number in range(reports):
                report = _sample_report(number)
                started = time.perf_counter()
                save_report(conn, report, config.terminal.number)
                enqueue_ms.append((time.perf_counter() - started) * 1000)
            payloads = [
                create_payload(
                    load_report(conn, item.report_uuid).report,
                    kiosk_reference(item.report_uuid),
                    [],
                    config.lapor,
                    config.terminal.id,
                )
                for item in outbox.listing(conn)
            ]
            api = LaporV3Client(config.lapor, config.terminal.id)
            forwarder = Forwarder(conn, api, config.forwarder, 86400.0)
            forwarder.housekeeping()  # reference sync is not part of the delivery figure
            started = time.perf_counter()
            forwarder.run(until_empty=True)
            forward_s = time.perf_counter() - started
            api.close()
            delivered = outbox.counts(conn)["delivered"]
        raw_s = _raw_posts(config, payloads)
    forward_per_s = delivered / forward_s
    raw_per_s = len(payloads) / raw_s
    return {
        "reports": reports,
        "enqueue_p50_ms": round(statistics.median(enqueue_ms), 3),
        "enqueue_p95_ms": round(_percentile(enqueue_ms, 0.95), 3),
        "forward_per_s": round(forward_per_s, 1),
        "raw_post_per_s": round(raw_per_s, 1),
        "forward_vs_raw": round(forward_per_s / raw_per_s, 3),
    }


def _raw_posts(config, payloads: list[dict]) -> float:
    session = requests.Session()
    session.headers.update(
        {
            config.lapor.auth_header: f"Bearer {config.lapor.auth_key.reveal()}",
            "token": config.lapor.token.reveal(),
        }
    )
    url = config.lapor.base_url + "/complaints/complaint"
    started = time.perf_counter()
    for payload in payloads:
        session.post(url, json=payload, timeout=10).raise_for_status()
    elapsed = time.perf_counter() - started
    session.close()
    return elapsed


def run_bench(target: str, reports: int) -> dict[str, float]:
    if target == "queue":
        return bench_queue(reports)
    raise ValueError(f"unknown benchmark {target}")
