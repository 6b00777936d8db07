"""Speech model manifests: what a model is, where it comes from, and how to check it.

A manifest (`models/manifests/*.toml`) names a model and gives its language, its kind of
graph (`lookahead` takes runtime grammars; `hclg` does not and serves dictation only), the
SHA-256 of its archive and of its unpacked content, its size, source and licence. Model
files themselves are never committed: `kiosk models install` installs them from a file.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class Manifest:
    name: str
    language: str
    graph: str
    archive: str
    archive_sha256: str
    content_sha256: str
    size_bytes: int
    source: str
    licence: str


def bundled_manifests() -> list[Manifest]:
    folder = resources.files("models").joinpath("manifests")
    return [
        Manifest(**tomllib.loads(entry.read_text("utf-8")))
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    ]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def content_sha256(root: Path, leave_out: str = "") -> tuple[str, int]:
    """A digest of every file's relative path and bytes, in a fixed order; and their size.

    `leave_out` names a top-level file that is not part of the model (the kiosk's metadata).
    """
    digest = hashlib.sha256()
    size = 0
    files = (item for item in root.rglob("*") if item.is_file() and item.name != leave_out)
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        digest.update(b"\0")
        size += path.stat().st_size
    return digest.hexdigest(), size


def graph_kind(root: Path) -> str | None:
    """`lookahead` (Gr.fst and HCLr.fst), `hclg` (HCLG.fst), or None when neither is there."""
    graph = root / "graph"
    if (graph / "Gr.fst").is_file() and (graph / "HCLr.fst").is_file():
        return "lookahead"
    if (graph / "HCLG.fst").is_file():
        return "hclg"
    return None
