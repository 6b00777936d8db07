"""`kiosk refdata show|sync`: the agencies, categories and locations reports refer to."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.adapters.base import REFERENCE_KINDS
from kiosk.cli.output import print_result
from kiosk.cli.verb import EXIT_OK, CommandError, add_verb

if TYPE_CHECKING:
    from kiosk.config import KioskConfig
    from kiosk.refdata import ReferenceList


def add_parser(verbs: argparse._SubParsersAction) -> None:
    refdata = add_verb(verbs, "refdata", handle, "agencies, categories and locations")
    actions = refdata.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="the lists' ids and names")
    show.add_argument("kind", nargs="?", choices=REFERENCE_KINDS, help="only this list")
    show.add_argument("--json", action="store_true")
    actions.add_parser("sync", help="fetch the lists from LAPOR! now")


def handle(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk import refdata
    from kiosk.adapters.base import ApiError
    from kiosk.safe_text import printable
    from kiosk.wiring import open_api, open_store

    with closing(open_store(config)) as conn:
        if args.action == "sync":
            try:
                print(json.dumps(refdata.sync(conn, open_api(config))))
            except ApiError as error:
                raise CommandError(f"reference lists not synced: {printable(error)}") from None
            return EXIT_OK
        kinds = [args.kind] if args.kind else REFERENCE_KINDS
        listings = [refdata.get(conn, kind) for kind in kinds]
    as_json = {listing.kind: _listing_json(listing) for listing in listings}
    print_result(args.json, as_json, _lines(listings))
    return EXIT_OK


def _lines(listings: list[ReferenceList]) -> Iterator[str]:
    from kiosk.safe_text import printable

    for listing in listings:
        yield f"{listing.kind}: {len(listing.items)} ({_synced_when(listing)})"
        for item in listing.items:
            yield f"  {printable(item.get('id')):>8}  {printable(item.get('name'))}"


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
