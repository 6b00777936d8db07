"""The store: one durable transaction per report, migrations, personal data wiped in time."""

import sqlite3

import pytest
from conftest import make_report, voice_attachment

from kiosk import outbox
from kiosk.db import MIGRATIONS, connect, schema_version, transaction
from kiosk.store import find_by_code, load_report, save_report, wipe_personal_data


def test_report_outbox_and_attachments_are_saved_together(conn):
    report = make_report(attachments=(voice_attachment(),))
    stored = save_report(conn, report, terminal_number=7)
    assert stored.code.startswith("0007")
    assert load_report(conn, stored.uuid).report == report
    assert find_by_code(conn, stored.code).uuid == stored.uuid
    item = outbox.by_code(conn, stored.code)
    assert item.state == "queued" and item.attempts == 0
    assert outbox.counts(conn)["queued"] == 1


def test_wal_and_full_sync(conn):
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_a_failing_transaction_leaves_nothing(conn):
    with pytest.raises(RuntimeError), transaction(conn):
        conn.execute(
            "INSERT INTO reports (uuid, code, created_at, classification, title, content,"
            " date_of_incident, location, is_anonymous, is_secret, language, reporter_name,"
            " reporter_phone, reporter_email) VALUES"
            " ('u', 'c', 't', 'pengaduan', 't', 'c', '2026-11-20', '', 0, 0, 'id', '', '', '')"
        )
        raise RuntimeError("power cut in the middle")
    assert conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 0


def test_attachment_failure_rolls_back_the_report(conn):
    bad = voice_attachment()
    object.__setattr__(bad, "data", None)  # violates NOT NULL size: len(None) fails
    with pytest.raises(TypeError):
        save_report(conn, make_report(attachments=(bad,)), 1)
    assert conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 0


def test_migrations_bring_an_empty_file_to_the_newest_version(tmp_path):
    path = tmp_path / "old.sqlite3"
    sqlite3.connect(path).close()
    connection = connect(path)
    assert schema_version(connection) == len(MIGRATIONS)
    connection.close()
    again = connect(path)  # opening twice migrates nothing more
    assert schema_version(again) == len(MIGRATIONS)


def test_codes_are_unique_under_many_reports(conn):
    codes = {save_report(conn, make_report(n), 1).code for n in range(300)}
    assert len(codes) == 300


def test_personal_data_is_wiped_after_retention(tmp_path):
    path = tmp_path / "kiosk.sqlite3"
    conn = connect(path)
    old = save_report(conn, make_report(1, attachments=(voice_attachment(),)), 1)
    fresh = save_report(conn, make_report(2), 1)
    waiting = save_report(conn, make_report(3), 1)
    outbox.mark_delivered(conn, old.uuid, "1000001", "LAP0000001")
    outbox.mark_delivered(conn, fresh.uuid, "1000002", "LAP0000002")
    conn.execute("UPDATE outbox SET delivered_at = 1000 WHERE report_uuid = ?", (old.uuid,))
    import time

    assert wipe_personal_data(conn, retention_s=86400, now=time.time()) == 1
    wiped = load_report(conn, old.uuid).report
    assert wiped.reporter.is_empty() and wiped.content == "" and wiped.title == ""
    assert wiped.attachments[0].data == b""
    assert find_by_code(conn, old.code) is not None  # the code still answers a follow-up
    assert load_report(conn, fresh.uuid).report.reporter.name == "Budi Santoso"
    assert load_report(conn, waiting.uuid).report.reporter.name == "Budi Santoso"
    conn.close()
    # secure_delete and the checkpoint leave no copy of the wiped phone number in the files.
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("kiosk"))
    assert raw.count(b"081234567890") == 2  # the two reports not yet due


def test_rejected_reports_and_cached_answers_are_wiped_too(conn):
    import json
    import time

    rejected = save_report(conn, make_report(1), 1)
    delivered = save_report(conn, make_report(2), 1)
    outbox.mark_rejected(conn, rejected.uuid, "HTTP 400: nameUser: Budi Santoso tidak valid")
    outbox.mark_delivered(conn, delivered.uuid, "1000009", None)
    conn.execute(
        "INSERT INTO status_cache VALUES ('1000009', ?, 0)",
        (json.dumps({"answer": "Bapak Budi Santoso, jalan sudah diperbaiki"}),),
    )
    conn.execute("UPDATE outbox SET updated_at = 0, delivered_at = 0")
    assert wipe_personal_data(conn, retention_s=60, now=time.time()) == 2
    assert outbox.get(conn, rejected.uuid).last_error is None
    assert load_report(conn, rejected.uuid).report.reporter.is_empty()
    assert conn.execute("SELECT COUNT(*) FROM status_cache").fetchone()[0] == 0
