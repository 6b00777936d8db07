"""What one process knows and others must see: the speech model's state, which the kiosk face
knows and the forwarder's metrics cannot see, and why the forwarder could not serve metrics.

Each is written into the store (table face_state) as it changes; `kiosk status`, `kiosk
selftest` and the metrics read it. Never anything personal: names of states and models, and
one-line problems only.
"""

from __future__ import annotations

import sqlite3
import time

from kiosk.db import transaction

MODEL_STATES = ("none", "not_loaded", "loading", "loaded", "failed")
"""No model for the language; installed, not needed yet; loading; ready; could not load."""


def record_model_state(conn: sqlite3.Connection, state: str, model: str = "") -> None:
    if state not in MODEL_STATES:
        raise ValueError(f"unknown speech model state {state!r}")
    now = time.time()
    with transaction(conn):  # one commit for both rows
        conn.executemany(
            "INSERT INTO face_state (name, value, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value,"
            " updated_at = excluded.updated_at",
            [("speech_model_state", state, now), ("speech_model", model, now)],
        )


def model_state(conn: sqlite3.Connection) -> tuple[str, str]:
    """(state, model name); ("unknown", "") before the face has said anything."""
    values = dict(conn.execute("SELECT name, value FROM face_state").fetchall())
    return values.get("speech_model_state", "unknown"), values.get("speech_model", "")


def record_metrics_problem(conn: sqlite3.Connection, problem: str | None) -> None:
    """Why the forwarder serves no metrics (one line), or None once it does: the row goes."""
    with transaction(conn):
        if problem is None:
            conn.execute("DELETE FROM face_state WHERE name = 'metrics_problem'")
        else:
            conn.execute(
                "INSERT INTO face_state (name, value, updated_at) VALUES ('metrics_problem', ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (problem, time.time()),
            )


def metrics_problem(conn: sqlite3.Connection) -> str | None:
    """The problem the forwarder recorded when it last started, None if it served metrics."""
    row = conn.execute("SELECT value FROM face_state WHERE name = 'metrics_problem'").fetchone()
    return row[0] if row else None
