"""Simulator state in SQLite: uploaded files, complaints, their status logs and follow-ups.

One connection is shared by all request threads and guarded by one lock, so every public
method is atomic. With a file path the database runs in WAL mode and a restarted simulator
remembers everything; without one it lives in memory.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from lapor_sim import clock, lifecycle
from lapor_sim.lifecycle import Agency, Move, Status

FIRST_COMPLAINT_ID = 1_000_001
"""Far above kiosk receipt numbers, so the two are never confused in a test."""
FIRST_FILE_ID = 4_200_001
"""Same order of magnitude as the attachment ids seen in public integration code."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS complaints (
    id INTEGER PRIMARY KEY,
    tracking_id TEXT NOT NULL UNIQUE,
    fields TEXT NOT NULL,
    attachment_ids TEXT NOT NULL,
    target_id INTEGER,
    target_name TEXT,
    status_code INTEGER NOT NULL,
    disposition_id INTEGER,
    disposition_name TEXT,
    created_at TEXT NOT NULL,
    moved_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    complaint_id INTEGER NOT NULL REFERENCES complaints(id),
    institution_from_name TEXT NOT NULL,
    institution_to_name TEXT NOT NULL,
    status_old TEXT NOT NULL,
    status_new TEXT NOT NULL,
    date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS followups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    complaint_id INTEGER NOT NULL REFERENCES complaints(id),
    content TEXT NOT NULL,
    institution_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""

Decide = Callable[[Status, Agency | None, Agency | None], Move | None]
"""Given (status, current disposition, requested target), the move to make, if any."""


def tracking_id_for(complaint_id: int) -> str:
    """A tracking id that looks random but is unique: 7919 is coprime with 10**7."""
    # ASSUMED: tracking ids look like "LAP" + 7 digits; the real format is not public.
    return f"LAP{complaint_id * 7919 % 10_000_000:07d}"


def mentions(fields: dict[str, Any], reference: str) -> bool:
    """Whether a report carries `reference` as a whole tag or anywhere in its text."""
    tags = re.split(r"[\s,;]+", fields.get("tags_raw") or "")
    return any(tag.lstrip("#") == reference for tag in tags) or reference in fields["content"]


def _lapor_date(iso: str) -> str:
    return clock.lapor_format(datetime.fromisoformat(iso))


def _agency(agency_id: int | None, name: str | None) -> Agency | None:
    return Agency(agency_id, name) if agency_id is not None and name is not None else None


def _placeholders(values: list[Any]) -> str:
    return ",".join("?" * len(values))


class Store:
    """All simulator state; see the module docstring for the locking rule."""

    def __init__(self, path: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        if path:
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._db:
            yield self._db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @staticmethod
    def _next_id(db: sqlite3.Connection, table: str, first: int) -> int:
        query = f"SELECT COALESCE(MAX(id), ?) + 1 FROM {table}"
        return db.execute(query, (first - 1,)).fetchone()[0]

    # --- files -------------------------------------------------------------------------------

    def add_file(self, name: str, content_type: str, data: bytes) -> int:
        """Keep an uploaded attachment; returns its id."""
        digest = hashlib.sha256(data).hexdigest()
        with self._transaction() as db:
            file_id = self._next_id(db, "files", FIRST_FILE_ID)
            db.execute(
                "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                (file_id, name, content_type, len(data), digest, data, clock.now().isoformat()),
            )
        return file_id

    def missing_files(self, file_ids: Iterable[int]) -> list[int]:
        """Those of `file_ids` that were never uploaded, in ascending order."""
        wanted = sorted(set(file_ids))
        with self._transaction() as db:
            rows = db.execute(f"SELECT id FROM files WHERE id IN ({_placeholders(wanted)})", wanted)
            found = {row["id"] for row in rows}
        return [file_id for file_id in wanted if file_id not in found]

    # --- complaints ----------------------------------------------------------------------------

    def create_complaint(
        self, fields: dict[str, Any], attachment_ids: list[int], target: Agency | None
    ) -> tuple[int, str]:
        """Store a validated report as Belum Terverifikasi; returns (complaint_id, tracking_id)."""
        with self._transaction() as db:
            complaint_id = self._next_id(db, "complaints", FIRST_COMPLAINT_ID)
            tracking_id = tracking_id_for(complaint_id)
            db.execute(
                "INSERT INTO complaints VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)",
                (
                    complaint_id,
                    tracking_id,
                    json.dumps(fields, ensure_ascii=False),
                    json.dumps(attachment_ids),
                    target.id if target else None,
                    target.name if target else None,
                    lifecycle.UNVERIFIED.code,
                    clock.now().isoformat(),
                    time.time(),
                ),
            )
        return complaint_id, tracking_id

    def detail(self, complaint_id: int) -> dict[str, Any] | None:
        """`results` of `GET /complaints/{id}/complaint`, or None for an unknown id."""
        with self._transaction() as db:
            row = self._complaint(db, complaint_id)
            if row is None:
                return None
            logs = db.execute(
                "SELECT * FROM logs WHERE complaint_id = ? ORDER BY id", (complaint_id,)
            ).fetchall()
        return {
            "data": {
                "id": row["id"],
                "tracking_id": row["tracking_id"],
                "title": json.loads(row["fields"])["title"],
                "status_code": row["status_code"],
                "status_name": lifecycle.STATUSES[row["status_code"]].name,
                "disposition_id": row["disposition_id"],
                "disposition_name": row["disposition_name"],
                "created_at": _lapor_date(row["created_at"]),
            },
            "data_logs": [
                {
                    "institution_from_name": log["institution_from_name"],
                    "institution_to_name": log["institution_to_name"],
                    "status_old": {"name": log["status_old"]},
                    "status_new": {"name": log["status_new"]},
                    "date": _lapor_date(log["date"]),
                }
                for log in logs
            ],
        }

    def followups(
        self, complaint_id: int, page: int, per_page: int
    ) -> tuple[list[dict[str, Any]], bool] | None:
        """One page of follow-ups, oldest first, and whether another page follows."""
        with self._transaction() as db:
            if self._complaint(db, complaint_id) is None:
                return None
            rows = db.execute(
                "SELECT id, content, institution_name, created_at FROM followups"
                " WHERE complaint_id = ? ORDER BY id LIMIT ? OFFSET ?",
                (complaint_id, per_page + 1, (page - 1) * per_page),
            ).fetchall()
        items = [{**dict(row), "created_at": _lapor_date(row["created_at"])} for row in rows]
        return items[:per_page], len(items) > per_page

    def add_followup(self, complaint_id: int, content: str, institution_name: str | None) -> bool:
        """Add an agency reply by hand (test hook), by default from whoever holds the report.

        Returns False for an unknown id.
        """
        with self._transaction() as db:
            row = self._complaint(db, complaint_id)
            if row is None:
                return False
            author = institution_name or row["disposition_name"] or lifecycle.CHANNEL_INSTITUTION
            self._insert_followup(db, complaint_id, content, author)
        return True

    def search(self, reference: str, min_age_s: float = 0.0) -> list[dict[str, Any]]:
        """Reports that carry `reference` (see `mentions`), oldest first.

        Only reports created at least `min_age_s` ago are found: a search index that lags
        behind the creates, as `--search-lag-s` asks.
        """
        with self._transaction() as db:
            rows = db.execute(
                "SELECT id, tracking_id, fields, created_at FROM complaints ORDER BY id"
            ).fetchall()
        newest = time.time() - min_age_s
        found = []
        for row in rows:
            fields = json.loads(row["fields"])
            indexed = datetime.fromisoformat(row["created_at"]).timestamp() <= newest
            if indexed and mentions(fields, reference):
                found.append(
                    {
                        "complaint_id": row["id"],
                        "tracking_id": row["tracking_id"],
                        "tags_raw": fields.get("tags_raw", ""),
                        "content": fields.get("content", ""),
                    }
                )
        return found

    def dump(self) -> list[dict[str, Any]]:
        """Every stored report with what was sent, its status and its attachment files."""
        with self._transaction() as db:
            rows = db.execute("SELECT * FROM complaints ORDER BY id").fetchall()
            files = {
                row["id"]: dict(row)
                for row in db.execute("SELECT id, name, size, content_type, sha256 FROM files")
            }
        return [
            {
                **json.loads(row["fields"]),
                "complaint_id": row["id"],
                "tracking_id": row["tracking_id"],
                "status_code": row["status_code"],
                "status_name": lifecycle.STATUSES[row["status_code"]].name,
                "created_at": _lapor_date(row["created_at"]),
                "attachment_files": [files[i] for i in json.loads(row["attachment_ids"])],
            }
            for row in rows
        ]

    # --- status moves --------------------------------------------------------------------------

    def advance(self, complaint_id: int) -> None:
        """Move a report one step along the normal flow; unknown ids are ignored."""
        self._move(complaint_id, lifecycle.advance)

    def reject(self, complaint_id: int, reason: str | None) -> None:
        """Set a report to Ditolak unless it is finished; unknown ids are ignored."""
        self._move(
            complaint_id, lambda status, held, _target: lifecycle.reject(status, held, reason)
        )

    def advance_due(self, min_age_s: float) -> int:
        """Advance every unfinished report that has not moved for `min_age_s`; returns how many."""
        with self._transaction() as db:
            rows = db.execute(
                f"SELECT * FROM complaints WHERE moved_at <= ?"
                f" AND status_code NOT IN ({_placeholders(list(lifecycle.FINAL_CODES))})",
                (time.time() - min_age_s, *lifecycle.FINAL_CODES),
            ).fetchall()
            for row in rows:
                self._decide_and_apply(db, row, lifecycle.advance)
        return len(rows)

    def _move(self, complaint_id: int, decide: Decide) -> None:
        with self._transaction() as db:
            row = self._complaint(db, complaint_id)
            if row is not None:
                self._decide_and_apply(db, row, decide)

    def _decide_and_apply(self, db: sqlite3.Connection, row: sqlite3.Row, decide: Decide) -> None:
        old = lifecycle.STATUSES[row["status_code"]]
        move = decide(
            old,
            _agency(row["disposition_id"], row["disposition_name"]),
            _agency(row["target_id"], row["target_name"]),
        )
        if move is None:
            return
        agency = move.agency
        db.execute(
            "UPDATE complaints SET status_code = ?, disposition_id = ?, disposition_name = ?,"
            " moved_at = ? WHERE id = ?",
            (
                move.status.code,
                agency.id if agency else None,
                agency.name if agency else None,
                time.time(),
                row["id"],
            ),
        )
        db.execute(
            "INSERT INTO logs (complaint_id, institution_from_name, institution_to_name,"
            " status_old, status_new, date) VALUES (?, ?, ?, ?, ?, ?)",
            (
                row["id"],
                move.log_from,
                move.holder,
                old.name,
                move.status.name,
                clock.now().isoformat(),
            ),
        )
        self._insert_followup(db, row["id"], move.followup, move.holder)

    @staticmethod
    def _complaint(db: sqlite3.Connection, complaint_id: int) -> sqlite3.Row | None:
        return db.execute("SELECT * FROM complaints WHERE id = ?", (complaint_id,)).fetchone()

    @staticmethod
    def _insert_followup(
        db: sqlite3.Connection, complaint_id: int, content: str, institution_name: str
    ) -> None:
        db.execute(
            "INSERT INTO followups (complaint_id, content, institution_name, created_at)"
            " VALUES (?, ?, ?, ?)",
            (complaint_id, content, institution_name, clock.now().isoformat()),
        )
