"""Personal data retention: wiped everywhere it was copied, and only once LAPOR! has it."""

import json
import subprocess
import time
from pathlib import Path

import numpy as np
import requests
import soundfile
from conftest import make_report, voice_attachment
from test_cli import GOOD, run

from kiosk import outbox
from kiosk.config import load_config
from kiosk.db import connect
from kiosk.retention import wipe_personal_data
from kiosk.store import find_by_code, load_report, save_report
from lapor_sim.process import SimulatorProcess

NAME, PHONE, EMAIL = "Siti Rahmawati Kusumadewi", "081377788899", "siti.kusumadewi@contoh.id"
YEARS = 10 * 365 * 86400.0


def test_delivered_reports_are_wiped_after_retention_and_nothing_stays_in_the_files(tmp_path):
    conn = connect(tmp_path / "kiosk.sqlite3")
    old = save_report(conn, make_report(1, attachments=(voice_attachment(),)), 1)
    fresh = save_report(conn, make_report(2), 1)
    waiting = save_report(conn, make_report(3), 1)
    outbox.mark_delivered(conn, old.uuid, "1000001", "LAP0000001")
    outbox.mark_delivered(conn, fresh.uuid, "1000002", "LAP0000002")
    conn.execute("UPDATE outbox SET delivered_at = 1000 WHERE report_uuid = ?", (old.uuid,))

    assert wipe_personal_data(conn, retention_s=86400, now=time.time()) == 1
    wiped = load_report(conn, old.uuid).report
    assert wiped.reporter.is_empty() and wiped.content == "" and wiped.title == ""
    assert wiped.location == ""
    assert [(item.filename, item.data) for item in wiped.attachments] == [("", b"")]
    assert find_by_code(conn, old.code) is not None  # the code still answers a follow-up
    assert load_report(conn, fresh.uuid).report.reporter.name == "Budi Santoso"
    assert load_report(conn, waiting.uuid).report.reporter.name == "Budi Santoso"
    conn.close()
    # secure_delete and the checkpoint leave no copy of the wiped phone number in the files.
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("kiosk"))
    assert raw.count(b"081234567890") == 2  # the two reports not yet due
    assert b"keluhan.ogg" not in raw


def test_a_report_that_never_reached_lapor_is_never_wiped_even_after_a_clock_jump(conn):
    rejected = save_report(conn, make_report(1), 1)
    parked = save_report(conn, make_report(2), 1)
    queued = save_report(conn, make_report(3), 1)
    outbox.mark_rejected(conn, rejected.uuid, "HTTP 400: nameUser tidak valid")
    outbox.mark_needs_review(conn, parked.uuid, "posted 3 time(s)")
    conn.execute("UPDATE outbox SET updated_at = 0, next_attempt_at = 0")

    assert wipe_personal_data(conn, retention_s=60, now=time.time() + YEARS) == 0
    for stored in (rejected, parked, queued):
        report = load_report(conn, stored.uuid).report
        assert report.reporter.name == "Budi Santoso" and report.content  # waits for staff
    assert outbox.get(conn, rejected.uuid).last_error == "HTTP 400: nameUser tidak valid"
    assert outbox.requeue(conn, rejected.uuid)  # and can still be sent whole


def test_copies_made_after_a_wipe_or_left_by_an_older_version_are_swept(conn):
    report = save_report(conn, make_report(1, attachments=(voice_attachment(),)), 1)
    outbox.mark_delivered(conn, report.uuid, "1000009", None)
    conn.execute("UPDATE outbox SET delivered_at = 0")
    assert wipe_personal_data(conn, retention_s=60, now=time.time()) == 1
    # What an older version left behind: the file name, an answer cached again by a follow-up.
    conn.execute("UPDATE attachments SET filename = 'keluhan-siti.ogg'")
    conn.execute(
        "INSERT INTO status_cache VALUES ('1000009', ?, 0)",
        (json.dumps({"answer": f"Ibu {NAME}, jalan sudah diperbaiki"}),),
    )
    assert wipe_personal_data(conn, retention_s=60, now=time.time()) == 0  # nothing new ...
    assert conn.execute("SELECT COUNT(*) FROM status_cache").fetchone()[0] == 0  # ... but swept
    assert conn.execute("SELECT filename FROM attachments").fetchone()[0] == ""


def test_no_digest_of_a_wiped_report_stays_but_a_clients_own_id_does(conn):
    from kiosk.store import save_reports

    client_id = "0b7c1f3e-2a4d-4e6f-8a9b-1c2d3e4f5a6b"
    reports = [(make_report(1), client_id), (make_report(2), None)]
    save_reports(conn, reports, 1)
    conn.execute("UPDATE outbox SET state = 'delivered', delivered_at = 0")
    assert wipe_personal_data(conn, retention_s=60, now=time.time()) == 2
    keys = conn.execute("SELECT client_key, content_digest FROM reports ORDER BY rowid")
    assert [tuple(row) for row in keys] == [(f"id:{client_id}", None), (None, None)]
    again = save_reports(conn, reports[:1], 1)  # the same file with its id: recognised
    assert again[0].already_stored


def test_a_report_wiped_by_an_older_version_is_never_posted_again(conn):
    rejected = save_report(conn, make_report(1), 1)
    outbox.mark_rejected(conn, rejected.uuid, "HTTP 400")
    conn.execute(  # older versions wiped rejected reports too
        "UPDATE reports SET title = '', content = '', reporter_name = '',"
        " personal_wiped_at = '2026-01-01T00:00:00+00:00'"
    )
    assert not outbox.requeue(conn, rejected.uuid)
    assert outbox.get(conn, rejected.uuid).state == "rejected"
    wipe_personal_data(conn, retention_s=60, now=time.time())
    assert outbox.get(conn, rejected.uuid).last_error == "HTTP 400"  # staff still see why


def _flac(path: Path) -> Path:
    tone = 0.3 * np.sin(np.linspace(0, 2 * np.pi * 440 * 2, 32000))
    soundfile.write(path, tone.astype("float32"), 16000, format="FLAC")
    return path


def test_a_full_cycle_leaves_none_of_the_citizens_data_on_the_terminal(tmp_path):
    """File, deliver, follow up, wipe, follow up again: `strings` finds nothing of the citizen."""
    with SimulatorProcess(config_path=tmp_path / "kiosk.toml") as sim:
        config_path = sim.config_path
        text = config_path.read_text()
        config_path.write_text(text.replace("[data]\n", "[data]\nretention_days = 0\n", 1))
        report = GOOD | {
            "reporter": {"name": NAME, "phone": PHONE, "email": EMAIL},
            "content": f"Saya {NAME}, jalan di depan rumah rusak parah dan berlubang besar.",
            "attachments": [{"path": _flac(tmp_path / "keluhan.flac").name}],
        }
        (tmp_path / "laporan.json").write_text(json.dumps(report))
        submitted = run("submit", str(tmp_path / "laporan.json"), config=config_path)
        assert submitted.returncode == 0, submitted.stderr
        code = submitted.stdout.split()[0]
        assert run("forward", "--until-empty", config=config_path).returncode == 0

        config = load_config(config_path)
        db = connect(config.db_path)
        try:
            complaint_id = outbox.by_code(db, code.replace("-", "")).complaint_id
        finally:
            db.close()
        answer = f"Ibu {NAME} ({PHONE}), jalan sudah kami perbaiki."
        requests.post(
            f"{sim.url}/_sim/complaints/{complaint_id}/followups", json={"content": answer}
        ).raise_for_status()

        def follow_up() -> None:
            followed = run("track", code, "--json", config=config_path)
            assert followed.returncode == 0, followed.stderr
            assert NAME in followed.stdout  # shown to the citizen, live from LAPOR!

        follow_up()
        assert run("forward", "--once", config=config_path).returncode == 0  # the wipe
        follow_up()  # shown again, but no longer stored

        files = [str(path) for path in config.db_path.parent.rglob("*") if path.is_file()]
        found = subprocess.run(
            ["strings", "-a", *files], capture_output=True, text=True, check=True
        ).stdout
        assert found  # the store is there and readable
        for secret in (NAME, "Kusumadewi", PHONE, EMAIL, "keluhan.flac"):
            assert secret not in found
