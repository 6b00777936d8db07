"""Shared fixtures: real SQLite files in a temporary directory, real reports; and which
tests are the fast unit tests of `make check`."""

from datetime import date

import pytest

from kiosk.db import connect
from kiosk.report import Attachment, Classification, Report, Reporter

UNIT_TEST_MODULES = {
    "test_adapter",
    "test_audio_lists",
    "test_city_offices",
    "test_config",
    "test_deadlines",
    "test_demo_pin",
    "test_deployment_checks",
    "test_dialog",
    "test_intake",
    "test_jack",
    "test_key_actions",
    "test_numbers",
    "test_printer",
    "test_receipt",
    "test_refdata_cli",
    "test_recorder",
    "test_regions",
    "test_report",
    "test_session",
    "test_stats",
    "test_stop_signals",
    "test_store",
    "test_store_health",
    "test_theme",
    "test_touch_guard",
    "test_working_days",
}
"""Modules whose tests need no display, sound, speech engine or model, and no simulator
process (a loopback HTTP server and short Python children are fine): `make check`
(`pytest -m unit`) runs them in under a minute. Every other test runs in `make test`."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.module.__name__ in UNIT_TEST_MODULES:
            item.add_marker(pytest.mark.unit)


def make_report(number: int = 1, **changes) -> Report:
    fields = {
        "classification": Classification.PENGADUAN,
        "title": f"Lampu jalan mati nomor {number}",
        "content": f"Lampu penerangan jalan di gang {number} mati sejak seminggu, gelap sekali.",
        "date_of_incident": date(2026, 11, 20),
        "location": "Jl. Kenanga, Jakarta Selatan",
        "category_id": 4,
        "reporter": Reporter("Budi Santoso", "081234567890", "budi@contoh.id"),
    }
    fields.update(changes)
    return Report(**fields)


def voice_attachment(size: int = 2048) -> Attachment:
    return Attachment("keluhan.ogg", "audio/ogg", b"OggS" + bytes(range(256)) * (size // 256))


@pytest.fixture
def conn(tmp_path):
    connection = connect(tmp_path / "kiosk.sqlite3")
    yield connection
    connection.close()
