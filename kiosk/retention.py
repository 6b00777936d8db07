"""Personal data retention (UU PDP, No. 27/2022): wiped when it is no longer needed.

A report's personal data is needed until LAPOR! has the report, and for `retention_days`
after that (staff may need to confirm what was sent). Then everything on the terminal that
can identify the citizen goes: name, phone, email, title, content, the place's detail
(street, house, landmark: `location`), recordings and their file names, the last error
text, and the agency's cached answers (which may quote the citizen). A report that never
reached LAPOR! (queued, rejected, parked) is never wiped: it waits, whole, for staff to act
on it.

What stays: the receipt code, the LAPOR! complaint id, the kind of report and its dates,
which is what a follow-up needs; the place's kelurahan, kecamatan and kota (code and names:
an area of thousands of people, not personal data, which the city's figures count by); and
a client's own id for the report (a UUID), so that a file with ids submitted again is still
recognised. The digest of the content goes (it could be matched against guesses of a phone
number): a file without ids submitted again after the wipe is stored anew. A wiped report
is never posted again.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime

from kiosk.db import transaction

log = logging.getLogger(__name__)

_EXPIRED = (
    "SELECT r.uuid FROM reports r JOIN outbox o ON o.report_uuid = r.uuid"
    " WHERE r.personal_wiped_at IS NULL AND o.state = 'delivered' AND o.delivered_at <= ?"
)
_WIPED = "SELECT uuid FROM reports WHERE personal_wiped_at IS NOT NULL"

# Each sweep runs over every wiped report, not only the ones wiped now: what was copied
# after a wipe (a follow-up cached again) or left by an older version (attachment names)
# goes too. Each statement touches only rows that still hold something.
_SWEEPS = (
    "UPDATE reports SET title = '', content = '', location = '', reporter_name = '',"
    " reporter_phone = '', reporter_email = '' WHERE personal_wiped_at IS NOT NULL AND"
    " (title != '' OR content != '' OR location != '' OR reporter_name != ''"
    " OR reporter_phone != '' OR reporter_email != '')",
    f"UPDATE attachments SET data = NULL, filename = '' WHERE report_uuid IN ({_WIPED})"
    " AND (data IS NOT NULL OR filename != '')",
    f"UPDATE outbox SET last_error = NULL WHERE report_uuid IN ({_WIPED})"
    " AND state = 'delivered' AND last_error IS NOT NULL",  # a parked one keeps its reason
    # A digest of the whole report can be matched against guesses (every phone number):
    # it goes, and so does a key made of it; a client's own id (a UUID) says nothing.
    "UPDATE reports SET content_digest = NULL, client_key = CASE WHEN client_key LIKE"
    " 'sha256:%' THEN NULL ELSE client_key END WHERE personal_wiped_at IS NOT NULL"
    " AND (content_digest IS NOT NULL OR client_key LIKE 'sha256:%')",
    "DELETE FROM status_cache WHERE complaint_id IN"
    f" (SELECT complaint_id FROM outbox WHERE report_uuid IN ({_WIPED}))",
)


def wipe_personal_data(conn: sqlite3.Connection, retention_s: float, now: float) -> int:
    """Wipe the reports delivered over `retention_s` ago, and sweep every wiped report again.

    Returns how many reports were wiped now. The freed pages are overwritten
    (`secure_delete`) and the write-ahead log is emptied, so no copy stays in the files.
    The forwarder calls it every ten minutes.
    """
    wiped_at = datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds")
    with transaction(conn):
        expired = [row[0] for row in conn.execute(_EXPIRED, (now - retention_s,))]
        conn.executemany(
            "UPDATE reports SET personal_wiped_at = ? WHERE uuid = ?",
            [(wiped_at, report_uuid) for report_uuid in expired],
        )
        changed = sum(conn.execute(sweep).rowcount for sweep in _SWEEPS)
    if changed:  # not every time: a TRUNCATE checkpoint holds the other writers up
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:  # a reader held it up: the log's frames are overwritten as it is reused
            log.warning("the write-ahead log could not be emptied after a wipe")
    return len(expired)


def is_wiped(conn: sqlite3.Connection, report_uuid: str) -> bool:
    row = conn.execute(
        "SELECT personal_wiped_at IS NOT NULL FROM reports WHERE uuid = ?", (report_uuid,)
    ).fetchone()
    return bool(row and row[0])
