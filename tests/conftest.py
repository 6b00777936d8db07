"""Shared fixtures: real SQLite files in a temporary directory, real reports."""

from datetime import date

import pytest

from kiosk.db import connect
from kiosk.report import Attachment, Classification, Report, Reporter


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
