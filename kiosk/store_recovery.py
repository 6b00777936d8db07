"""`kiosk store recover`: a damaged store rebuilt from what can still be read.

The sqlite3 program's `.dump` reads around damaged pages (backwards where reading forwards
fails); its statements are streamed into a scratch database (never held in memory: a store
of recordings is large), and the rows that arrived are copied into a new store of the
current schema. A table whose pages are lost is empty there. What was lost is counted and
said; nothing is sent twice:
- a report whose place in the queue was lost may already be at LAPOR!: it is put back as
  `sending`, so the forwarder looks its reference up before it posts anything (or parks it
  for staff where no lookup exists);
- queue rows and recordings whose report was lost are dropped and counted.
The damaged store stays beside the new one; the swap happens only when the new one passes
the full integrity check. (`.recover` of the sqlite3 program reads more, but the one in
Debian 12 answers "SQL logic error" and produces nothing.)
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kiosk.db import migrate
from kiosk.store_health import StoreDamaged, StoreError, integrity_problems

_DUMP_TRANSACTION = {b"BEGIN TRANSACTION;\n", b"COMMIT;\n", b"ROLLBACK; -- due to errors\n"}
"""`.dump` wraps everything in one transaction and rolls it back when it met damage: each
statement runs on its own instead, so whatever was read is kept."""


@dataclass(frozen=True)
class Recovered:
    reports: int
    """Reports in the recovered store."""
    requeued: int
    """Reports whose queue row was lost: looked up at LAPOR! before anything is posted."""
    lost: int
    """Queue rows whose report was lost (reports that cannot be sent any more)."""
    damaged_copy: Path
    """The damaged store, kept as it was (it holds personal data: delete it when done)."""


def recover(db_path: Path) -> Recovered:
    """Rebuild the store at `db_path`; run it with the kiosk and the forwarder stopped."""
    if shutil.which("sqlite3") is None:
        raise StoreError("the sqlite3 program is needed: apt install sqlite3")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    damaged = db_path.with_name(f"{db_path.name}.damaged-{stamp}")
    salvage = db_path.with_name(f"{db_path.name}.salvage-{stamp}")
    rebuilt = db_path.with_name(f"{db_path.name}.recovered-{stamp}")
    for suffix in ("", "-wal"):
        if Path(f"{db_path}{suffix}").exists():
            shutil.copy2(f"{db_path}{suffix}", f"{damaged}{suffix}")
    try:
        _salvage(damaged, salvage)
        with closing(sqlite3.connect(rebuilt, isolation_level=None)) as conn:
            reports, requeued, lost = _rebuild(conn, salvage, db_path)
    except BaseException:
        rebuilt.unlink(missing_ok=True)  # the damaged store stays in place, untouched
        raise
    finally:
        salvage.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    rebuilt.replace(db_path)
    return Recovered(reports, requeued, lost, damaged)


def _salvage(damaged: Path, salvage: Path) -> None:
    """Stream `.dump` of `damaged` into the scratch database `salvage`, statement by line."""
    dump = subprocess.Popen(
        ["sqlite3", str(damaged), ".dump"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    load = subprocess.Popen(
        ["sqlite3", str(salvage)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert dump.stdout is not None and load.stdin is not None
    with dump.stdout, load.stdin:
        _copy_statements(dump.stdout, load.stdin)
    dump.wait()
    load.wait()


def _copy_statements(source: IO[bytes], target: IO[bytes]) -> None:
    target.write(b"PRAGMA journal_mode=OFF;\nPRAGMA synchronous=OFF;\n")  # a scratch file
    for line in source:  # one line holds at most one recording (as hex)
        if line not in _DUMP_TRANSACTION:
            target.write(line)


def _rebuild(conn: sqlite3.Connection, salvage: Path, db_path: Path) -> tuple[int, int, int]:
    """Fill the new store `conn` from the salvaged rows; (reports, requeued, lost)."""
    migrate(conn)
    conn.execute("ATTACH DATABASE ? AS salvage", (str(salvage),))
    salvaged = _tables(conn, "salvage")
    if "reports" not in salvaged:
        raise StoreDamaged(f"no report could be read from {db_path}: restore it from a copy")
    for table in _tables(conn, "main") & salvaged:
        _copy_rows(conn, table)
    conn.execute("DETACH DATABASE salvage")
    orphans = "report_uuid NOT IN (SELECT uuid FROM reports)"
    lost = conn.execute(f"DELETE FROM outbox WHERE {orphans}").rowcount
    conn.execute(f"DELETE FROM attachments WHERE {orphans}")
    requeued = conn.execute(
        "INSERT INTO outbox (report_uuid, state, next_attempt_at, updated_at, create_posts)"
        " SELECT uuid, 'sending', 0, 0, 1 FROM reports WHERE personal_wiped_at IS NULL"
        " AND uuid NOT IN (SELECT report_uuid FROM outbox)"
    ).rowcount
    if problems := integrity_problems(conn):
        raise StoreDamaged(f"the recovered store is not whole either: {problems[0]}")
    reports = conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    return reports, requeued, lost


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
