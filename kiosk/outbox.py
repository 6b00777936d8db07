"""The outbox: one row a report, moved through its delivery states by the forwarder.

States:
- `queued`: to be sent when `next_attempt_at` has come (attachments first, then the create);
- `sending`: the create request may have reached LAPOR! but no answer was stored.
  Set durably *before* the request goes out, so that after a crash or an
  unanswered request the forwarder reconciles instead of posting again;
- `delivered`: LAPOR! answered with a `complaint_id` (stored in the same step);
- `rejected`: LAPOR! refused the report (4xx); the reason is kept for staff;
- `needs_review`: delivery is ambiguous and cannot be reconciled automatically.

Nothing is ever deleted here: a row only moves forward, or back to `queued`
by a technician's `kiosk queue retry`.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.db import transaction

STATES = ("queued", "sending", "delivered", "rejected", "needs_review")
WAITING_STATES = ("queued", "sending")


@dataclass(frozen=True)
class OutboxItem:
    report_uuid: str
    code: str
    state: str
    attempts: int
    next_attempt_at: float
    create_sent_at: float | None
    complaint_id: str | None
    tracking_id: str | None
    last_error: str | None
    updated_at: float


_SELECT = (
    "SELECT o.report_uuid, r.code, o.state, o.attempts, o.next_attempt_at, o.create_sent_at,"
    " o.complaint_id, o.tracking_id, o.last_error, o.updated_at"
    " FROM outbox o JOIN reports r ON r.uuid = o.report_uuid"
)


def _item(row: sqlite3.Row) -> OutboxItem:
    return OutboxItem(*row)


@dataclass(frozen=True)
class Shard:
    """The rows one forwarder worker owns: those whose rowid modulo `count` is `index`.

    Workers with disjoint shards never touch the same report, so they need no claims.
    """

    index: int = 0
    count: int = 1


WHOLE = Shard()


def due(
    conn: sqlite3.Connection, now: float, limit: int = 50, shard: Shard = WHOLE
) -> list[OutboxItem]:
    """Waiting items of `shard` whose next attempt has come, oldest first."""
    rows = conn.execute(
        f"{_SELECT} WHERE o.state IN ('queued', 'sending') AND o.next_attempt_at <= ?"
        " AND o.rowid % ? = ? ORDER BY o.next_attempt_at, r.created_at LIMIT ?",
        (now, shard.count, shard.index, limit),
    )
    return [_item(row) for row in rows]


def next_due_time(conn: sqlite3.Connection, shard: Shard = WHOLE) -> float | None:
    """When the next waiting item of `shard` is due; None when nothing waits."""
    row = conn.execute(
        "SELECT MIN(next_attempt_at) FROM outbox WHERE state IN ('queued', 'sending')"
        " AND rowid % ? = ?",
        (shard.count, shard.index),
    ).fetchone()
    return row[0]


def get(conn: sqlite3.Connection, report_uuid: str) -> OutboxItem:
    row = conn.execute(f"{_SELECT} WHERE o.report_uuid = ?", (report_uuid,)).fetchone()
    if row is None:
        raise KeyError(report_uuid)
    return _item(row)


def by_code(conn: sqlite3.Connection, code: str) -> OutboxItem | None:
    row = conn.execute(f"{_SELECT} WHERE r.code = ?", (code,)).fetchone()
    return _item(row) if row else None


def by_complaint_id(conn: sqlite3.Connection, complaint_id: str) -> OutboxItem | None:
    row = conn.execute(f"{_SELECT} WHERE o.complaint_id = ?", (complaint_id,)).fetchone()
    return _item(row) if row else None


def listing(conn: sqlite3.Connection, state: str | None = None) -> list[OutboxItem]:
    if state:
        rows = conn.execute(f"{_SELECT} WHERE o.state = ? ORDER BY r.created_at", (state,))
    else:
        rows = conn.execute(f"{_SELECT} ORDER BY r.created_at")
    return [_item(row) for row in rows]


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    found = dict(conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
    return {state: found.get(state, 0) for state in STATES}


def _update(conn: sqlite3.Connection, report_uuid: str, assignments: str, *values: object) -> None:
    with transaction(conn):
        conn.execute(
            f"UPDATE outbox SET {assignments}, updated_at = ? WHERE report_uuid = ?",
            (*values, time.time(), report_uuid),
        )


def pending_attachments(conn: sqlite3.Connection, report_uuid: str) -> list[sqlite3.Row]:
    """Attachments not yet uploaded: position, filename, mime, data."""
    return conn.execute(
        "SELECT position, filename, mime, data FROM attachments"
        " WHERE report_uuid = ? AND remote_id IS NULL ORDER BY position",
        (report_uuid,),
    ).fetchall()


def uploaded_attachment_ids(conn: sqlite3.Connection, report_uuid: str) -> list[str]:
    rows = conn.execute(
        "SELECT remote_id FROM attachments WHERE report_uuid = ? ORDER BY position",
        (report_uuid,),
    )
    return [row[0] for row in rows]


def mark_attachment_uploaded(
    conn: sqlite3.Connection, report_uuid: str, position: int, remote_id: str
) -> None:
    with transaction(conn):
        conn.execute(
            "UPDATE attachments SET remote_id = ? WHERE report_uuid = ? AND position = ?",
            (remote_id, report_uuid, position),
        )


@dataclass(frozen=True)
class Delivery:
    """LAPOR!'s answer to a create: what makes a report `delivered`."""

    report_uuid: str
    complaint_id: str
    tracking_id: str | None
    delivered_at: float


def mark_sending(
    conn: sqlite3.Connection, report_uuid: str, deliveries: Sequence[Delivery] = ()
) -> None:
    """Record, durably, that the create request is about to go out; `deliveries` answered
    since the last write are recorded in the same transaction (one fsync for both)."""
    with transaction(conn):
        _write_deliveries(conn, deliveries)
        conn.execute(
            "UPDATE outbox SET state = 'sending', create_sent_at = ?, updated_at = ?"
            " WHERE report_uuid = ?",
            (time.time(), time.time(), report_uuid),
        )


def record_deliveries(conn: sqlite3.Connection, deliveries: Sequence[Delivery]) -> None:
    if deliveries:
        with transaction(conn):
            _write_deliveries(conn, deliveries)


def mark_delivered(
    conn: sqlite3.Connection, report_uuid: str, complaint_id: str, tracking_id: str | None
) -> None:
    record_deliveries(conn, [Delivery(report_uuid, complaint_id, tracking_id, time.time())])


def _write_deliveries(conn: sqlite3.Connection, deliveries: Sequence[Delivery]) -> None:
    conn.executemany(
        "UPDATE outbox SET state = 'delivered', complaint_id = ?, tracking_id = ?,"
        " delivered_at = ?, last_error = NULL, updated_at = ? WHERE report_uuid = ?",
        [
            (d.complaint_id, d.tracking_id, d.delivered_at, d.delivered_at, d.report_uuid)
            for d in deliveries
        ],
    )


def mark_not_sent(conn: sqlite3.Connection, report_uuid: str) -> None:
    """Reconciliation found the create never arrived: it may be posted again."""
    _update(conn, report_uuid, "state = 'queued', create_sent_at = NULL")


def schedule_retry(
    conn: sqlite3.Connection,
    report_uuid: str,
    when: float,
    error: str,
    *,
    state: str,
    count: bool = True,
) -> None:
    """Wait until `when` in `state`; `count` adds a failed attempt (it lengthens the back-off).

    Back in `queued` the create is known not to have arrived, so its send time is cleared.
    """
    if state not in WAITING_STATES:
        raise ValueError(f"cannot wait in state {state}")
    sent = "create_sent_at" if state == "sending" else "NULL"
    _update(
        conn,
        report_uuid,
        f"state = ?, create_sent_at = {sent}, attempts = attempts + ?, next_attempt_at = ?,"
        " last_error = ?",
        state,
        int(count),
        when,
        error,
    )


def mark_rejected(conn: sqlite3.Connection, report_uuid: str, reason: str) -> None:
    _update(conn, report_uuid, "state = 'rejected', last_error = ?", reason)


def mark_needs_review(conn: sqlite3.Connection, report_uuid: str, reason: str) -> None:
    _update(conn, report_uuid, "state = 'needs_review', last_error = ?", reason)


def requeue(conn: sqlite3.Connection, report_uuid: str) -> bool:
    """A technician's retry: a queued, rejected or reviewed report goes out again now.

    For `needs_review` this asserts that staff checked LAPOR! and the report is
    not there; the create may then be posted again. The state is checked in the
    same statement, so a forwarder that just started sending it is never undone.
    Returns False when the report was in no retryable state.
    """
    now = time.time()
    with transaction(conn):
        cursor = conn.execute(
            "UPDATE outbox SET state = 'queued', create_sent_at = NULL, attempts = 0,"
            " next_attempt_at = ?, last_error = NULL, updated_at = ?"
            " WHERE report_uuid = ? AND state IN ('queued', 'rejected', 'needs_review')",
            (now, now, report_uuid),
        )
    return cursor.rowcount == 1


def record_api_state(conn: sqlite3.Connection, state: str) -> None:
    """What the forwarder's latest call showed: ok, unreachable, unauthorized, misconfigured."""
    with transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO forwarder_health (id, api_state, checked_at) VALUES (1, ?, ?)",
            (state, time.time()),
        )


def api_state(conn: sqlite3.Connection) -> str:
    """The forwarder's view of LAPOR!; `unknown` before its first call."""
    row = conn.execute("SELECT api_state FROM forwarder_health WHERE id = 1").fetchone()
    return row[0] if row else "unknown"


def count_api_error(conn: sqlite3.Connection, kind: str) -> None:
    """One more failed call of this kind (rejected, unavailable, no_answer ...), for health."""
    with transaction(conn):
        conn.execute(
            "INSERT INTO api_errors (kind, count, last_at) VALUES (?, 1, ?)"
            " ON CONFLICT (kind) DO UPDATE SET count = count + 1, last_at = excluded.last_at",
            (kind, time.time()),
        )


def api_errors(conn: sqlite3.Connection) -> dict[str, int]:
    """Failed calls to LAPOR! by kind, since the terminal was set up."""
    return dict(conn.execute("SELECT kind, count FROM api_errors ORDER BY kind").fetchall())
