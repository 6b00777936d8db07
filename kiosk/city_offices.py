"""The offices a report can go to, at every level: the city's agencies, its kecamatan, its
kelurahan; and which one a report's category suggests.

A city's agencies (perangkat daerah) and its routing table come from a reference file per city
(`kiosk/data/cities/<code>.toml`, or one a technician installs with `kiosk refdata import`,
kept as `city.toml` beside the store). The kecamatan and kelurahan offices come from the region
data. ASSUMED ids: the file's own for the agencies; for a kecamatan or kelurahan office the
digits of its Kemendagri code (Kelurahan Dago, 32.73.02.1004: 3273021004), until a sync with
LAPOR! names them (`with_synced_ids`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Literal

from kiosk.folding import folded
from kiosk.regions import Area
from kiosk.toml_files import write_file

OfficeLevel = Literal["city", "kecamatan", "kelurahan"]
PLACE_LEVELS = ("kecamatan", "kelurahan")
INSTALLED_FILE = "city.toml"


class CityFileError(Exception):
    """A city file that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Office:
    id: int
    name: str
    level: OfficeLevel = "city"


@dataclass(frozen=True)
class CityOffices:
    region: str
    """The city's Kemendagri code, e.g. `32.73`."""
    name: str
    agencies: tuple[Office, ...]
    routes: dict[int, str]
    """Category id to an agency's name, or to `kecamatan` / `kelurahan` (the report's own)."""
    synced: dict[str, int] = field(default_factory=dict)
    """LAPOR!'s institution ids by folded name, once synced: they replace the ASSUMED ids of
    agencies and of kecamatan and kelurahan offices with the same name."""

    def offices(self, district: Area | None, village: Area | None) -> tuple[Office, ...]:
        """Every office a report from this place may go to: its kelurahan and kecamatan
        offices first (the nearest), then the city's agencies."""
        near = [
            place_office(area, level, self.synced)
            for area, level in ((village, "kelurahan"), (district, "kecamatan"))
            if area is not None
        ]
        return (*near, *self.agencies)

    def suggest(
        self, category_id: int | None, district: Area | None, village: Area | None
    ) -> Office | None:
        """The office the routing table names for this category and place, if any."""
        target = self.routes.get(category_id) if category_id is not None else None
        if target == "kecamatan":
            return place_office(district, "kecamatan", self.synced) if district else None
        if target == "kelurahan":
            return place_office(village, "kelurahan", self.synced) if village else None
        key = folded(target or "")
        return next((office for office in self.agencies if folded(office.name) == key), None)

    def with_synced_ids(self, institutions: list[dict]) -> CityOffices:
        """The offices with LAPOR!'s ids where a synced institution has the same name."""
        synced = {
            folded(str(item.get("name", ""))): item["id"]
            for item in institutions
            if isinstance(item.get("id"), int)
        }
        agencies = tuple(
            replace(office, id=synced.get(folded(office.name), office.id))
            for office in self.agencies
        )
        return replace(self, agencies=agencies, synced=synced)


def place_office(area: Area, level: OfficeLevel, synced: Mapping[str, int] | None = None) -> Office:
    """The office of a kecamatan or kelurahan: LAPOR!'s id where `synced` names it, else
    (ASSUMED) the digits of its Kemendagri code."""
    name = f"{'Kecamatan' if level == 'kecamatan' else 'Kelurahan'} {area.name}"
    assumed = int(area.code.replace(".", ""))
    return Office((synced or {}).get(folded(name), assumed), name, level)


def parse(raw: bytes, region: str | None = None) -> CityOffices:
    """A city file's contents; `region`, when given, must be the file's."""
    try:
        data = tomllib.loads(raw.decode("utf-8"))
        agencies = tuple(Office(int(item["id"]), str(item["name"])) for item in data["offices"])
        routes = {int(route["category"]): str(route["office"]) for route in data["routes"]}
        city = CityOffices(str(data["region"]), str(data["name"]), agencies, routes)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as err:
        raise CityFileError(f"not a city file: {err}") from err
    if region is not None and city.region != region:
        raise CityFileError(f"the file is for region {city.region}, the terminal is in {region}")
    names = {folded(office.name) for office in city.agencies}
    unknown = [
        target
        for target in routes.values()
        if target not in PLACE_LEVELS and folded(target) not in names
    ]
    if unknown:
        raise CityFileError(f"routes name offices the file does not list: {', '.join(unknown)}")
    return city


def bundled(region: str) -> bytes | None:
    """The city file shipped with the kiosk for `region`, if there is one."""
    file = resources.files("kiosk.data").joinpath("cities", f"{region}.toml")
    return file.read_bytes() if file.is_file() else None


def load(region: str, data_dir: Path) -> CityOffices | None:
    """The installed city file, else the bundled one; None when the region has neither."""
    installed = data_dir / INSTALLED_FILE
    raw = installed.read_bytes() if installed.is_file() else bundled(region)
    return parse(raw, region) if raw is not None else None


def install(raw: bytes, region: str, data_dir: Path) -> CityOffices:
    """Check a city file and keep it as the terminal's (atomically); returns what it holds."""
    city = parse(raw, region)
    data_dir.mkdir(parents=True, exist_ok=True)
    write_file(data_dir / INSTALLED_FILE, raw.decode("utf-8"), 0o600)  # the data dir is private
    return city
