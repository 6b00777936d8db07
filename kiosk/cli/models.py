"""`kiosk models install|list|verify`: the speech models in the data directory."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.verb import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, CommandError, add_verb

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def add_parser(verbs: argparse._SubParsersAction) -> None:
    models = add_verb(verbs, "models", handle, "install, list and verify speech models")
    models.add_argument("action", choices=("install", "list", "verify"))
    models.add_argument("source", nargs="?", help="install: an archive or a directory")
    models.add_argument("--name", help="install: name of a model no manifest knows")
    models.add_argument("--language", help="install: its language (id, en ...)")


def handle(args: argparse.Namespace, config: KioskConfig) -> int:
    from models.installer import ModelError, install, installed, verify

    root = config.data.dir / "models"
    if args.action == "install":
        if not args.source:
            raise CommandError("models install needs ARCHIVE_OR_DIR", EXIT_BAD_INPUT)
        try:
            model = install(Path(args.source), root, args.name, args.language)
        except ModelError as error:
            raise CommandError(f"model not installed: {error}", EXIT_BAD_INPUT) from None
        grammar = "grammars and dictation" if model.takes_grammars else "dictation only (HCLG)"
        known = "manifest checked" if model.known else "no manifest: unverified origin"
        print(f"{model.name} ({model.language}, {grammar}, {known}) in {model.path}")
        return EXIT_OK
    models = installed(root)
    if args.action == "list":
        for model in models:
            print(f"{model.name}  {model.language}  {model.graph}  {model.size_bytes // 2**20} MB")
        return EXIT_OK
    problems = [(model.name, problem) for model in models if (problem := verify(model))]
    for model in models:
        print(f"{model.name}: {dict(problems).get(model.name) or 'ok'}")
    return EXIT_FAILED if problems else EXIT_OK
