"""The terminal's SQLite database: WAL, durable commits, versioned schema migrations.

Every write is one explicit transaction (`with transaction(conn):`) committed
with `synchronous=FULL`, so that when it returns the data survives a power
cut. The kiosk UI, `kiosk submit` and the forwarder are separate processes on one file; WAL
lets them read while another writes, and writers wait for each other up to
`BUSY_TIMEOUT_S` (then `is_busy` tells the error apart).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk.store_health import (
    describe,
    expect_store,
    mark_created,
    marker_path,
    quick_check,
)

# Each entry moves the schema one version up; never edit a released entry, append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE reports (
        uuid TEXT PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        classification TEXT NOT NULL,
        title TEXT NOT NULL,
        content TEXT NOT NULL,
        date_of_incident TEXT NOT NULL,
        location TEXT NOT NULL,
        category_id INTEGER,
        institution_id INTEGER,
        is_anonymous INTEGER NOT NULL,
        is_secret INTEGER NOT NULL,
        language TEXT NOT NULL,
        reporter_name TEXT NOT NULL,
        reporter_phone TEXT NOT NULL,
        reporter_email TEXT NOT NULL,
        personal_wiped_at TEXT
    );
    CREATE TABLE attachments (
        report_uuid TEXT NOT NULL REFERENCES reports(uuid),
        position INTEGER NOT NULL,
        filename TEXT NOT NULL,
        mime TEXT NOT NULL,
        data BLOB,
        size INTEGER NOT NULL,
        remote_id TEXT,
        PRIMARY KEY (report_uuid, position)
    );
    CREATE TABLE outbox (
        report_uuid TEXT PRIMARY KEY REFERENCES reports(uuid),
        state TEXT NOT NULL CHECK (
            state IN ('queued', 'sending', 'delivered', 'rejected', 'needs_review')
        ),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL,
        create_sent_at REAL,
        complaint_id TEXT,
        tracking_id TEXT,
        last_error TEXT,
        updated_at REAL NOT NULL,
        delivered_at REAL
    );
    CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
    CREATE INDEX outbox_complaint ON outbox(complaint_id);
    CREATE TABLE status_cache (
        complaint_id TEXT PRIMARY KEY,
        status_json TEXT NOT NULL,
        fetched_at REAL NOT NULL
    );
    CREATE TABLE refdata (
        kind TEXT PRIMARY KEY,
        items_json TEXT NOT NULL,
        fetched_at REAL NOT NULL
    );
    """,
    """
    CREATE TABLE forwarder_health (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        api_state TEXT NOT NULL
            CHECK (api_state IN ('ok', 'unreachable', 'unauthorized', 'misconfigured')),
        checked_at REAL NOT NULL
    );
    """,
    """
    CREATE TABLE face_state (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at REAL NOT NULL
    );
    """,
    """
    CREATE TABLE api_errors (
        kind TEXT PRIMARY KEY,
        count INTEGER NOT NULL,
        last_at REAL NOT NULL
    );
    """,
    # Waits on the boot clock (kiosk/boot_clock.py): due at `due_s` seconds since boot
    # `wait_boot` ('' = due now); `wait_s` re-bases a wait written before a reboot.
    # Counters that bound re-posting an unanswered create.
    """
    ALTER TABLE outbox ADD COLUMN wait_boot TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN due_s REAL NOT NULL DEFAULT 0;
    ALTER TABLE outbox ADD COLUMN wait_s REAL NOT NULL DEFAULT 0;
    ALTER TABLE outbox ADD COLUMN create_posts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE outbox ADD COLUMN lookup_misses INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX outbox_waiting ON outbox(state, wait_boot, due_s);
    DROP INDEX outbox_due;
    UPDATE outbox SET create_posts = 1 WHERE state = 'sending';
    """,
    # Idempotent intake: `client_key` is `id:<uuid>` (the client's own id) or
    # `sha256:<digest>` (a report without one); `content_digest` tells a re-used id apart.
    # `location_id`: the area chosen from the reference list of locations.
    """
    ALTER TABLE reports ADD COLUMN client_key TEXT;
    ALTER TABLE reports ADD COLUMN content_digest TEXT;
    ALTER TABLE reports ADD COLUMN location_id INTEGER;
    CREATE UNIQUE INDEX reports_client_key ON reports(client_key);
    """,
    # Older versions wiped rejected reports too, and `queue retry` could queue one again:
    # an empty report must never be posted, staff see it parked with the reason.
    """
    UPDATE outbox SET state = 'needs_review', last_error = 'its content was wiped before'
        || ' LAPOR! had it: file it again' WHERE state IN ('queued', 'sending') AND report_uuid
        IN (SELECT uuid FROM reports WHERE personal_wiped_at IS NOT NULL);
    """,
    # The place by Kemendagri code and names (`Report.place`); "" where a report gave it only
    # as text. Not personal data: kept after the retention wipe, for the city's figures.
    """
    ALTER TABLE reports ADD COLUMN place_code TEXT NOT NULL DEFAULT '';
    ALTER TABLE reports ADD COLUMN place_kota TEXT NOT NULL DEFAULT '';
    ALTER TABLE reports ADD COLUMN place_kecamatan TEXT NOT NULL DEFAULT '';
    ALTER TABLE reports ADD COLUMN place_kelurahan TEXT NOT NULL DEFAULT '';
    """,
)

BUSY_TIMEOUT_S = 15.0
"""How long a writer waits for another's transaction before giving up. A `kiosk submit` holds
the lock for one transaction of up to 32 MB of recordings (seconds on a slow SD card), and
queued writers take turns; the touch kiosk's save waits on its screen thread, whose systemd
watchdog (30 s, fed every 10 s) must not fire meanwhile."""


def connect(path: Path, check: bool = True) -> sqlite3.Connection:
    """Open (creating if needed), check and migrate the database at `path`; writers wait up
    to BUSY_TIMEOUT_S for the lock.

    Raises `StoreError` with a sentence: `StoreMissing` where this terminal had a store,
    `StoreDamaged` when SQLite's quick check finds a fault (nothing is written into it).
    `check=False` skips the quick check (it reads the whole file): for a reader that comes
    back every few seconds, such as the metrics, and writes nothing.
    """
    conn = None
    try:
        new = expect_store(path)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        conn = sqlite3.connect(
            path, isolation_level=None, timeout=BUSY_TIMEOUT_S, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        if check and not new:
            quick_check(conn, path)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA secure_delete=ON")  # wiped personal data is overwritten, not freed
        migrate(conn)
        if not marker_path(path).exists():
            mark_created(path)
    except BaseException as error:
        if conn is not None:
            conn.close()
        if isinstance(error, sqlite3.Error | OSError):
            raise describe(error, path) from error
        raise
    return conn


def is_busy(error: BaseException) -> bool:
    """True when `error` is another process holding the store's lock past the busy timeout."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # absent from errors made by hand
    return isinstance(error, sqlite3.OperationalError) and code in (
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
    )


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema to the newest version, one transaction per step."""
    while (version := schema_version(conn)) < len(MIGRATIONS):
        with transaction(conn):
            if schema_version(conn) != version:  # another process migrated meanwhile
                continue
            for statement in MIGRATIONS[version].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version={version + 1}")


@contextmanager
def transaction(conn: sqlite3.Connection, durable: bool = True) -> Iterator[sqlite3.Connection]:
    """One write transaction; rolled back on any error.

    `durable=False` commits without waiting for the disk: the change is in the WAL file, so
    it survives a crash of this process (and every other process sees it), and the next
    durable commit on this database makes it survive a power cut too (fsync of the WAL
    covers every frame before it). For a step whose power-cut safety may ride on the next.
    """
    if not durable:
        conn.execute("PRAGMA synchronous=NORMAL")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    finally:
        if not durable:
            conn.execute("PRAGMA synchronous=FULL")
