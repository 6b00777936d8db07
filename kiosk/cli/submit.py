"""`kiosk submit FILE`: store reports from a JSON or JSON Lines file, all of them or none."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.verb import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    CommandError,
    add_language_option,
    add_verb,
    terminal_city,
)
from kiosk.safe_text import printable

if TYPE_CHECKING:
    from kiosk.city_offices import CityOffices
    from kiosk.config import KioskConfig
    from kiosk.intake import Submitted
    from kiosk.regions import City
    from kiosk.store import Filed


def add_parser(verbs: argparse._SubParsersAction) -> None:
    submit = add_verb(
        verbs,
        "submit",
        handle,
        "store reports from a JSON or JSON Lines file (- = stdin): all of them or none",
    )
    submit.add_argument("file")
    submit.add_argument(
        "--attachments-dir",
        type=Path,
        help="folder the recordings are read from (default: the file's folder; stdin: here)",
    )
    add_language_option(submit)


def handle(args: argparse.Namespace, config: KioskConfig) -> int:
    """All or nothing: every report of the file is checked, then all are stored in one
    transaction; the codes are printed only after the commit, a report stored before with
    the code it has."""
    from kiosk import refdata
    from kiosk.receipt import format_code
    from kiosk.wiring import open_store

    data = _read_submit_file(args.file)
    with closing(open_store(config)) as conn:  # first: it makes the data folder private
        city, offices = terminal_city(config)
        submitted = _check_reports(args, data, refdata.items_by_kind(conn), city, offices)
        filed = _store_reports(conn, submitted, config.terminal.number)
    for number, entry in enumerate(filed, start=1):
        if entry.already_stored:
            code = format_code(entry.code)
            print(f"report {number}: already stored as {code}; nothing new", file=sys.stderr)
    print("\n".join(format_code(entry.code) for entry in filed), flush=True)
    return EXIT_OK


def _read_submit_file(file: str) -> bytes:
    from kiosk.intake import SubmitFileInvalid, read_input

    try:
        if file == "-":
            return read_input(sys.stdin.buffer)
        with open(file, "rb") as stream:
            return read_input(stream)
    except (OSError, SubmitFileInvalid) as error:
        why = (error.strerror or error) if isinstance(error, OSError) else error
        raise CommandError(
            f"{printable(file)}: {why}; nothing was stored", EXIT_BAD_INPUT
        ) from None


def _check_reports(
    args: argparse.Namespace,
    data: bytes,
    lists: dict[str, list[dict]],
    city: City | None,
    offices: CityOffices | None,
) -> list[Submitted]:
    """Every report of the file checked (attachments read)."""
    from kiosk.attachment_files import MAX_SUBMIT_BYTES, AttachmentFolder, SubmitTooBig
    from kiosk.intake import (
        SubmissionInvalid,
        SubmitFileInvalid,
        parse_reports_file,
        reports_from_json,
    )

    here = Path.cwd() if args.file == "-" else Path(args.file).absolute().parent
    folder = AttachmentFolder(args.attachments_dir or here)
    name = printable(args.file)
    try:
        items = parse_reports_file(data)
        return reports_from_json(items, lists, folder, date.today(), city, offices)
    except SubmissionInvalid as invalid:
        problems = "\n".join(invalid.messages(args.lang))
        raise CommandError(f"{problems}\nnothing was stored", EXIT_BAD_INPUT) from None
    except SubmitFileInvalid as error:
        raise CommandError(f"{name}: {error}; nothing was stored", EXIT_BAD_INPUT) from None
    except SubmitTooBig as error:
        raise CommandError(
            f"{name}: with {printable(error)} the recordings add up to more than"
            f" {MAX_SUBMIT_BYTES // 2**20} MB, the most one submit carries: split the file;"
            " nothing was stored",
            EXIT_BAD_INPUT,
        ) from None


def _store_reports(
    conn: sqlite3.Connection, submitted: list[Submitted], terminal_number: int
) -> list[Filed]:
    """Each report stored, all in one transaction or none."""
    from kiosk import db
    from kiosk.receipt import format_code
    from kiosk.store import KeyReused, save_reports

    try:
        return save_reports(
            conn, [(entry.report, entry.client_id) for entry in submitted], terminal_number
        )
    except KeyReused as error:
        raise CommandError(
            f"report {error.position + 1}: its id is already used by the report"
            f" {format_code(error.code)}, which says something else: give this report a new"
            " id; nothing was stored",
            EXIT_BAD_INPUT,
        ) from None
    except (sqlite3.Error, OSError) as error:
        if db.is_busy(error):
            raise CommandError(
                f"the store stayed busy (another process writing) for {db.BUSY_TIMEOUT_S:g} s:"
                " gave up, nothing was stored; run the same file again"
            ) from None
        raise CommandError(
            f"the store cannot be written ({printable(error)}); nothing was stored"
        ) from None
