"""Follow-up: where a report stands, by receipt code, in plain words, online or offline.

A citizen's code is checked first (Damm check digit): a mistyped code is
"not valid", never another citizen's report. Delivered reports are asked of
LAPOR!; the answer is cached so that an offline terminal still shows the
last known status and its date, until the report's personal data is wiped (the agency's
answers may quote the citizen): after that it is shown, never stored.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime

from kiosk import outbox
from kiosk.adapters.base import (
    ApiError,
    ComplaintApi,
    ComplaintStatus,
    FollowUp,
    NotFound,
    StatusChange,
)
from kiosk.date_words import long_date, long_moment
from kiosk.db import transaction
from kiosk.deadlines import deadline_sentence, lapor_moment
from kiosk.engine.ports import FollowUpProblem
from kiosk.i18n import has_text, text
from kiosk.outbox import OutboxItem
from kiosk.receipt import CODE_LENGTH, normalize_code


@dataclass(frozen=True)
class TrackResult:
    problem: FollowUpProblem | None
    """None when the report was found."""
    sentence: str
    """What to show and say first, in the citizen's language."""
    item: OutboxItem | None = None
    status: ComplaintStatus | None = None
    fetched_at: float | None = None
    """When `status` was fetched from LAPOR!."""
    offline: bool = False
    """True when LAPOR! could not be asked and `status` (if any) comes from the cache."""


def _slug(name: str) -> str:
    return re.sub(r"[^a-z]+", "_", name.lower()).strip("_")


def status_sentence(status: ComplaintStatus, language: str) -> str:
    """LAPOR! status names as a sentence a citizen understands."""
    slug = _slug(status.status_name)
    agency = status.agency or text("status.agency_unknown", language)
    key = f"status.{slug}" if has_text(f"status.{slug}") else "status.unknown"
    return text(key, language, agency=agency, name=status.status_name)


def _format_time(timestamp: float, language: str) -> str:
    """The terminal's local time as it is said: "Jumat, 27 Maret 2026, pukul 13.24"."""
    return long_moment(datetime.fromtimestamp(timestamp), language)


def answer_time(lapor_time: str, language: str) -> str:
    """When an agency answered: "Jumat, 27 Maret 2026, pukul 10.15" (the day alone where
    LAPOR! gives no time); as given when it is not a LAPOR! time."""
    moment = lapor_moment(lapor_time)
    if moment is None:
        return lapor_time
    has_time = len(lapor_time.strip()) > len("dd-mm-yyyy")
    return long_moment(moment, language) if has_time else long_date(moment.date(), language)


def cached_status(
    conn: sqlite3.Connection, complaint_id: str
) -> tuple[ComplaintStatus, float] | None:
    row = conn.execute(
        "SELECT status_json, fetched_at FROM status_cache WHERE complaint_id = ?", (complaint_id,)
    ).fetchone()
    if row is None:
        return None
    raw = json.loads(row["status_json"])
    raw["changes"] = [StatusChange(**change) for change in raw["changes"]]
    raw["followups"] = [FollowUp(**followup) for followup in raw["followups"]]
    return ComplaintStatus(**raw), row["fetched_at"]


def _cache(conn: sqlite3.Connection, status: ComplaintStatus, fetched_at: float) -> None:
    """Keep the answer for offline follow-ups, unless the report's personal data is wiped
    (checked in the same statement: a wipe in between cannot be outrun)."""
    with transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO status_cache (complaint_id, status_json, fetched_at)"
            " SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM outbox o JOIN reports r"
            " ON r.uuid = o.report_uuid WHERE o.complaint_id = ?"
            " AND r.personal_wiped_at IS NOT NULL)",
            (
                status.complaint_id,
                json.dumps(asdict(status), ensure_ascii=False),
                fetched_at,
                status.complaint_id,
            ),
        )


def _is_complaint_id(typed: str) -> bool:
    """LAPOR! ids are digits too; eleven digits are always read as a receipt code."""
    return typed.isdigit() and len(typed) != CODE_LENGTH


def _submitted_on(conn: sqlite3.Connection, item: OutboxItem) -> date:
    """The terminal's local day the report was stored (`created_at` is UTC)."""
    row = conn.execute("SELECT created_at FROM reports WHERE uuid = ?", (item.report_uuid,))
    return datetime.fromisoformat(row.fetchone()["created_at"]).astimezone().date()


def _with_deadline(
    result: TrackResult, conn: sqlite3.Connection, today: date, language: str
) -> TrackResult:
    """The result with the date that is due next said after its sentence: only for a report
    LAPOR! has, counted from the day it was sent (a report still queued on this terminal owes
    LAPOR! nothing yet)."""
    item = result.item
    if item is None or item.state != "delivered":
        return result
    sent = item.create_sent_at
    submitted = datetime.fromtimestamp(sent).date() if sent else _submitted_on(conn, item)
    deadline = deadline_sentence(submitted, result.status, today, language)
    if not deadline:
        return result
    return replace(result, sentence=f"{result.sentence} {deadline}")


def track(
    conn: sqlite3.Connection,
    api: ComplaintApi | None,
    typed: str,
    language: str = "id",
    allow_complaint_id: bool = False,
    today: date | None = None,
) -> TrackResult:
    """Everything known of the report behind `typed`, with the date due next (`today`: the
    terminal's date); `api` None means offline."""
    result = _look_up(conn, api, typed, language, allow_complaint_id)
    return _with_deadline(result, conn, today or date.today(), language)


def _look_up(
    conn: sqlite3.Connection,
    api: ComplaintApi | None,
    typed: str,
    language: str,
    allow_complaint_id: bool,
) -> TrackResult:
    typed = typed.strip()
    code = normalize_code(typed)
    if code:
        item = outbox.by_code(conn, code)
    elif allow_complaint_id and _is_complaint_id(typed):
        item = outbox.by_complaint_id(conn, typed)
    else:
        return TrackResult(FollowUpProblem.INVALID, text("code.invalid", language))
    if item is None:
        return TrackResult(FollowUpProblem.UNKNOWN, text("code.unknown", language))
    if item.state != "delivered" or item.complaint_id is None:
        return TrackResult(None, text(f"status.{item.state}", language), item)
    try:
        if api is None:
            raise ApiError("offline")
        status = api.complaint_status(item.complaint_id)
    except NotFound:
        return TrackResult(None, text("track.not_found_remote", language), item)
    except ApiError:
        return _offline_result(conn, item, language)
    fetched_at = time.time()
    _cache(conn, status, fetched_at)
    return TrackResult(None, status_sentence(status, language), item, status, fetched_at)


def _offline_result(conn: sqlite3.Connection, item: OutboxItem, language: str) -> TrackResult:
    cached = cached_status(conn, item.complaint_id or "")
    if cached is None:
        when = _format_time(item.updated_at, language)
        sentence = text("track.delivered_offline", language, date=when)
        return TrackResult(None, sentence, item, offline=True)
    status, fetched_at = cached
    sentence = (
        status_sentence(status, language)
        + " "
        + text("status.offline", language, date=_format_time(fetched_at, language))
    )
    return TrackResult(None, sentence, item, status, fetched_at, offline=True)
