"""`kiosk track CODE`: follow a report up by receipt code or LAPOR! complaint id."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import closing
from dataclasses import asdict
from typing import TYPE_CHECKING

from kiosk.cli.output import print_result
from kiosk.cli.verb import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, add_language_option, add_verb

if TYPE_CHECKING:
    from kiosk.config import KioskConfig
    from kiosk.tracking import TrackResult

FOLLOW_UP_CHARS = 20_000
"""An agency's answer is printed whole (escaped), not cut like a log line."""


def add_parser(verbs: argparse._SubParsersAction) -> None:
    track = add_verb(verbs, "track", handle, "follow a report up by receipt code or complaint id")
    track.add_argument("code")
    track.add_argument("--json", action="store_true")
    add_language_option(track)


def handle(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.tracking import track
    from kiosk.wiring import has_credentials, open_api, open_store

    api = open_api(config) if has_credentials(config) else None
    with closing(open_store(config)) as conn:
        result = track(conn, api, args.code, args.lang, allow_complaint_id=True)
    print_result(args.json, _as_json(result), _lines(result))
    if result.problem == "invalid":
        return EXIT_BAD_INPUT
    return EXIT_FAILED if result.problem else EXIT_OK


def _as_json(result: TrackResult) -> dict:
    return {
        "problem": result.problem,
        "sentence": result.sentence,
        "code": result.item.code if result.item else None,
        "state": result.item.state if result.item else None,
        "complaint_id": result.item.complaint_id if result.item else None,
        "status": asdict(result.status) if result.status else None,
        "fetched_at": result.fetched_at,
        "offline": result.offline,
    }


def _lines(result: TrackResult) -> Iterator[str]:
    from kiosk.safe_text import printable

    yield printable(result.sentence)
    for followup in result.status.followups if result.status else []:
        line = f"- {followup.date} {followup.institution}: {followup.content}"
        yield printable(line, limit=FOLLOW_UP_CHARS)
