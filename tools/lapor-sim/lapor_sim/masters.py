"""Master lists the simulator serves: the kiosk's own reference defaults, plus reply templates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

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

    def institution(self, institution_id: int) -> Agency | None:
        return next(
            (Agency(i["id"], i["name"]) for i in self.institutions if i["id"] == institution_id),
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
    )
