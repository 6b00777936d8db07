"""Figures for the city: how many reports per week, category, kecamatan and delivery state.

Only counts of groups leave here, never a row of one report: no names, phones, titles,
content or place detail (the kecamatan is an area of tens of thousands of people). Wiped
reports still count: the retention wipe keeps their date, category and place for this.

Weeks are ISO weeks of the terminal's local time (`2026-W49`); `since` is a local date.
A report whose place is known only as text, or only down to the kota, counts under
`unknown`; one in another kota or kabupaten under `outside`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from kiosk import outbox, refdata

UNKNOWN = "unknown"
OUTSIDE = "outside"
"""Keys of the kecamatan (and, for UNKNOWN, category) counts that are no code or id."""

_WORDS = {
    "id": {UNKNOWN: "tidak diketahui", OUTSIDE: "luar kota"},
    "en": {UNKNOWN: "unknown", OUTSIDE: "outside the city"},
}

DIMENSIONS = ("week", "category", "kecamatan", "state")


@dataclass(frozen=True)
class Tally:
    """One group and how many reports it has."""

    key: str
    """The week (`2026-W49`), category id, kecamatan code (`32.73.02`) or outbox state."""
    name: str
    """The category's or kecamatan's name; "" for weeks and states."""
    count: int


@dataclass(frozen=True)
class Figures:
    since: date | None
    total: int
    counts: dict[str, tuple[Tally, ...]]
    """By dimension (DIMENSIONS, in that order)."""


def figures(
    conn: sqlite3.Connection, region: str, language: str = "id", since: date | None = None
) -> Figures:
    """Every count of the reports filed on or after `since` (all of them if None)."""
    counts = {
        "week": by_week(conn, since),
        "category": by_category(conn, language, since),
        "kecamatan": by_kecamatan(conn, region, language, since),
        "state": by_state(conn, since),
    }
    return Figures(since, sum(tally.count for tally in counts["state"]), counts)


def by_week(conn: sqlite3.Connection, since: date | None = None) -> tuple[Tally, ...]:
    """Per ISO week of local time, oldest first (a day a row from SQLite, weeks made here:
    SQLite before 3.46 has no ISO week)."""
    where, params = _since(since)
    weeks: dict[str, int] = {}
    for day, count in conn.execute(
        f"SELECT date(created_at, 'localtime') AS day, COUNT(*) FROM reports {where} GROUP BY day",
        params,
    ):
        year, week, _ = date.fromisoformat(day).isocalendar()
        key = f"{year}-W{week:02d}"
        weeks[key] = weeks.get(key, 0) + count
    return tuple(Tally(key, "", weeks[key]) for key in sorted(weeks))


def by_category(
    conn: sqlite3.Connection, language: str = "id", since: date | None = None
) -> tuple[Tally, ...]:
    """Per category of the reference list, most reports first; none chosen is UNKNOWN."""
    where, params = _since(since)
    names = {
        item.get("id"): _name(item, language) for item in refdata.get(conn, "categories").items
    }
    tallies = [
        Tally(str(category), names.get(category, ""), count)
        if category is not None
        else Tally(UNKNOWN, _WORDS[language][UNKNOWN], count)
        for category, count in conn.execute(
            f"SELECT category_id, COUNT(*) FROM reports {where} GROUP BY category_id", params
        )
    ]
    return _most_first(tallies)


def by_kecamatan(
    conn: sqlite3.Connection, region: str, language: str = "id", since: date | None = None
) -> tuple[Tally, ...]:
    """Per kecamatan of the terminal's kota (`region`, e.g. `32.73`), with UNKNOWN and
    OUTSIDE, most reports first."""
    where, params = _since(since)
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for code, kecamatan, count in conn.execute(
        f"SELECT place_code, place_kecamatan, COUNT(*) FROM reports {where}"
        " GROUP BY place_code, place_kecamatan",
        params,
    ):
        key = kecamatan_key(code, region)
        counts[key] = counts.get(key, 0) + count
        names[key] = names.get(key) or _WORDS[language].get(key, kecamatan)
    return _most_first([Tally(key, names[key], count) for key, count in counts.items()])


def kecamatan_key(place_code: str, region: str) -> str:
    """`32.73.02` for a place in kecamatan 02 of kota `32.73` (`32.73.02.1004` too);
    OUTSIDE for a place in another kota; UNKNOWN for none, or the kota alone."""
    if place_code and place_code != region and not place_code.startswith(f"{region}."):
        return OUTSIDE
    parts = place_code.split(".")
    return ".".join(parts[:3]) if len(parts) >= 3 else UNKNOWN


def by_state(conn: sqlite3.Connection, since: date | None = None) -> tuple[Tally, ...]:
    """Per outbox state, every state (0 too) in the order of `outbox.STATES`."""
    where, params = _since(since, "r.")
    found = dict(
        conn.execute(
            "SELECT o.state, COUNT(*) FROM reports r JOIN outbox o ON o.report_uuid = r.uuid"
            f" {where} GROUP BY o.state",
            params,
        ).fetchall()
    )
    return tuple(Tally(state, "", found.get(state, 0)) for state in outbox.STATES)


def _since(since: date | None, table: str = "") -> tuple[str, tuple[str, ...]]:
    """The WHERE clause for reports filed from local midnight of `since` on. `created_at` is
    UTC in one ISO format, so comparing the text compares the instants."""
    if since is None:
        return "", ()
    start = datetime.combine(since, time.min).astimezone(UTC)  # naive: the local midnight
    return f"WHERE {table}created_at >= ?", (start.isoformat(timespec="seconds"),)


def _name(item: dict, language: str) -> str:
    return str(item.get("name_en") if language == "en" and item.get("name_en") else item["name"])


def _most_first(tallies: list[Tally]) -> tuple[Tally, ...]:
    return tuple(sorted(tallies, key=lambda tally: (-tally.count, tally.key)))
