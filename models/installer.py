"""Install, list and verify speech models in the terminal's data directory.

A model comes from a file a technician brings (an archive: .zip, .whl, .tar.gz) or a
directory. It is checked (archive checksum against a manifest, structure, content
digest), unpacked beside its final place and moved there in one rename, so a half-copied
model is never used.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from models.manifest import (
    Manifest,
    bundled_manifests,
    content_sha256,
    file_sha256,
    graph_kind,
)

METADATA = "kiosk-model.json"
REQUIRED = ("am/final.mdl", "conf/model.conf")


class ModelError(Exception):
    """A model cannot be installed or used; the message says why and what to do."""


@dataclass(frozen=True)
class InstalledModel:
    name: str
    language: str
    graph: str
    content_sha256: str
    size_bytes: int
    known: bool
    """True when a bundled manifest vouches for exactly this content."""
    path: str = ""

    @property
    def takes_grammars(self) -> bool:
        """Only lookahead graphs take runtime grammars; an HCLG model serves dictation only."""
        return self.graph == "lookahead"


def _unpack(archive: Path, into: Path) -> None:
    """Unpack `archive`, refusing members that would land outside `into`."""
    target = into.resolve()
    if archive.suffix in (".zip", ".whl"):
        with zipfile.ZipFile(archive) as bundle:
            for member in bundle.namelist():
                if not (target / member).resolve().is_relative_to(target):
                    raise ModelError(f"{archive.name}: unsafe path {member!r} in the archive")
            bundle.extractall(target)
    elif archive.name.endswith((".tar.gz", ".tgz", ".tar")):
        with tarfile.open(archive) as bundle:
            bundle.extractall(target, filter="data")
    else:
        raise ModelError(f"{archive.name}: not a .zip, .whl, .tar.gz or a directory")


def _model_root(folder: Path) -> Path:
    """The directory inside `folder` that holds am/final.mdl (archives nest it)."""
    for candidate in sorted(folder.rglob("final.mdl")):
        if candidate.parent.name == "am":
            return candidate.parent.parent
    raise ModelError(f"{folder}: no Vosk model inside (am/final.mdl is missing)")


def _check_structure(root: Path) -> str:
    missing = [part for part in REQUIRED if not (root / part).is_file()]
    if missing:
        raise ModelError(f"not a complete Vosk model: {', '.join(missing)} missing")
    kind = graph_kind(root)
    if kind is None:
        raise ModelError("no decoding graph: neither graph/Gr.fst+HCLr.fst nor graph/HCLG.fst")
    return kind


def _manifest_for(archive: Path | None, digest: str) -> Manifest | None:
    for manifest in bundled_manifests():
        if manifest.content_sha256 == digest:
            return manifest
        if archive is not None and manifest.archive == archive.name:
            raise ModelError(
                f"{archive.name}: its content does not match the manifest of {manifest.name}"
                " (damaged or altered): get a fresh copy"
            )
    return None


def install(
    source: Path, models_root: Path, name: str | None = None, language: str | None = None
) -> InstalledModel:
    """Install the model in `source` under `models_root`; returns what was installed."""
    if not source.exists():
        raise ModelError(f"{source}: no such file or directory")
    models_root.mkdir(parents=True, exist_ok=True)
    archive = None if source.is_dir() else source
    if archive is not None:
        for manifest in bundled_manifests():
            if manifest.archive == archive.name and file_sha256(archive) != manifest.archive_sha256:
                raise ModelError(f"{archive.name}: checksum does not match its manifest")
    with tempfile.TemporaryDirectory(prefix=".unpack-", dir=models_root) as scratch:
        staging = Path(scratch) / "model"
        if archive is None:
            shutil.copytree(_model_root(source), staging)
        else:
            unpacked = Path(scratch) / "archive"
            _unpack(archive, unpacked)
            shutil.move(_model_root(unpacked), staging)
        graph = _check_structure(staging)
        digest, size = content_sha256(staging)
        manifest = _manifest_for(archive, digest)
        if manifest is not None and manifest.graph != graph:
            raise ModelError(
                f"{manifest.name}: graph is {graph}, its manifest says {manifest.graph}"
            )
        model = InstalledModel(
            name=manifest.name if manifest else (name or ""),
            language=manifest.language if manifest else (language or ""),
            graph=graph,
            content_sha256=digest,
            size_bytes=size,
            known=manifest is not None,
        )
        if not model.name or not model.language:
            raise ModelError("unknown model (no manifest matches): give --name and --language")
        (staging / METADATA).write_text(json.dumps(asdict(model), indent=1))
        final = models_root / model.name
        retired = Path(scratch) / "retired"
        if final.exists():
            os.replace(final, retired)  # removed with the scratch directory
        os.replace(staging, final)
    return _with_path(model, final)


def _with_path(model: InstalledModel, path: Path) -> InstalledModel:
    return InstalledModel(**{**asdict(model), "path": str(path)})


def installed(models_root: Path) -> list[InstalledModel]:
    found = []
    for metadata in sorted(models_root.glob(f"*/{METADATA}")):
        raw = json.loads(metadata.read_text())
        raw.pop("path", None)
        found.append(_with_path(InstalledModel(**raw), metadata.parent))
    return found


def verify(model: InstalledModel) -> str:
    """Empty when the model's files are as installed; else what is wrong."""
    root = Path(model.path)
    try:
        _check_structure(root)
    except ModelError as error:
        return str(error)
    digest, _size = content_sha256(root, leave_out=METADATA)
    return "" if digest == model.content_sha256 else "files changed since installation"


def choose(models_root: Path, language: str, grammar: bool = True) -> InstalledModel | None:
    """The model for `language`; with `grammar`, only one that takes runtime grammars."""
    for model in installed(models_root):
        if model.language == language and (model.takes_grammars or not grammar):
            return model
    return None
