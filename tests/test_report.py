"""Report validation: every limit, with messages in Bahasa Indonesia and English."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk.report import (
    ReportInvalid,
    parse_reports_file,
    report_from_json,
)

TODAY = date(2026, 11, 25)


def valid_raw(**changes) -> dict:
    raw = {
        "classification": "pengaduan",
        "title": "Jalan berlubang di depan pasar",
        "content": "Lubang besar di Jalan Merdeka membahayakan pengendara motor setiap malam.",
        "date_of_incident": "2026-11-20",
        "location": "Jl. Merdeka, depan Pasar Baru",
        "category": "4",
        "institution_id": None,
        "is_anonymous": False,
        "is_secret": False,
        "reporter": {
            "name": "Siti Aminah",
            "phone": "+62 812-3456-7890",
            "email": "Siti@Contoh.id",
        },
        "attachments": [],
        "language": "id",
    }
    raw.update(changes)
    return raw


def fields_failing(raw: dict, root: Path = Path(".")) -> set[str]:
    with pytest.raises(ReportInvalid) as caught:
        report_from_json(raw, root, TODAY)
    return {error.field for error in caught.value.errors}


def test_valid_report_is_normalised():
    report = report_from_json(valid_raw(), Path("."), TODAY)
    assert report.reporter.phone == "081234567890"
    assert report.reporter.email == "siti@contoh.id"
    assert report.category_id == 4
    assert report.date_of_incident == date(2026, 11, 20)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "abc"}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"content": "terlalu pendek"}, "content"),
        ({"content": "x" * 5001}, "content"),
        ({"title": "Judul\x07 dengan bel"}, "title"),
        ({"content": "Isi dengan penanda arah \u202e terbalik di dalam teks"}, "content"),
        ({"location": "x" * 201}, "location"),
        ({"date_of_incident": "2026-11-26"}, "date_of_incident"),
        ({"date_of_incident": "1999-12-31"}, "date_of_incident"),
        ({"date_of_incident": "20-11-2026"}, "date_of_incident"),
        ({"classification": "keluhan"}, "classification"),
        ({"category": "kesehatan"}, "category"),
        ({"institution_id": True}, "institution_id"),
        ({"is_secret": "ya"}, "is_secret"),
        ({"language": "jv"}, "language"),
        ({"reporter": {"phone": "12345"}}, "reporter.phone"),
        ({"reporter": {"phone": "0812abc4567"}}, "reporter.phone"),
        ({"reporter": {"email": "bukan-email"}}, "reporter.email"),
        ({"reporter": {"name": "A"}}, "reporter.name"),
        ({"is_anonymous": True}, "reporter"),
        ({"attachments": ["tidak-ada.ogg"]}, "attachments"),
        ({"attachments": ["surat.pdf"]}, "attachments"),
        ({"attachments": "rekaman.ogg"}, "attachments"),
    ],
)
def test_each_rule(changes, field):
    assert field in fields_failing(valid_raw(**changes))


def test_line_breaks_allowed_in_content_only():
    report = report_from_json(
        valid_raw(content="Baris pertama laporan.\r\nBaris kedua\tdengan tab."), Path("."), TODAY
    )
    assert report.content == "Baris pertama laporan.\nBaris kedua\tdengan tab."
    assert "title" in fields_failing(valid_raw(title="Judul\ndua baris"))


def test_today_is_allowed_and_tomorrow_is_not():
    report_from_json(valid_raw(date_of_incident=TODAY.isoformat()), Path("."), TODAY)
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    assert fields_failing(valid_raw(date_of_incident=tomorrow)) == {"date_of_incident"}


def test_anonymous_without_identity_is_fine():
    report = report_from_json(valid_raw(is_anonymous=True, reporter=None), Path("."), TODAY)
    assert report.reporter.is_empty()


def test_messages_in_both_languages():
    with pytest.raises(ReportInvalid) as caught:
        report_from_json(valid_raw(title="abc", date_of_incident="2030-01-01"), Path("."), TODAY)
    indonesian = caught.value.messages("id")
    english = caught.value.messages("en")
    assert "Judul laporan: terlalu pendek: 3 huruf, paling sedikit 5 huruf." in indonesian
    assert any(
        message.startswith("Tanggal kejadian: tidak boleh di masa depan") for message in indonesian
    )
    assert "Title: is too short: 3 characters, at least 5." in english


def test_audio_attachments(tmp_path):
    (tmp_path / "keluhan.ogg").write_bytes(b"OggS" + bytes(100))
    (tmp_path / "kosong.wav").write_bytes(b"")
    (tmp_path / "besar.flac").write_bytes(bytes(10 * 1024 * 1024 + 1))
    report = report_from_json(valid_raw(attachments=["keluhan.ogg"]), tmp_path, TODAY)
    assert report.attachments[0].mime == "audio/ogg"
    assert fields_failing(valid_raw(attachments=["kosong.wav"]), tmp_path) == {"attachments"}
    assert fields_failing(valid_raw(attachments=["besar.flac"]), tmp_path) == {"attachments"}
    four = ["keluhan.ogg"] * 4
    assert fields_failing(valid_raw(attachments=four), tmp_path) == {"attachments"}


def test_reports_file_shapes():
    one = json.dumps(valid_raw())
    assert len(parse_reports_file(one)) == 1
    assert len(parse_reports_file(json.dumps([valid_raw(), valid_raw()]))) == 2
    assert len(parse_reports_file(one + "\n\n" + one + "\n")) == 2
    with pytest.raises(ValueError, match="line 2"):
        parse_reports_file(one + "\n{not json\n")
    with pytest.raises(ValueError, match="empty"):
        parse_reports_file("  \n")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "²"}, "category"),
        ({"category": str(2**40)}, "category"),
        ({"category": None}, "category"),
        ({"institution_id": "0"}, "institution_id"),
        ({"reporter": {"email": "a\x00b@contoh.id"}}, "reporter.email"),
        ({"date_of_incident": "20241102"}, "date_of_incident"),
        ({"date_of_incident": "2024-W01-2"}, "date_of_incident"),
        ({"date_of_incident": 20241102}, "date_of_incident"),
        ({"location": ""}, "location"),
        ({"title": "Judul \u202eterbalik"}, "title"),
    ],
)
def test_review_findings(changes, field):
    assert field in fields_failing(valid_raw(**changes))


def test_emoji_with_joiners_are_text():
    report = report_from_json(
        valid_raw(content="Keluarga kami 👨\u200d👩\u200d👧 menunggu lama."), Path("."), TODAY
    )
    assert "\u200d" in report.content


def test_integer_category_is_accepted():
    assert report_from_json(valid_raw(category=4), Path("."), TODAY).category_id == 4
