"""`kiosk queue status|list|retry`: inspect and drive the outbox."""

from __future__ import annotations

import argparse
import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING

from kiosk import outbox
from kiosk.cli.output import print_result
from kiosk.cli.verb import EXIT_BAD_INPUT, EXIT_OK, CommandError, add_language_option, add_verb

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def add_parser(verbs: argparse._SubParsersAction) -> None:
    queue = add_verb(verbs, "queue", handle, "inspect and drive the outbox")
    queue.add_argument("action", choices=("status", "list", "retry"))
    queue.add_argument("code", nargs="?", help="receipt code (for retry)")
    queue.add_argument("--json", action="store_true")
    queue.add_argument("--state", choices=outbox.STATES, help="list only this state")
    add_language_option(queue)


def handle(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.wiring import open_store

    with closing(open_store(config)) as conn:
        if args.action == "status":
            counts = outbox.counts(conn)
            print_result(args.json, counts, (f"{state:13} {n}" for state, n in counts.items()))
        elif args.action == "list":
            _print_listing(conn, args.state)
        else:
            _retry(conn, args.code, args.lang)
    return EXIT_OK


def _print_listing(conn: sqlite3.Connection, state: str | None) -> None:
    from kiosk.receipt import format_code
    from kiosk.safe_text import printable

    for item in outbox.listing(conn, state):
        complaint = printable(item.complaint_id or "-")
        print(
            f"{format_code(item.code)}  {item.state:12}  attempts={item.attempts}"
            f"  complaint={complaint}  {printable(item.last_error or '')}".rstrip()
        )


def _retry(conn: sqlite3.Connection, code_given: str | None, lang: str) -> None:
    from kiosk import retention
    from kiosk.i18n import text
    from kiosk.receipt import format_code, normalize_code

    code = normalize_code(code_given or "")
    if code is None:
        raise CommandError(text("code.invalid", lang), EXIT_BAD_INPUT)
    item = outbox.by_code(conn, code)
    if item is None:
        raise CommandError(text("code.unknown", lang))
    if not outbox.requeue(conn, item.report_uuid):
        if retention.is_wiped(conn, item.report_uuid):
            raise CommandError(
                f"{format_code(code)}: its content was wiped (personal data retention), so"
                " it cannot be sent again; the citizen files it anew"
            )
        state = outbox.get(conn, item.report_uuid).state
        raise CommandError(f"{format_code(code)} is {state}: nothing to retry")
    print(f"{format_code(code)} queued again")
