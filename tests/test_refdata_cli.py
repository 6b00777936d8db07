"""`kiosk refdata import` and `kiosk refdata show offices` as a technician runs them: the city
file checked before it is installed, the offices listed at every level with their ids."""

import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from repo_paths import REPO_ROOT

from kiosk.regions import load_city

BANDUNG_FILE = REPO_ROOT / "kiosk" / "data" / "cities" / "32.73.toml"


@pytest.fixture(scope="module")
def region_cache(tmp_path_factory) -> Path:
    """Kota Bandung extracted once for the module (a child loads the whole country)."""
    folder = tmp_path_factory.mktemp("regions")
    load_city("32.73", folder)
    return folder / "region-32.73.json"


@pytest.fixture
def config(tmp_path, region_cache) -> Path:
    """An offline terminal in Kota Bandung, its region already extracted."""
    (tmp_path / "data").mkdir(mode=0o700)
    shutil.copy(region_cache, tmp_path / "data")
    path = tmp_path / "kiosk.toml"
    path.write_text('[terminal]\nnumber = 12\nregion = "32.73"\n\n[data]\ndir = "data"\n')
    return path


def kiosk(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "refdata", *args],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_the_offices_at_every_level_with_their_ids(config):
    shown = kiosk(config, "show", "offices")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "offices: Kota Bandung (32.73), city file bundled"
    assert lines[1].startswith("  agencies: 26 (ids: 18 from the city file, ASSUMED;")
    assert lines[2].split() == ["102", "Dinas", "Pendidikan"]  # the institutions list's id
    assert ["3273103", "Dinas", "Sumber", "Daya", "Air", "dan", "Bina", "Marga"] in (
        line.split() for line in lines
    )
    assert ["327302", "Kecamatan", "Coblong"] in (line.split() for line in lines)
    assert lines[-1] == "  kelurahan: 151 (listed with --all)"
    assert "Kelurahan Dago" not in shown.stdout
    assert "categories" not in shown.stdout

    every = kiosk(config, "show", "offices", "--all").stdout.splitlines()
    assert ["3273021004", "Kelurahan", "Dago"] in (line.split() for line in every)
    assert len(every) == len(lines) + 151

    listed = json.loads(kiosk(config, "show", "offices", "--json").stdout)["offices"]
    assert (listed["region"], listed["name"], listed["city_file"]) == (
        "32.73",
        "Kota Bandung",
        "bundled",
    )
    assert listed["agencies"][0] == {
        "id": 102, "name": "Dinas Pendidikan", "id_from": "institutions list (bundled)",
    }  # fmt: skip
    assert {"id": 327302, "name": "Kecamatan Coblong"} in listed["kecamatan"]
    assert listed["kelurahan_count"] == 151 and "kelurahan" not in listed
    every_json = json.loads(kiosk(config, "show", "--json", "--all").stdout)
    assert {"id": 3273021004, "name": "Kelurahan Dago"} in every_json["offices"]["kelurahan"]
    assert list(every_json) == ["institutions", "categories", "locations", "offices"]


def test_a_city_file_is_checked_then_installed(config, tmp_path):
    data = tmp_path / "data"
    for contents, message in [
        (BANDUNG_FILE.read_text().replace('"32.73"', '"32.04"'),
         "the file is for region 32.04, the terminal is in 32.73"),
        ("region = 32.73\n", "not a city file"),
        (BANDUNG_FILE.read_text().replace('office = "Dinas Sosial"', 'office = "Dinas X"'),
         "routes name offices the file does not list: Dinas X"),
    ]:  # fmt: skip
        (tmp_path / "city.toml").write_text(contents)
        refused = kiosk(config, "import", str(tmp_path / "city.toml"))
        assert refused.returncode == 2
        assert message in refused.stderr and "nothing was installed" in refused.stderr
        assert not (data / "city.toml").exists()
    missing = kiosk(config, "import", str(tmp_path / "tidak-ada.toml"))
    assert missing.returncode == 2 and "No such file or directory" in missing.stderr

    renamed = BANDUNG_FILE.read_text().replace("Dinas Arsip dan", "Dinas Arsip & ")
    (tmp_path / "bandung.toml").write_text(renamed)
    installed = kiosk(config, "import", str(tmp_path / "bandung.toml"))
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout == (
        f"installed {data / 'city.toml'}: Kota Bandung (32.73), 26 agencies, 10 routes\n"
    )
    assert (data / "city.toml").read_text() == renamed
    assert stat.S_IMODE((data / "city.toml").stat().st_mode) == 0o600
    shown = kiosk(config, "show", "offices").stdout
    assert "city file installed" in shown and "Dinas Arsip &  Perpustakaan" in shown
