"""Crash tests with real processes killed by SIGKILL: nothing is lost, nothing is sent twice."""

import json
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy
import pytest
import soundfile
from repo_paths import REPO_ROOT

from kiosk.config import load_config
from kiosk.db import connect
from lapor_sim.process import SimulatorProcess

REPORTS = 200
KILLS = 24


def kiosk(config: Path, *args: str, **popen) -> subprocess.Popen:
    command = [sys.executable, "-m", "kiosk", "--config", str(config), *args]
    return subprocess.Popen(command, cwd=REPO_ROOT, **popen)


def report_line(number: int) -> str:
    return json.dumps(
        {
            "classification": "pengaduan",
            "title": f"Sampah menumpuk di pasar nomor {number}",
            "content": f"Sampah di los {number} Pasar Minggu tidak diangkut sejak tiga hari.",
            "date_of_incident": "2026-11-20",
            "location": "Pasar Minggu, Jakarta Selatan",
            "category": "6",
            "reporter": {"name": "Rina Wulandari", "phone": "081311112222", "email": ""},
            "attachments": ["rekaman.ogg"] if number % 10 == 0 else [],
        }
    )


def parked_reports(config_path: Path) -> dict[str, str]:
    """uuid -> receipt code of every report parked for staff."""
    conn = connect(load_config(config_path).db_path)
    try:
        return dict(
            conn.execute(
                "SELECT o.report_uuid, r.code FROM outbox o JOIN reports r ON r.uuid ="
                " o.report_uuid WHERE o.state = 'needs_review'"
            ).fetchall()
        )
    finally:
        conn.close()


def write_reports(folder: Path, count: int) -> Path:
    noise = numpy.random.default_rng(3).integers(-8000, 8000, 16000, dtype=numpy.int16)
    soundfile.write(folder / "rekaman.ogg", noise, 16000, format="OGG", subtype="VORBIS")
    path = folder / "reports.jsonl"
    path.write_text("\n".join(report_line(number) for number in range(count)) + "\n")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("lookup", [True, False], ids=["lookups", "no-lookups"])
def test_forwarder_killed_again_and_again_delivers_every_report_exactly_once(tmp_path, lookup):
    """With the reference lookup, every report is delivered exactly once. Without it (the
    production default: no public spec has a search), a create whose answer was lost
    (dropped by the simulator, or cut by a kill while in flight) is parked for staff, and
    nothing else is: answers are written the moment they arrive."""
    rng = random.Random(2026)
    with SimulatorProcess(
        "--fail-rate", "0.3", "--drop-response-rate", "0.1", "--seed", "11",
        config_path=tmp_path / "kiosk.toml",
    ) as sim:  # fmt: skip
        settings = sim.config_path.read_text()
        sim.config_path.write_text(
            settings.replace("reference_lookup = true", f"reference_lookup = {str(lookup).lower()}")
        )
        submit = kiosk(sim.config_path, "submit", str(write_reports(tmp_path, REPORTS)),
                       stdout=subprocess.PIPE, text=True)  # fmt: skip
        codes, _ = submit.communicate(timeout=60)
        assert submit.returncode == 0
        assert len(codes.split()) == REPORTS

        for _ in range(KILLS):
            forwarder = kiosk(sim.config_path, "forward", stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.05, 0.6))
            forwarder.send_signal(signal.SIGKILL)
            forwarder.wait()
            assert forwarder.returncode == -signal.SIGKILL  # it was still working when killed

        final = kiosk(
            sim.config_path, "forward", "--until-empty", stdout=subprocess.PIPE, text=True
        )
        out, _ = final.communicate(timeout=300)
        assert final.returncode == 0

        status = kiosk(sim.config_path, "queue", "status", "--json", stdout=subprocess.PIPE)
        counts = json.loads(status.communicate(timeout=30)[0])
        parked = counts.pop("needs_review")
        assert json.loads(out.strip().splitlines()[-1])["delivered"] == REPORTS - parked
        assert counts == {"queued": 0, "sending": 0, "delivered": REPORTS - parked,
                          "rejected": 0}  # fmt: skip
        faults = sim.stats()["faults"]
        if not lookup:  # each lost answer parks one report (a kill can cut one create per
            # worker); three 500s in a row park one too (a gateway's 500 may follow a store)
            assert parked <= faults["dropped_response"] + KILLS * 2 + faults["500"] // 3
        else:  # parked only after lookups missed every post: truly absent, staff may retry
            at_lapor = {tag for c in sim.complaints() for tag in c["tags_raw"].split()}
            assert not {f"#kiosk-{uuid}" for uuid in parked_reports(sim.config_path)} & at_lapor
            for _ in range(5):
                for code in parked_reports(sim.config_path).values():
                    kiosk(sim.config_path, "queue", "retry", code).wait(timeout=30)
                kiosk(sim.config_path, "forward", "--until-empty").wait(timeout=300)
            parked = len(parked_reports(sim.config_path))
            assert parked == 0

        stored = sim.complaints()
        references = Counter(
            token for complaint in stored for token in complaint["tags_raw"].split()
            if token.startswith("#kiosk-")
        )  # fmt: skip
        assert len(references) >= REPORTS - parked, "a report is missing at LAPOR!"
        assert max(references.values()) == 1, f"duplicates: {references.most_common(3)}"

        config = load_config(sim.config_path)
        conn = connect(config.db_path)
        local = {
            f"#kiosk-{uuid}": complaint_id
            for uuid, complaint_id in conn.execute(
                "SELECT report_uuid, complaint_id FROM outbox WHERE state = 'delivered'"
            )
        }
        conn.close()
        remote = {
            token: str(complaint["complaint_id"])
            for complaint in stored
            for token in complaint["tags_raw"].split()
            if token.startswith("#kiosk-")
        }
        assert local.items() <= remote.items()  # every delivered row points at its complaint
        assert len(local) == REPORTS - parked
        with_audio = [complaint for complaint in stored if complaint["attachment_files"]]
        assert len(with_audio) >= REPORTS // 10 - parked
        assert faults["dropped_response"] >= 10 and faults["500"] >= 10  # the chaos was real
