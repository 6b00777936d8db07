"""Reports on the terminal: saved with their outbox row in one durable transaction.

`save_report` returns only after the commit is on disk; only then may a face
show, speak or print the receipt code. A report gets its UUID at capture
time; the UUID is the key LAPOR! sees (in `tags_raw` and the content) and the
receipt code is what the citizen keeps.
"""

from __future__ import annotations

import sqlite3
import time
import uuid as uuid_module
from dataclasses import dataclass
from datetime import UTC, date, datetime

from kiosk.db import transaction
from kiosk.receipt import new_code
from kiosk.report import Attachment, Classification, Report, Reporter

_CODE_ATTEMPTS = 20


@dataclass(frozen=True)
class StoredReport:
    uuid: str
    code: str
    created_at: str
    report: Report
    """The report as filed; after the retention wipe its personal fields are empty."""


def save_report(conn: sqlite3.Connection, report: Report, terminal_number: int) -> StoredReport:
    """Store the report, its attachments and its outbox row durably; return its receipt."""
    report_uuid = str(uuid_module.uuid4())
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    now = time.time()
    with transaction(conn):
        code = _insert_report(conn, report_uuid, created_at, report, terminal_number)
        for position, attachment in enumerate(report.attachments):
            conn.execute(
                "INSERT INTO attachments (report_uuid, position, filename, mime, data, size)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    report_uuid,
                    position,
                    attachment.filename,
                    attachment.mime,
                    attachment.data,
                    len(attachment.data),
                ),
            )
        conn.execute(
            "INSERT INTO outbox (report_uuid, state, next_attempt_at, updated_at)"
            " VALUES (?, 'queued', ?, ?)",
            (report_uuid, now, now),
        )
    return StoredReport(report_uuid, code, created_at, report)


def _insert_report(
    conn: sqlite3.Connection,
    report_uuid: str,
    created_at: str,
    report: Report,
    terminal_number: int,
) -> str:
    """Insert the report row under a fresh receipt code, retrying on the rare code collision."""
    for _ in range(_CODE_ATTEMPTS):
        code = new_code(terminal_number)
        try:
            conn.execute(
                "INSERT INTO reports (uuid, code, created_at, classification, title, content,"
                " date_of_incident, location, category_id, institution_id, is_anonymous,"
                " is_secret, language, reporter_name, reporter_phone, reporter_email)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    report_uuid,
                    code,
                    created_at,
                    report.classification.value,
                    report.title,
                    report.content,
                    report.date_of_incident.isoformat(),
                    report.location,
                    report.category_id,
                    report.institution_id,
                    int(report.is_anonymous),
                    int(report.is_secret),
                    report.language,
                    report.reporter.name,
                    report.reporter.phone,
                    report.reporter.email,
                ),
            )
        except sqlite3.IntegrityError as error:
            if "reports.code" not in str(error):
                raise
            continue
        return code
    raise RuntimeError("no free receipt code after many attempts; the code space is exhausted")


def load_report(
    conn: sqlite3.Connection, report_uuid: str, with_recordings: bool = True
) -> StoredReport:
    """The stored report; without `with_recordings` its attachments come without their bytes."""
    row = conn.execute("SELECT * FROM reports WHERE uuid = ?", (report_uuid,)).fetchone()
    if row is None:
        raise KeyError(report_uuid)
    return _stored_from_row(conn, row, with_recordings)


def find_by_code(conn: sqlite3.Connection, code: str) -> StoredReport | None:
    row = conn.execute("SELECT * FROM reports WHERE code = ?", (code,)).fetchone()
    return _stored_from_row(conn, row) if row else None


def _stored_from_row(
    conn: sqlite3.Connection, row: sqlite3.Row, with_recordings: bool = True
) -> StoredReport:
    data = "data" if with_recordings else "NULL AS data"
    attachments = tuple(
        Attachment(item["filename"], item["mime"], item["data"] or b"")
        for item in conn.execute(
            f"SELECT filename, mime, {data} FROM attachments WHERE report_uuid = ?"
            " ORDER BY position",
            (row["uuid"],),
        )
    )
    report = Report(
        classification=Classification(row["classification"]),
        title=row["title"],
        content=row["content"],
        date_of_incident=date.fromisoformat(row["date_of_incident"]),
        location=row["location"],
        category_id=row["category_id"],
        institution_id=row["institution_id"],
        is_anonymous=bool(row["is_anonymous"]),
        is_secret=bool(row["is_secret"]),
        reporter=Reporter(row["reporter_name"], row["reporter_phone"], row["reporter_email"]),
        attachments=attachments,
        language=row["language"],
    )
    return StoredReport(row["uuid"], row["code"], row["created_at"], report)


def wipe_personal_data(conn: sqlite3.Connection, retention_s: float, now: float) -> int:
    """Clear what may identify a citizen in reports settled over `retention_s` ago.

    Settled: delivered, or rejected (staff had the retention period to act on
    it). Identity, title, content, place, recordings, the rejection reason and the
    cached agency answers go; what stays is what a follow-up needs: the receipt
    code, the LAPOR! complaint id, the kind of report and its dates. Returns how
    many reports were wiped.
    """
    wiped_at = datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds")
    with transaction(conn):
        uuids = [
            row[0]
            for row in conn.execute(
                "SELECT r.uuid FROM reports r JOIN outbox o ON o.report_uuid = r.uuid"
                " WHERE r.personal_wiped_at IS NULL AND ("
                " (o.state = 'delivered' AND o.delivered_at <= ?)"
                " OR (o.state = 'rejected' AND o.updated_at <= ?))",
                (now - retention_s, now - retention_s),
            )
        ]
        for report_uuid in uuids:
            conn.execute(
                "UPDATE reports SET title = '', content = '', location = '', reporter_name = '',"
                " reporter_phone = '', reporter_email = '', personal_wiped_at = ? WHERE uuid = ?",
                (wiped_at, report_uuid),
            )
            conn.execute("UPDATE attachments SET data = NULL WHERE report_uuid = ?", (report_uuid,))
            conn.execute(
                "UPDATE outbox SET last_error = NULL WHERE report_uuid = ?", (report_uuid,)
            )
            conn.execute(
                "DELETE FROM status_cache WHERE complaint_id ="
                " (SELECT complaint_id FROM outbox WHERE report_uuid = ?)",
                (report_uuid,),
            )
    if uuids:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return len(uuids)
