"""The store: one durable transaction per report, migrations, personal data wiped in time."""

import hashlib
import json
import sqlite3
import time
from dataclasses import asdict

import pytest
from conftest import make_report, voice_attachment

from kiosk import outbox
from kiosk.db import BUSY_TIMEOUT_S, MIGRATIONS, connect, is_busy, schema_version, transaction
from kiosk.report import Place, Reporter
from kiosk.retention import wipe_personal_data
from kiosk.store import (
    KeyReused,
    content_digest,
    find_by_code,
    load_report,
    save_report,
    save_reports,
)

DAGO = Place("32.73.02.1004", "Kota Bandung", "Coblong", "Dago")


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


CLIENT_ID = "5b0e2f61-7c4d-4e8a-9f13-2d6c8b4a1e70"


def count(conn, table: str = "reports") -> int:
    return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_a_file_is_stored_in_one_transaction(conn):
    good = [(make_report(n), None) for n in range(5)]
    bad = make_report(99, attachments=(voice_attachment(),))
    object.__setattr__(bad.attachments[0], "data", None)  # len(None) fails mid-way
    with pytest.raises(TypeError):
        save_reports(conn, [*good, (bad, None)], 1)
    assert count(conn) == count(conn, "outbox") == 0
    filed = save_reports(conn, good, 1)
    assert [entry.already_stored for entry in filed] == [False] * 5
    assert count(conn) == count(conn, "outbox") == 5


def test_a_report_submitted_again_keeps_its_code_and_stores_nothing(conn):
    reports = [
        (make_report(1), CLIENT_ID),
        (make_report(2, attachments=(voice_attachment(),)), None),
    ]
    first = save_reports(conn, reports, 1)
    again = save_reports(conn, reports, 1)
    assert [entry.code for entry in again] == [entry.code for entry in first]
    assert all(entry.already_stored for entry in again)
    assert count(conn) == count(conn, "outbox") == 2 and count(conn, "attachments") == 1


def test_the_same_report_twice_in_one_file_is_stored_once(conn):
    first, second = save_reports(conn, [(make_report(1), None), (make_report(1), None)], 1)
    assert first.code == second.code
    assert (first.already_stored, second.already_stored) == (False, True)
    assert count(conn) == 1


def test_a_client_id_reused_for_other_content_stores_nothing(conn):
    [stored] = save_reports(conn, [(make_report(1), CLIENT_ID)], 1)
    with pytest.raises(KeyReused) as caught:
        save_reports(conn, [(make_report(7), None), (make_report(2), CLIENT_ID)], 1)
    assert (caught.value.position, caught.value.code) == (1, stored.code)
    assert count(conn) == 1  # report 7, before it in the file, was rolled back too


def test_the_digest_covers_every_field_and_each_recording():
    report = make_report(1, attachments=(voice_attachment(),))
    assert content_digest(report) == content_digest(
        make_report(1, attachments=(voice_attachment(),))
    )
    changed = [
        make_report(1, attachments=(voice_attachment(4096),)),
        make_report(1, attachments=(voice_attachment(),), is_secret=True),
        make_report(1, attachments=(voice_attachment(),), location_id=327302),
        make_report(1, attachments=(voice_attachment(),), reporter=Reporter("Budi Santoso")),
    ]
    assert len({content_digest(other) for other in [report, *changed]}) == 5


def test_the_area_is_kept(conn):
    stored = save_report(conn, make_report(1, location_id=327302), 1)
    assert load_report(conn, stored.uuid).report.location_id == 327302


def test_the_place_is_kept_and_outlives_the_wipe_of_its_detail(conn):
    report = make_report(1, location="depan SD", place=DAGO)
    stored = save_report(conn, report, 1)
    assert load_report(conn, stored.uuid).report == report
    outbox.mark_delivered(conn, stored.uuid, "1000001", "LAP1")
    assert wipe_personal_data(conn, retention_s=0, now=time.time() + 1) == 1
    wiped = load_report(conn, stored.uuid).report
    assert (wiped.place, wiped.location) == (DAGO, "")  # a kelurahan is no one's identity


def test_a_report_without_a_place_keeps_the_digest_it_had_before_places():
    """A file submitted before reports had a place is recognised when submitted again."""
    report = make_report(1)
    before = {key: value for key, value in asdict(report).items() if key != "place"}
    canonical = json.dumps(before | {"attachments": []}, sort_keys=True, default=str)
    assert content_digest(report) == hashlib.sha256(canonical.encode()).hexdigest()
    assert content_digest(make_report(1, place=DAGO)) != content_digest(report)


def test_reports_filed_at_the_screen_have_no_client_key(conn):
    """Two citizens may file the same words at the screen: both are kept."""
    save_report(conn, make_report(1), 1)
    save_report(conn, make_report(1), 1)
    assert count(conn) == 2


def test_an_older_store_gains_the_keys_and_keeps_its_reports(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    for version, migration in enumerate(MIGRATIONS[:5]):  # before client keys
        old.executescript(migration)
        old.execute(f"PRAGMA user_version={version + 1}")
    old.execute(
        "INSERT INTO reports (uuid, code, created_at, classification, title, content,"
        " date_of_incident, location, is_anonymous, is_secret, language, reporter_name,"
        " reporter_phone, reporter_email) VALUES ('u', '00011234567', 't', 'pengaduan',"
        " 'Lampu jalan mati', 'Lampu jalan mati sejak seminggu.', '2026-11-20', 'Jl. Kenanga',"
        " 0, 0, 'id', '', '', '')"
    )
    old.close()
    connection = connect(path)
    assert load_report(connection, "u").report.location_id is None
    assert save_reports(connection, [(make_report(1), CLIENT_ID)], 1)[0].already_stored is False
    assert count(connection) == 2
    connection.close()


def test_a_store_from_before_places_keeps_its_reports_without_one(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    for version, migration in enumerate(MIGRATIONS[:7]):  # before places
        old.executescript(migration)
        old.execute(f"PRAGMA user_version={version + 1}")
    old.execute(
        "INSERT INTO reports (uuid, code, created_at, classification, title, content,"
        " date_of_incident, location, location_id, is_anonymous, is_secret, language,"
        " reporter_name, reporter_phone, reporter_email) VALUES ('u', '00011234567', 't',"
        " 'pengaduan', 'Lampu jalan mati', 'Lampu jalan mati sejak seminggu.', '2026-11-20',"
        " 'Jl. Dago', 327302, 0, 0, 'id', 'Budi', '', '')"
    )
    old.close()
    connection = connect(path)
    assert schema_version(connection) == len(MIGRATIONS)
    kept = load_report(connection, "u").report
    assert (kept.location, kept.location_id, kept.place) == ("Jl. Dago", 327302, Place())
    assert kept.reporter.name == "Budi"
    connection.close()


def test_writers_wait_for_the_lock_and_a_give_up_is_told_apart(tmp_path):
    path = tmp_path / "kiosk.sqlite3"
    holder, waiter = connect(path), connect(path)
    assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_S * 1000
    impatient = sqlite3.connect(path, isolation_level=None, timeout=0.2)
    with (
        transaction(holder),
        pytest.raises(sqlite3.OperationalError) as caught,
        transaction(impatient),
    ):
        pass
    assert is_busy(caught.value)
    with pytest.raises(sqlite3.OperationalError) as other:
        waiter.execute("SELECT * FROM nothing")
    assert not is_busy(other.value)
    for connection in (holder, waiter, impatient):
        connection.close()
