"""Is the store whole? Known before anything is written into it.

Three things a terminal must never take for granted:
- a store that is missing or empty where this terminal has kept reports (a marker file
  beside the store says since when) is lost data, not a fresh start;
- a damaged store (a torn page on an SD card) is found by SQLite's quick check when it is
  opened, and nothing is written into it: intake stops with the way out;
- a store that cannot be written (read-only, disk full) is said in a sentence.

The way out of a damaged store is `kiosk store recover` (see `recover`), described in
docs/RECOVERY.md. (`.recover` of the sqlite3 program would read more, but the one in Debian
12 answers "SQL logic error" and produces nothing.)
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

RECOVERY_HELP = "stop the kiosk and forwarder, then run `kiosk store recover` (docs/RECOVERY.md)"


class StoreError(Exception):
    """The store cannot be opened or written (disk full, read-only, corrupt)."""


class StoreDamaged(StoreError):
    """The store's file is damaged: nothing may be written into it."""


class StoreMissing(StoreError):
    """The store is missing or empty where this terminal has kept reports."""


def marker_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".since")


def expect_store(db_path: Path) -> bool:
    """Before opening: True when the store is new (no file, no marker); raises
    `StoreMissing` when the marker says there was one."""
    marker = marker_path(db_path)
    size = db_path.stat().st_size if db_path.exists() else None
    if size:
        return False
    if not marker.exists():
        return True
    since = marker.read_text("utf-8").strip() or "an unknown date"
    state = "missing" if size is None else "empty (0 bytes)"
    raise StoreMissing(
        f"the store {db_path} is {state}, but this terminal has kept its reports there since"
        f" {since} ({marker}): reports may be lost. Restore the store from a copy"
        f" (docs/RECOVERY.md); to start this terminal afresh on purpose, delete {marker}"
    )


def mark_created(db_path: Path) -> None:
    """After a new store is created: from now on its absence is an error."""
    marker = marker_path(db_path)
    marker.write_text(datetime.now().astimezone().isoformat(timespec="seconds") + "\n", "utf-8")


def quick_check(conn: sqlite3.Connection, db_path: Path) -> None:
    """SQLite's quick check (pages and structure; linear in the file's size): raises
    `StoreDamaged` when it finds a fault."""
    problems = _check(conn, "quick_check")
    if problems:
        raise StoreDamaged(_damaged(db_path, "; ".join(problems[0].splitlines()[:3])))


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """SQLite's full integrity check (also every index against its table); [] when whole."""
    return _check(conn, "integrity_check")


def _check(conn: sqlite3.Connection, pragma: str) -> list[str]:
    try:
        rows = [row[0] for row in conn.execute(f"PRAGMA {pragma}(20)")]
    except sqlite3.DatabaseError as error:
        return [str(error)]
    return [] if rows == ["ok"] else rows


def _damaged(db_path: Path, what: str) -> str:
    return f"the store {db_path} is damaged ({what}); nothing is written into it: {RECOVERY_HELP}"


def describe(error: sqlite3.Error | OSError, db_path: Path) -> StoreError:
    """A failure of the store in a sentence that says what to do."""
    code = getattr(error, "sqlite_errorcode", None)
    message = str(error)
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return StoreDamaged(_damaged(db_path, message))
    if code == sqlite3.SQLITE_FULL or "No space left" in message:
        return StoreError(
            f"the disk holding the store {db_path} is full: free space (old logs, recordings"
            " no longer needed), then try again; nothing was lost"
        )
    if code == sqlite3.SQLITE_READONLY or "Read-only" in message or "readonly" in message:
        return StoreError(
            f"the store {db_path} cannot be written (read-only): check that the kiosk user"
            " owns the data directory and that the disk is not mounted read-only"
        )
    if code == sqlite3.SQLITE_BUSY:
        return StoreError(
            f"the store {db_path} stayed locked by another process: try again; if it"
            " persists, restart the kiosk services"
        )
    if code == sqlite3.SQLITE_CANTOPEN or isinstance(error, OSError):
        return StoreError(
            f"the store {db_path} cannot be opened ({message}): check the data directory"
            " ([data] dir) exists and belongs to the kiosk user"
        )
    return StoreError(f"the store {db_path} failed: {message}")


@dataclass(frozen=True)
class Recovered:
    reports: int
    """Reports in the recovered store."""
    requeued: int
    """Reports whose outbox row was lost and that wait to be sent again."""
    damaged_copy: Path
    """The damaged store, kept as it was."""


def recover(db_path: Path) -> Recovered:
    """Rebuild a damaged store from what can still be read (the sqlite3 program's `.dump`).

    The rows that can be read are copied into a new store of the current schema (a table
    whose pages are lost is empty there); a report whose outbox row was lost is queued again
    (never one already wiped); the damaged files are kept beside it. Run with the kiosk and
    the forwarder stopped.
    """
    if shutil.which("sqlite3") is None:
        raise StoreError("the sqlite3 program is needed: apt install sqlite3")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    damaged = db_path.with_name(f"{db_path.name}.damaged-{stamp}")
    salvage = db_path.with_name(f"{db_path.name}.salvage-{stamp}")
    rebuilt = db_path.with_name(f"{db_path.name}.recovered-{stamp}")
    for suffix in ("", "-wal"):
        if Path(f"{db_path}{suffix}").exists():
            shutil.copy2(f"{db_path}{suffix}", f"{damaged}{suffix}")
    # `.dump` reads around damaged pages (in reverse where forward fails) and ends with a
    # ROLLBACK when it met any: what it could read is kept all the same.
    dump = subprocess.run(["sqlite3", str(damaged), ".dump"], capture_output=True, check=False)
    readable = dump.stdout.replace(b"ROLLBACK; -- due to errors", b"COMMIT;")
    subprocess.run(["sqlite3", str(salvage)], input=readable, capture_output=True, check=False)
    try:
        with closing(sqlite3.connect(rebuilt, isolation_level=None)) as conn:
            reports, requeued = _rebuild(conn, salvage, db_path)
    except BaseException:
        rebuilt.unlink(missing_ok=True)  # the damaged store stays in place, untouched
        raise
    finally:
        salvage.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    rebuilt.replace(db_path)
    return Recovered(reports, requeued, damaged)


def _rebuild(conn: sqlite3.Connection, salvage: Path, db_path: Path) -> tuple[int, int]:
    """Fill the new store `conn` from the salvaged rows; (reports, reports queued again)."""
    from kiosk.db import migrate  # the schema lives there (and db uses this module)

    migrate(conn)
    conn.execute("ATTACH DATABASE ? AS salvage", (str(salvage),))
    salvaged = _tables(conn, "salvage")
    if "reports" not in salvaged:
        raise StoreDamaged(f"no report could be read from {db_path}: restore it from a copy")
    for table in _tables(conn, "main") & salvaged:
        _copy_rows(conn, table)
    conn.execute("DETACH DATABASE salvage")
    requeued = conn.execute(
        "INSERT INTO outbox (report_uuid, state, next_attempt_at, updated_at)"
        " SELECT uuid, 'queued', 0, 0 FROM reports WHERE personal_wiped_at IS NULL"
        " AND uuid NOT IN (SELECT report_uuid FROM outbox)"
    ).rowcount
    if problems := integrity_problems(conn):
        raise StoreDamaged(f"the recovered store is not whole either: {problems[0]}")
    return conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0], requeued


def _tables(conn: sqlite3.Connection, schema: str) -> set[str]:
    rows = conn.execute(f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'")
    return {row[0] for row in rows}


def _copy_rows(conn: sqlite3.Connection, table: str) -> None:
    """Every readable row of the salvaged `table`, in the columns both schemas have."""

    def columns(schema: str) -> list[str]:
        return [row[1] for row in conn.execute(f"PRAGMA {schema}.table_info({table})")]

    salvaged = set(columns("salvage"))
    shared = ", ".join(f'"{name}"' for name in columns("main") if name in salvaged)
    conn.execute(
        f'INSERT OR IGNORE INTO main."{table}" ({shared}) SELECT {shared} FROM salvage."{table}"'
    )
