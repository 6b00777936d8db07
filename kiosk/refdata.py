"""Reference lists (agencies, categories, locations): synced when online, cached for offline.

A terminal that has never been online offers the lists bundled with the
software (`kiosk/data/reference_defaults.json`); every successful sync
replaces the cached list of that kind. An item is `{"id", "name"}` and may carry more
(`name_en`; a location's Kemendagri `code`, where a report's place finds its area). An item
is found by its id, its code or its name (`lookup`).
"""

from __future__ import annotations

import difflib
import json
import sqlite3
import time
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from kiosk.adapters.base import REFERENCE_KINDS, ComplaintApi, NotFound
from kiosk.city_offices import place_office
from kiosk.db import transaction
from kiosk.folding import folded

if TYPE_CHECKING:
    from kiosk.city_offices import CityOffices
    from kiosk.regions import City


@dataclass(frozen=True)
class ReferenceList:
    kind: str
    items: list[dict]
    fetched_at: float | None
    """When it was synced; None for the bundled list."""


@cache
def _bundled() -> dict[str, list[dict]]:
    raw = resources.files("kiosk.data").joinpath("reference_defaults.json").read_text("utf-8")
    return {kind: items for kind, items in json.loads(raw).items() if kind in REFERENCE_KINDS}


def get(conn: sqlite3.Connection, kind: str) -> ReferenceList:
    row = conn.execute(
        "SELECT items_json, fetched_at FROM refdata WHERE kind = ?", (kind,)
    ).fetchone()
    if row is None:
        return ReferenceList(kind, _bundled()[kind], None)
    return ReferenceList(kind, json.loads(row["items_json"]), row["fetched_at"])


def fetched_at(conn: sqlite3.Connection, kind: str) -> float | None:
    """When the list was last synced; None while the bundled list stands."""
    row = conn.execute("SELECT fetched_at FROM refdata WHERE kind = ?", (kind,)).fetchone()
    return row["fetched_at"] if row else None


def items_by_kind(conn: sqlite3.Connection) -> dict[str, list[dict]]:
    """Every list's items, by kind: what reports are checked against."""
    return {kind: get(conn, kind).items for kind in REFERENCE_KINDS}


def is_stale(conn: sqlite3.Connection, max_age_s: float, now: float) -> bool:
    row = conn.execute("SELECT MIN(fetched_at), COUNT(*) FROM refdata").fetchone()
    oldest, synced = row
    # A sync dated ahead of now (the clock was ahead then) is stale too, not fresh for a year.
    return synced < len(REFERENCE_KINDS) or oldest + max_age_s <= now or oldest > now


def sync(conn: sqlite3.Connection, api: ComplaintApi) -> dict[str, int]:
    """Fetch every list the API offers; returns how many items each kind now has.

    A kind the API does not know (404) or answers empty keeps its cached or bundled list,
    marked as checked now (an empty list would leave citizens nothing to choose); any other
    failure is raised for the caller to retry later.
    """
    counts = {}
    for kind in REFERENCE_KINDS:
        try:
            items = api.reference_list(kind)
        except NotFound:  # keep the list the terminal has, and do not ask again until stale
            items = []
        if not items:
            items = get(conn, kind).items
        with transaction(conn):
            conn.execute(
                "INSERT OR REPLACE INTO refdata (kind, items_json, fetched_at) VALUES (?, ?, ?)",
                (kind, json.dumps(items), time.time()),  # ASCII: a lone surrogate stays text
            )
        counts[kind] = len(items)
    return counts


def with_city_offices(
    institutions: list[dict], city: City | None, offices: CityOffices | None
) -> list[dict]:
    """The institutions a report may name: the reference list's, then the city's agencies
    (under the list's id where it has the same name) and the office of each of its kecamatan
    and kelurahan ("Kelurahan Dago"), as far as the terminal knows them."""
    synced_offices = offices.with_synced_ids(institutions) if offices is not None else None
    agencies = synced_offices.agencies if synced_offices is not None else ()
    synced = synced_offices.synced if synced_offices is not None else {}
    districts = city.districts if city is not None else ()
    places = [place_office(district, "kecamatan", synced) for district in districts]
    places += [
        place_office(part, "kelurahan", synced) for district in districts for part in district.parts
    ]
    listed = {item.get("id") for item in institutions}
    return [
        *institutions,
        *(
            {"id": office.id, "name": office.name}
            for office in (*agencies, *places)
            if office.id not in listed
        ),
    ]


SUGGESTIONS = 3
"""How many of the closest names an unknown name is answered with."""


@dataclass(frozen=True)
class Lookup:
    """What `lookup` found: the item, or why not (`problem`) with the names to offer."""

    item: dict | None
    problem: str = ""
    """"" when found; `unknown_id`, `unknown_name` or `ambiguous_name`."""
    names: tuple[str, ...] = ()
    """The closest names (unknown) or those that match (ambiguous)."""


def _names(item: dict) -> list[str]:
    """The item's names: `name`, and `name_en` where the list has one."""
    return [name for key in ("name", "name_en") if isinstance(name := item.get(key), str)]


def lookup(items: list[dict], given: int | str) -> Lookup:
    """The item whose id or code is `given`, or whose name is `given` or starts with it
    (ignoring case, accents and spaces; a whole name wins over prefixes), if exactly one
    matches."""
    wanted = str(given).strip()
    for item in items:
        if wanted in (str(item.get("id")), item.get("code")):
            return Lookup(item)
    if isinstance(given, int) or (wanted.isascii() and wanted.isdigit()):
        return Lookup(None, "unknown_id")
    key = folded(wanted)
    if key:
        for matches in (
            [item for item in items if any(folded(n) == key for n in _names(item))],
            [item for item in items if any(folded(n).startswith(key) for n in _names(item))],
        ):
            if len(matches) == 1:
                return Lookup(matches[0])
            if matches:
                return Lookup(None, "ambiguous_name", tuple(item["name"] for item in matches))
    by_folded = {folded(name): item["name"] for item in items for name in _names(item)}
    close = difflib.get_close_matches(key, list(by_folded), n=SUGGESTIONS, cutoff=0.5)
    return Lookup(None, "unknown_name", tuple(dict.fromkeys(by_folded[name] for name in close)))
