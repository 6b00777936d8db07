"""Offices at every level for Kota Bandung, and the office a category suggests."""

import pytest

from kiosk import city_offices
from kiosk.city_offices import CityFileError, Office
from kiosk.regions import load_city


@pytest.fixture(scope="module")
def coblong_dago(tmp_path_factory):
    bandung = load_city("32.73", tmp_path_factory.mktemp("regions"))
    coblong = next(area for area in bandung.districts if area.name == "Coblong")
    return coblong, coblong.parts[3]


@pytest.fixture
def offices(tmp_path):
    city = city_offices.load("32.73", tmp_path)
    assert city is not None
    return city


def test_the_bundled_bandung_file_lists_real_agencies(offices):
    names = [office.name for office in offices.agencies]
    assert "Dinas Sumber Daya Air dan Bina Marga" in names
    assert "Perumda Air Minum Tirtawening" in names
    assert offices.name == "Kota Bandung"


def test_kelurahan_and_kecamatan_offices_come_first(offices, coblong_dago):
    coblong, dago = coblong_dago
    listed = offices.offices(coblong, dago)
    assert listed[:2] == (
        Office(3273021004, "Kelurahan Dago", "kelurahan"),
        Office(327302, "Kecamatan Coblong", "kecamatan"),
    )
    assert len(listed) == 2 + len(offices.agencies)


def test_the_routing_table_suggests_by_category_and_place(offices, coblong_dago):
    coblong, dago = coblong_dago
    assert offices.suggest(4, coblong, dago).name == "Dinas Sumber Daya Air dan Bina Marga"
    assert offices.suggest(8, coblong, dago).name == "Kecamatan Coblong"
    assert offices.suggest(10, coblong, dago).name == "Kelurahan Dago"
    assert offices.suggest(10, None, None) is None
    assert offices.suggest(None, coblong, dago) is None


def test_a_sync_gives_offices_at_every_level_lapor_ids_by_name(offices, coblong_dago):
    coblong, dago = coblong_dago
    synced = offices.with_synced_ids(
        [{"id": 77, "name": "dinas  perhubungan"}, {"id": 78, "name": "KELURAHAN DAGO"}]
    )
    by_name = {office.name: office.id for office in synced.offices(coblong, dago)}
    assert by_name["Dinas Perhubungan"] == 77
    assert by_name["Kelurahan Dago"] == 78
    assert by_name["Dinas Sosial"] == 3273108  # not synced: the file's ASSUMED id
    assert by_name["Kecamatan Coblong"] == 327302  # not synced: its code's digits (ASSUMED)
    assert synced.suggest(10, coblong, dago).id == 78


def test_an_installed_file_replaces_the_bundled_one(tmp_path):
    raw = b'region = "32.73"\nname = "Kota Bandung"\noffices = [{id = 5, name = "Dinas X"}]\n'
    raw += b'routes = [{category = 4, office = "Dinas X"}]\n'
    city_offices.install(raw, "32.73", tmp_path)
    assert city_offices.load("32.73", tmp_path).agencies == (Office(5, "Dinas X"),)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"region = ", "not a city file"),
        (b'region = "32.73"\nname = "K"\noffices = []\n', "not a city file"),
        (b'region = "32.01"\nname = "K"\noffices = []\nroutes = []\n', "the terminal is in"),
        (
            b'region = "32.73"\nname = "K"\noffices = []\n'
            b'routes = [{category = 1, office = "Y"}]\n',
            "does not list: Y",
        ),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_installed(tmp_path, raw, problem):
    with pytest.raises(CityFileError, match=problem):
        city_offices.install(raw, "32.73", tmp_path)
    assert not (tmp_path / "city.toml").exists()


def test_a_region_without_a_file_has_no_offices(tmp_path):
    assert city_offices.load("31.71", tmp_path) is None


def test_a_running_kiosk_takes_up_a_new_sync_of_lapors_ids(tmp_path):
    """The forwarder syncs LAPOR!'s lists while the kiosk runs: the next citizen's offices
    carry the new ids without a restart (the row written as a sync writes it)."""
    import json

    from kiosk.config import DataConfig, KioskConfig
    from kiosk.terminal import TerminalServices

    services = TerminalServices(KioskConfig(data=DataConfig(dir=tmp_path)))
    services.warm()

    def dinas_perhubungan() -> int:
        by_name = {office.name: office.id for office in services.offices("32.73.02.1004")}
        return by_name["Dinas Perhubungan"]

    assumed = dinas_perhubungan()
    with services.conn:
        services.conn.execute(
            "INSERT OR REPLACE INTO refdata (kind, items_json, fetched_at) VALUES (?, ?, ?)",
            ("institutions", json.dumps([{"id": 4242, "name": "Dinas Perhubungan"}]), 1.0),
        )
    assert (assumed, dinas_perhubungan()) == (assumed, 4242) and assumed != 4242
    services.close()
