"""`kiosk refdata show|sync|import`: the agencies, categories and locations reports refer to,
and the offices of the terminal's city (its city file's agencies, its kecamatan and kelurahan)."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.adapters.base import REFERENCE_KINDS
from kiosk.cli.output import print_result
from kiosk.cli.verb import EXIT_BAD_INPUT, EXIT_OK, CommandError, add_verb

if TYPE_CHECKING:
    from kiosk.city_offices import CityOffices, Office
    from kiosk.config import KioskConfig
    from kiosk.refdata import ReferenceList
    from kiosk.regions import City

OFFICES = "offices"
"""The city's offices at every level: listed with the reference lists, not one of them."""


def add_parser(verbs: argparse._SubParsersAction) -> None:
    refdata = add_verb(verbs, "refdata", handle, "agencies, categories and locations")
    actions = refdata.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="the lists' ids and names")
    show.add_argument("kind", nargs="?", choices=(*REFERENCE_KINDS, OFFICES), help="only this list")
    show.add_argument("--all", action="store_true", help="the kelurahan offices too (many)")
    show.add_argument("--json", action="store_true")
    actions.add_parser("sync", help="fetch the lists from LAPOR! now")
    imported = actions.add_parser("import", help="install the city file of the terminal's region")
    imported.add_argument("file", type=Path, help="a city file (TOML, as kiosk/data/cities/)")


def handle(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk import refdata
    from kiosk.adapters.base import ApiError
    from kiosk.safe_text import printable
    from kiosk.wiring import open_api, open_store

    if args.action == "import":
        return _import(args.file, config)
    with closing(open_store(config)) as conn:
        if args.action == "sync":
            try:
                print(json.dumps(refdata.sync(conn, open_api(config))))
            except ApiError as error:
                raise CommandError(f"reference lists not synced: {printable(error)}") from None
            return EXIT_OK
        institutions = refdata.get(conn, "institutions")
        kinds = [args.kind] if args.kind else [*REFERENCE_KINDS, OFFICES]
        listings = [refdata.get(conn, kind) for kind in kinds if kind != OFFICES]
    as_json: dict[str, object] = {listing.kind: _listing_json(listing) for listing in listings}
    lines = _lines(listings)
    if OFFICES in kinds:
        offices = _CityListing.read(config, institutions, args.all)
        as_json[OFFICES] = offices.as_json()
        lines = chain(lines, offices.lines())
    print_result(args.json, as_json, lines)
    return EXIT_OK


def _import(file: Path, config: KioskConfig) -> int:
    """Install `file` as the terminal's city file: checked first, replaced atomically; as
    root, given to the data directory's owner (the kiosk user must read it)."""
    from kiosk import city_offices
    from kiosk.safe_text import printable

    region, data = config.terminal.region, config.data.dir
    try:
        offices = city_offices.install(file.read_bytes(), region, data)
    except (OSError, city_offices.CityFileError) as error:
        why = (error.strerror or error) if isinstance(error, OSError) else error
        raise CommandError(
            f"{printable(file)}: {printable(why)}; nothing was installed", EXIT_BAD_INPUT
        ) from None
    installed = data / city_offices.INSTALLED_FILE
    if os.geteuid() == 0:
        owner = data.stat()
        os.chown(installed, owner.st_uid, owner.st_gid)
    print(
        f"installed {installed}: {printable(offices.name)} ({region}),"
        f" {len(offices.agencies)} agencies, {len(offices.routes)} routes"
    )
    return EXIT_OK


def _lines(listings: list[ReferenceList]) -> Iterator[str]:
    from kiosk.safe_text import printable

    for listing in listings:
        yield f"{listing.kind}: {len(listing.items)} ({_synced_when(listing)})"
        for item in listing.items:
            yield f"  {printable(item.get('id')):>8}  {printable(item.get('name'))}"


@dataclass(frozen=True)
class _CityListing:
    """The offices a report from the terminal's city may go to, with their ids: the city
    file's agencies (LAPOR!'s id where the institutions list has the name), then each
    kecamatan's office and, with `every_kelurahan`, each kelurahan's."""

    region: str
    city: City | None
    offices: CityOffices | None
    source: str
    """Where the city file came from: `installed`, `bundled`, or `none`."""
    institutions: ReferenceList
    every_kelurahan: bool

    @classmethod
    def read(
        cls, config: KioskConfig, institutions: ReferenceList, every_kelurahan: bool
    ) -> _CityListing:
        from kiosk.city_offices import INSTALLED_FILE
        from kiosk.cli.verb import terminal_city

        city, offices = terminal_city(config)
        if offices is None:
            source = "none"
        else:
            installed = (config.data.dir / INSTALLED_FILE).is_file()
            source = "installed" if installed else "bundled"
            offices = offices.with_synced_ids(institutions.items)
        return cls(config.terminal.region, city, offices, source, institutions, every_kelurahan)

    def _agencies(self) -> list[tuple[Office, str]]:
        """Each agency and where its id comes from."""
        from kiosk.folding import folded

        listed = {folded(str(item.get("name", ""))) for item in self.institutions.items}
        origin = _listing_origin(self.institutions)
        agencies = self.offices.agencies if self.offices else ()
        return [
            (office, origin if folded(office.name) in listed else "city file")
            for office in agencies
        ]

    def _places(self) -> tuple[list[Office], list[Office]]:
        from kiosk.city_offices import place_office

        districts = self.city.districts if self.city else ()
        synced = self.offices.synced if self.offices else {}
        kecamatan = [place_office(district, "kecamatan", synced) for district in districts]
        parts = [part for district in districts for part in district.parts]
        return kecamatan, [place_office(part, "kelurahan", synced) for part in parts]

    def as_json(self) -> dict:
        """`kelurahan` is listed only with `every_kelurahan`; `kelurahan_count` always."""
        kecamatan, kelurahan = self._places()
        listing = {
            "region": self.region,
            "name": self.city.name if self.city else None,
            "city_file": self.source,
            "agencies": [
                {"id": office.id, "name": office.name, "id_from": origin}
                for office, origin in self._agencies()
            ],
            "kecamatan": [{"id": office.id, "name": office.name} for office in kecamatan],
            "kelurahan_count": len(kelurahan),
        }
        if self.every_kelurahan:
            listing["kelurahan"] = [{"id": office.id, "name": office.name} for office in kelurahan]
        return listing

    def lines(self) -> Iterator[str]:
        from kiosk.safe_text import printable

        name = printable(self.city.name) if self.city else "region data unreadable"
        kecamatan, kelurahan = self._places()
        agencies = self._agencies()
        yield f"{OFFICES}: {name} ({self.region}), city file {self.source}"
        from_file = sum(origin == "city file" for _, origin in agencies)
        ids = (
            f"{from_file} from the city file, ASSUMED;"
            f" {len(agencies) - from_file} from the {_listing_origin(self.institutions)}"
        )
        yield f"  agencies: {len(agencies)} (ids: {ids})"
        for office, _ in agencies:
            yield f"  {office.id:>10}  {printable(office.name)}"
        yield f"  kecamatan: {len(kecamatan)} (ids: the Kemendagri code's digits, ASSUMED)"
        for office in kecamatan:
            yield f"  {office.id:>10}  {printable(office.name)}"
        if not self.every_kelurahan:
            yield f"  kelurahan: {len(kelurahan)} (listed with --all)"
            return
        yield f"  kelurahan: {len(kelurahan)} (ids: the Kemendagri code's digits, ASSUMED)"
        for office in kelurahan:
            yield f"  {office.id:>10}  {printable(office.name)}"


def _listing_origin(listing: ReferenceList) -> str:
    return f"{listing.kind} list ({_synced_when(listing)})"


def _synced_when(listing: ReferenceList) -> str:
    if listing.fetched_at is None:
        return "bundled"
    return datetime.fromtimestamp(listing.fetched_at).isoformat(timespec="seconds")


def _listing_json(listing: ReferenceList) -> dict:
    """`synced_at` is None for the list bundled with the software."""
    return {
        "synced_at": None if listing.fetched_at is None else _synced_when(listing),
        "items": [
            {key: item[key] for key in ("id", "name", "name_en") if key in item}
            for item in listing.items
        ],
    }
