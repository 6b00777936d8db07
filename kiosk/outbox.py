"""The outbox: one row a report, moved through its delivery states by the forwarder.

States:
- `queued`: to be sent when its wait is over (attachments first, then the create);
- `sending`: the create request may have reached LAPOR! but no answer was stored.
  Set durably *before* the request goes out, so that after a crash or an
  unanswered request the forwarder reconciles instead of posting again;
- `delivered`: LAPOR! has the report: it answered with a `complaint_id` (stored in the
  same step), or a lookup found the kiosk reference (the id may then still be unknown);
- `rejected`: LAPOR! refused the report (4xx); the reason is kept for staff;
- `needs_review`: delivery is ambiguous and cannot be reconciled automatically.

Nothing is ever deleted here: a row only moves forward, or back to `queued`
by a technician's `kiosk queue retry`.

Waits are kept on the boot clock (kiosk/boot_clock.py), never the wall clock:
`next_attempt_at` is only the wall-clock estimate shown to staff.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from kiosk.boot_clock import BootClock
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
    create_posts: int
    """Creates posted for this report so far (each may have arrived)."""
    lookup_misses: int
    """Reference lookups that found nothing since the last create was posted."""


_SELECT = (
    "SELECT o.report_uuid, r.code, o.state, o.attempts, o.next_attempt_at, o.create_sent_at,"
    " o.complaint_id, o.tracking_id, o.last_error, o.updated_at, o.create_posts, o.lookup_misses"
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


_DUE = "(o.wait_boot = '' OR (o.wait_boot = :boot AND o.due_s <= :now))"


def due(
    conn: sqlite3.Connection, clock: BootClock, limit: int = 50, shard: Shard = WHOLE
) -> list[OutboxItem]:
    """Waiting items of `shard` whose wait is over, oldest first."""
    rows = conn.execute(
        f"{_SELECT} WHERE o.state IN ('queued', 'sending') AND {_DUE}"
        " AND o.rowid % :count = :index ORDER BY o.due_s, r.created_at LIMIT :limit",
        {**_now(clock), "count": shard.count, "index": shard.index, "limit": limit},
    )
    return [_item(row) for row in rows]


def next_due_in(conn: sqlite3.Connection, clock: BootClock, shard: Shard = WHOLE) -> float | None:
    """Seconds until the next waiting item of `shard` is due (0: now); None when none waits."""
    row = conn.execute(
        "SELECT MIN(CASE WHEN wait_boot = :boot THEN MAX(0, due_s - :now) ELSE 0 END)"
        " FROM outbox WHERE state IN ('queued', 'sending') AND rowid % :count = :index",
        {**_now(clock), "count": shard.count, "index": shard.index},
    ).fetchone()
    return row[0]


def rebase_waits(conn: sqlite3.Connection, clock: BootClock) -> int:
    """Waits written before this boot count again from now (at most one wait late)."""
    with transaction(conn):
        cursor = conn.execute(
            "UPDATE outbox SET wait_boot = :boot, due_s = :now + wait_s"
            " WHERE state IN ('queued', 'sending') AND wait_boot NOT IN ('', :boot)",
            _now(clock),
        )
    return cursor.rowcount


def _now(clock: BootClock) -> dict[str, object]:
    return {"boot": clock.boot_id, "now": clock.seconds()}


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


def mark_sending(
    conn: sqlite3.Connection,
    report_uuid: str,
    clock: BootClock,
    grace_s: float,
) -> None:
    """Record, durably, that a create request is about to go out.

    Should no answer ever be written (a crash, a lost answer), the report is due for
    reconciliation `grace_s` after this, with one more create counted as posted.
    """
    now = time.time()
    with transaction(conn):
        conn.execute(
            "UPDATE outbox SET state = 'sending', create_sent_at = :wall, updated_at = :wall,"
            " create_posts = create_posts + 1, lookup_misses = 0, next_attempt_at = :wall + :wait,"
            " wait_boot = :boot, due_s = :now + :wait, wait_s = :wait WHERE report_uuid = :uuid",
            {**_now(clock), "wall": now, "wait": grace_s, "uuid": report_uuid},
        )


def mark_delivered(
    conn: sqlite3.Connection,
    report_uuid: str,
    complaint_id: str | None,
    tracking_id: str | None,
    durable: bool = True,
) -> None:
    """LAPOR! has the report; `complaint_id` None: it arrived, its id is not known yet.

    `durable=False`: see `db.transaction` (the forwarder's next commit makes it durable).
    """
    now = time.time()
    with transaction(conn, durable):
        conn.execute(
            "UPDATE outbox SET state = 'delivered', complaint_id = ?, tracking_id = ?,"
            " delivered_at = ?, last_error = NULL, updated_at = ? WHERE report_uuid = ?",
            (complaint_id, tracking_id, now, now, report_uuid),
        )


def without_complaint_id(conn: sqlite3.Connection, limit: int = 20) -> list[OutboxItem]:
    """Delivered reports whose LAPOR! id is not known yet (found by a lookup without one)."""
    rows = conn.execute(
        f"{_SELECT} WHERE o.state = 'delivered' AND o.complaint_id IS NULL"
        " ORDER BY o.updated_at LIMIT ?",
        (limit,),
    )
    return [_item(row) for row in rows]


def set_complaint_id(
    conn: sqlite3.Connection, report_uuid: str, complaint_id: str, tracking_id: str | None
) -> None:
    _update(
        conn,
        report_uuid,
        "complaint_id = ?, tracking_id = COALESCE(?, tracking_id)",
        complaint_id,
        tracking_id,
    )


def note_id_unknown(conn: sqlite3.Connection, report_uuid: str) -> None:
    """Its LAPOR! id was looked for and not found: the others are asked first next time."""
    with transaction(conn):
        conn.execute(
            "UPDATE outbox SET updated_at = ? WHERE report_uuid = ?", (time.time(), report_uuid)
        )


def mark_not_sent(conn: sqlite3.Connection, report_uuid: str) -> None:
    """Reconciliation found the create never arrived: it may be posted again now."""
    _update(
        conn,
        report_uuid,
        "state = 'queued', create_sent_at = NULL, lookup_misses = 0, wait_boot = ''",
    )


def note_lookup_miss(
    conn: sqlite3.Connection, report_uuid: str, clock: BootClock, wait_s: float
) -> None:
    """A lookup did not find the create (yet): look again after `wait_s`, still `sending`."""
    schedule_retry(
        conn, report_uuid, clock, wait_s, "", state="sending", count=False, lookup_missed=True
    )


def schedule_retry(
    conn: sqlite3.Connection,
    report_uuid: str,
    clock: BootClock,
    wait_s: float,
    error: str,
    *,
    state: str,
    count: bool = True,
    lookup_missed: bool = False,
    unsent: bool = False,
) -> None:
    """Wait `wait_s` seconds in `state`; `count` adds a failed attempt (it lengthens the
    back-off); `error` "" keeps the last error; `unsent`: LAPOR! answered that it did not
    take the create, so it no longer counts as a post.

    Back in `queued` the create is not being reconciled, so its send time is cleared.
    """
    if state not in WAITING_STATES:
        raise ValueError(f"cannot wait in state {state}")
    sent = "create_sent_at" if state == "sending" else "NULL"
    now = time.time()
    with transaction(conn):
        conn.execute(
            f"UPDATE outbox SET create_sent_at = {sent}, create_posts = create_posts - :unsent,"
            " state = :state, attempts = attempts + :count,"
            " lookup_misses = lookup_misses + :missed,"
            " last_error = COALESCE(NULLIF(:error, ''), last_error), updated_at = :wall,"
            " next_attempt_at = :wall + :wait, wait_boot = :boot, due_s = :now + :wait,"
            " wait_s = :wait WHERE report_uuid = :uuid",
            {
                **_now(clock),
                "state": state,
                "count": int(count),
                "missed": int(lookup_missed),
                "unsent": int(unsent),
                "error": error,
                "wall": now,
                "wait": wait_s,
                "uuid": report_uuid,
            },
        )


def mark_rejected(conn: sqlite3.Connection, report_uuid: str, reason: str) -> None:
    _update(conn, report_uuid, "state = 'rejected', last_error = ?", reason)


def mark_needs_review(conn: sqlite3.Connection, report_uuid: str, reason: str) -> None:
    _update(conn, report_uuid, "state = 'needs_review', last_error = ?", reason)


def requeue(conn: sqlite3.Connection, report_uuid: str) -> bool:
    """A technician's retry: a queued, rejected or reviewed report goes out again now.

    For `needs_review` this asserts that staff checked LAPOR! and the report is
    not there; the create may then be posted again (its count of posts starts anew).
    The state is checked in the same statement, so a forwarder that just started sending
    it is never undone.
    Returns False when the report was in no retryable state, or its content was wiped
    (`retention`): an empty report is never posted.
    """
    now = time.time()
    with transaction(conn):
        cursor = conn.execute(
            "UPDATE outbox SET state = 'queued', create_sent_at = NULL, attempts = 0,"
            " create_posts = CASE WHEN state = 'queued' THEN create_posts ELSE 0 END,"
            " lookup_misses = 0, wait_boot = '',"
            " next_attempt_at = ?, last_error = NULL, updated_at = ?"
            " WHERE report_uuid = ? AND state IN ('queued', 'rejected', 'needs_review') AND"
            " report_uuid NOT IN (SELECT uuid FROM reports WHERE personal_wiped_at IS NOT NULL)",
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
