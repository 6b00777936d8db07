"""Reports on the terminal: saved with their outbox row in one durable transaction.

`save_report` returns only after the commit is on disk; only then may a face
show, speak or print the receipt code. A report gets its UUID at capture
time; the UUID is the key LAPOR! sees (in `tags_raw` and the content) and the
receipt code is what the citizen keeps.

`save_reports` stores a whole `kiosk submit` file in one transaction, idempotently: each
report is kept under its client key (`id:<uuid>` when the file gave it an id, else
`sha256:<digest of its content>`), and a report whose key is already stored is answered
with the code it has, nothing new stored.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
import uuid as uuid_module
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from kiosk.db import transaction
from kiosk.receipt import new_code
from kiosk.report import Attachment, Classification, Place, Report, Reporter

_CODE_ATTEMPTS = 20


@dataclass(frozen=True)
class StoredReport:
    uuid: str
    code: str
    created_at: str
    report: Report
    """The report as filed; after the retention wipe its personal fields are empty."""


@dataclass(frozen=True)
class Filed:
    """Where one report of a submitted file is: its receipt code, and whether an earlier
    submit (or an earlier report of the same file) had stored it already."""

    code: str
    already_stored: bool


class KeyReused(ValueError):
    """A client id already stored with other content: the file reuses an id by mistake."""

    def __init__(self, position: int, code: str) -> None:
        super().__init__(f"report {position + 1}: its id is already used by {code}")
        self.position = position
        self.code = code


def save_report(conn: sqlite3.Connection, report: Report, terminal_number: int) -> StoredReport:
    """Store the report, its attachments and its outbox row durably; return its receipt."""
    with transaction(conn):
        return _insert(conn, report, terminal_number, None, None)


def save_reports(
    conn: sqlite3.Connection,
    reports: Sequence[tuple[Report, str | None]],
    terminal_number: int,
) -> list[Filed]:
    """Store every (report, client id) not stored yet, all in one durable transaction; raise
    KeyReused (nothing stored) when a client id is stored with other content."""
    filed = []
    with transaction(conn):
        for position, (report, client_id) in enumerate(reports):
            digest = content_digest(report)
            key = f"id:{client_id}" if client_id else f"sha256:{digest}"
            row = conn.execute(
                "SELECT code, content_digest FROM reports WHERE client_key = ?", (key,)
            ).fetchone()
            if row is None:
                code = _insert(conn, report, terminal_number, key, digest).code
                filed.append(Filed(code, already_stored=False))
            elif row["content_digest"] in (digest, None):  # None: wiped, the id is its word
                filed.append(Filed(row["code"], already_stored=True))
            else:
                raise KeyReused(position, row["code"])
    return filed


def content_digest(report: Report) -> str:
    """SHA-256 of everything the report says, its recordings by their own SHA-256.

    A report without a place is digested without the key, as before reports had one: a file
    submitted before that version and again after it is still recognised."""
    fields = asdict(report) | {
        "attachments": [
            [item.filename, item.mime, hashlib.sha256(item.data).hexdigest()]
            for item in report.attachments
        ]
    }
    if report.place == Place():
        del fields["place"]
    canonical = json.dumps(fields, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _insert(
    conn: sqlite3.Connection,
    report: Report,
    terminal_number: int,
    client_key: str | None,
    digest: str | None,
) -> StoredReport:
    """Insert the report, its attachments and its outbox row (inside a transaction)."""
    report_uuid = str(uuid_module.uuid4())
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    now = time.time()
    code = _insert_report(
        conn,
        report,
        terminal_number,
        report_uuid=report_uuid,
        created_at=created_at,
        client_key=client_key,
        digest=digest,
    )
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
    report: Report,
    terminal_number: int,
    *,
    report_uuid: str,
    created_at: str,
    client_key: str | None,
    digest: str | None,
) -> str:
    """Insert the report row under a fresh receipt code, retrying on the rare code collision."""
    for _ in range(_CODE_ATTEMPTS):
        code = new_code(terminal_number)
        try:
            conn.execute(
                "INSERT INTO reports (uuid, created_at, client_key, content_digest, code,"
                " classification, title, content, date_of_incident, location, category_id,"
                " institution_id, location_id, place_code, place_kota, place_kecamatan,"
                " place_kelurahan, is_anonymous, is_secret, language, reporter_name,"
                " reporter_phone, reporter_email)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    report_uuid,
                    created_at,
                    client_key,
                    digest,
                    code,
                    report.classification.value,
                    report.title,
                    report.content,
                    report.date_of_incident.isoformat(),
                    report.location,
                    report.category_id,
                    report.institution_id,
                    report.location_id,
                    report.place.code,
                    report.place.kota,
                    report.place.kecamatan,
                    report.place.kelurahan,
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
        place=Place(
            row["place_code"], row["place_kota"], row["place_kecamatan"], row["place_kelurahan"]
        ),
        category_id=row["category_id"],
        institution_id=row["institution_id"],
        location_id=row["location_id"],
        is_anonymous=bool(row["is_anonymous"]),
        is_secret=bool(row["is_secret"]),
        reporter=Reporter(row["reporter_name"], row["reporter_phone"], row["reporter_email"]),
        attachments=attachments,
        language=row["language"],
    )
    return StoredReport(row["uuid"], row["code"], row["created_at"], report)
