"""Is the store whole? Known before anything is written into it.

Three things a terminal must never take for granted:
- a store that is missing or empty where this terminal has kept reports (a marker file
  beside the store says since when) is lost data, not a fresh start;
- a damaged store (a torn page on an SD card) is found by SQLite's quick check when it is
  opened, and nothing is written into it: intake stops with the way out;
- a store that cannot be written (read-only, disk full) is said in a sentence.

The way out of a damaged store is `kiosk store recover` (kiosk/store_recovery.py), described
in docs/RECOVERY.md.
"""

from __future__ import annotations

import sqlite3
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
        raise StoreDamaged(_damaged(db_path, problems[0]))


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """SQLite's full integrity check (also every index against its table); [] when whole."""
    return _check(conn, "integrity_check")


def _check(conn: sqlite3.Connection, pragma: str) -> list[str]:
    try:
        rows = [row[0] for row in conn.execute(f"PRAGMA {pragma}(20)")]
    except sqlite3.DatabaseError as error:
        return [str(error)]
    if rows == ["ok"]:
        return []
    lines = [line for row in rows for line in row.splitlines()]
    return [line for line in lines if not line.startswith("***")]  # "*** in database main ***"


def _damaged(db_path: Path, what: str) -> str:
    return f"the store {db_path} is damaged ({what}); nothing is written into it: {RECOVERY_HELP}"


def describe(error: sqlite3.Error | OSError, db_path: Path) -> StoreError:
    """A failure of the store in a sentence that says what to do."""
    extended = getattr(error, "sqlite_errorcode", None)
    code = None if extended is None else extended & 0xFF  # SQLITE_CORRUPT_INDEX: CORRUPT
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
