"""`kiosk demo`: the whole pipeline against a local LAPOR! simulator, in a temporary directory.

Until the touch screen exists this is a narrated text run: reports are filed
while LAPOR! is out of reach, queued, delivered when it comes back, then
followed up by receipt code as a citizen would.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from contextlib import closing
from datetime import date
from importlib import resources
from pathlib import Path

from kiosk import outbox
from kiosk.config import load_config
from kiosk.db import connect
from kiosk.forwarder import run_workers
from kiosk.i18n import text
from kiosk.receipt import format_code
from kiosk.report import report_from_json
from kiosk.simulator.process import SimulatorProcess
from kiosk.store import save_report
from kiosk.tracking import track
from kiosk.wiring import open_api, open_forwarder


def _say(line: str = "") -> None:
    print(line, flush=True)


def _queue_line(conn) -> str:
    counts = outbox.counts(conn)
    waiting = counts["queued"] + counts["sending"]
    return text("queue.waiting", "id", count=waiting) if waiting else text("queue.all_sent", "id")


def run_demo(keep: bool = False) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
    try:
        with SimulatorProcess("--seed", "7", config_path=workdir / "kiosk.toml") as simulator:
            config = load_config(simulator.config_path, env={})  # never the real queue
            _say(f"LAPOR! simulator: {simulator.url}   data: {config.data.dir}")
            _say()
            raw_reports = json.loads(
                resources.files("kiosk.data").joinpath("demo_reports.json").read_text("utf-8")
            )
            with closing(connect(config.db_path)) as conn:
                _say("1. Tiga warga membuat laporan (jaringan belum dipakai):")
                codes = []
                for raw in raw_reports:
                    report = report_from_json(raw, workdir, date.today())
                    stored = save_report(conn, report, config.terminal.number)
                    codes.append(stored.code)
                    _say(f"   {format_code(stored.code)}  {report.classification}: {report.title}")
                _say(f"   Status: {_queue_line(conn)}")
                _say()
                _say("2. Forwarder mengirim antrean ke LAPOR!:")
                run_workers(
                    config.forwarder.workers,
                    lambda shard: open_forwarder(config, shard),
                    lambda forwarder: forwarder.run(until_empty=True),
                )
                for item in outbox.listing(conn):
                    _say(
                        f"   {format_code(item.code)}  {item.state}, complaint {item.complaint_id}"
                    )
                _say(f"   Status: {_queue_line(conn)}")
                _say()
                _say("3. Warga menindaklanjuti laporan dengan kode tanda terima:")
                api = open_api(config)
                first = outbox.by_code(conn, codes[0])
                for _ in range(2):
                    simulator.advance(first.complaint_id)
                for code in codes:
                    result = track(conn, api, format_code(code))
                    _say(f"   {format_code(code)}: {result.sentence}")
                    for followup in result.status.followups if result.status else []:
                        _say(f"      - {followup.institution}: {followup.content}")
                typo = codes[0][:5] + str((int(codes[0][5]) + 1) % 10) + codes[0][6:]
                _say(f"   {format_code(typo)} (salah ketik): {track(conn, api, typo).sentence}")
                api.close()
            _say()
            _say(f"LAPOR! simulator menyimpan {len(simulator.complaints())} laporan.")
    finally:
        if keep:
            _say(f"Data directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0
