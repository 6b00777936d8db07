"""`kiosk demo`: the whole product against a local LAPOR! simulator, in a temporary directory.

With a screen it starts the simulator, the forwarder and the touch kiosk in a
window. Without one (a server, CI) it is a narrated text run of the pipeline:
reports are filed, queued, delivered, then followed up by receipt code.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date
from importlib import resources
from pathlib import Path

from kiosk import outbox, refdata
from kiosk.attachment_files import AttachmentFolder
from kiosk.config import KioskConfig, load_config
from kiosk.db import connect
from kiosk.delivery import deliver
from kiosk.i18n import text
from kiosk.intake import reports_from_json
from kiosk.pin_hash import CONFIG_KEY
from kiosk.receipt import format_code
from kiosk.store import save_report
from kiosk.technician_pin import hash_pin
from kiosk.tracking import track
from kiosk.wiring import open_api


def _say(line: str = "") -> None:
    print(line, flush=True)


def _queue_line(conn) -> str:
    counts = outbox.counts(conn)
    waiting = counts["queued"] + counts["sending"]
    return text("queue.waiting", "id", count=waiting) if waiting else text("queue.all_sent", "id")


DEMO_PIN = "246810"


def has_screen() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_demo(keep: bool = False) -> int:
    if not has_screen():
        _say("No screen here (DISPLAY is not set): the text run of the pipeline follows.")
        _say()
        return run_text_demo(keep)
    return run_touch_demo(keep)


@contextmanager
def _workdir(keep: bool) -> Iterator[Path]:
    """A temporary directory for one demo, removed afterwards unless `keep`."""
    workdir = Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
    try:
        yield workdir
    finally:
        if keep:
            _say(f"Data directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def windowed_with_pin(config_path: Path) -> KioskConfig:
    """The simulator's configuration in a window, left with `DEMO_PIN` (its hash kept in a file
    only its owner reads, as for a real terminal)."""
    config_path.chmod(0o600)  # before it holds the hash
    with config_path.open("a") as config_file:
        config_file.write(f'\n[touch]\nfullscreen = false\n{CONFIG_KEY} = "{hash_pin(DEMO_PIN)}"\n')
    return load_config(config_path, env={})


def run_touch_demo(keep: bool) -> int:
    from kiosk.touch.session import run_kiosk_with_forwarder
    from lapor_sim.process import SimulatorProcess

    with _workdir(keep) as workdir:
        config_path = workdir / "kiosk.toml"
        with SimulatorProcess(
            "--seed", "7", "--advance-every-s", "60", config_path=config_path
        ) as simulator:
            config = windowed_with_pin(config_path)
            _say(f"LAPOR! simulator: {simulator.url}   data: {config.data.dir}")
            _say("Reports move one status on every minute in the simulator.")
            _say(
                f"To leave the kiosk: hold the status line for 3 seconds, PIN {DEMO_PIN}"
                " (or press Ctrl+C here)."
            )
            run_kiosk_with_forwarder(config, windowed=True)
    return 0


def run_text_demo(keep: bool = False) -> int:
    with _workdir(keep) as workdir:
        _narrate(workdir)
    return 0


def _narrate(workdir: Path) -> None:
    """Reports filed, queued, delivered and followed up, told step by step."""
    from lapor_sim.process import SimulatorProcess

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
            lists = refdata.items_by_kind(conn)
            folder = AttachmentFolder(workdir)
            for entry in reports_from_json(raw_reports, lists, folder, date.today()):
                report = entry.report
                stored = save_report(conn, report, config.terminal.number)
                codes.append(stored.code)
                _say(f"   {format_code(stored.code)}  {report.classification}: {report.title}")
            _say(f"   Status: {_queue_line(conn)}")
            _say()
            _say("2. Forwarder mengirim antrean ke LAPOR!:")
            deliver(config)
            for item in outbox.listing(conn):
                _say(f"   {format_code(item.code)}  {item.state}, complaint {item.complaint_id}")
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
