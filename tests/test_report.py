"""Report validation: every limit, with messages in Bahasa Indonesia and English.

Reports are built from the `kiosk submit` JSON shape (kiosk/intake.py) checked against the
bundled reference lists; the intake's own rules are in test_intake.py.
"""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import make_report
from repo_paths import REPO_ROOT

from kiosk.attachment_files import AttachmentFolder
from kiosk.intake import report_from_json as intake_report
from kiosk.report import Attachment, Place, Reporter, ReportInvalid
from kiosk.report_rules import (
    LOCATION,
    LOCATION_DETAIL,
    MAX_ATTACHMENT_BYTES,
    clean_text,
    location_rule,
    validate,
)

TODAY = date(2026, 11, 25)
BUNDLED_LISTS = json.loads((REPO_ROOT / "kiosk/data/reference_defaults.json").read_text())
"""The reference lists of a terminal that has never synced."""


def report_from_json(raw: dict, root: Path, today: date):
    return intake_report(raw, BUNDLED_LISTS, AttachmentFolder(root), today).report


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
        ({"category": "kesehatann"}, "category"),
        ({"institution_id": True}, "institution_id"),
        ({"is_secret": "ya"}, "is_secret"),
        ({"language": "jv"}, "language"),
        ({"reporter": {"phone": "12345"}}, "reporter.phone"),
        ({"reporter": {"phone": "0812abc4567"}}, "reporter.phone"),
        ({"reporter": {"email": "bukan-email"}}, "reporter.email"),
        ({"reporter": {"name": "A"}}, "reporter.name"),
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


def test_anonymous_may_keep_a_phone_for_follow_up():
    """LAPOR!'s anonim hides the identity from the public; it does not forbid one."""
    raw = valid_raw(is_anonymous=True, reporter={"phone": "0812 3456 7890"})
    assert report_from_json(raw, Path("."), TODAY).reporter.phone == "081234567890"
    assert validate(make_report(is_anonymous=True), TODAY) == []


def test_a_named_report_never_goes_without_a_name():
    """Issue 13: a report with an identity that is not anonymous carries the name."""
    phone_only = make_report(reporter=Reporter(phone="081234567890"))
    assert [(error.field, error.key) for error in validate(phone_only, TODAY)] == [
        ("reporter.name", "required")
    ]
    assert validate(make_report(reporter=Reporter()), TODAY) == []  # no identity at all


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


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x1e"])
def test_line_and_paragraph_separators_are_refused_in_one_line_fields(separator):
    for field in ("title", "location"):
        assert field in fields_failing(valid_raw(**{field: f"Judul laporan{separator}kedua"}))
    name = {"name": f"Siti{separator}Aminah"}
    assert "reporter.name" in fields_failing(valid_raw(reporter=name))


def test_line_breaks_in_the_content_become_newlines():
    content = "Baris pertama laporan.\u2028Baris kedua\u2029Baris ketiga\x85keempat."
    assert clean_text(content, multiline=True).count("\n") == 3
    report = report_from_json(valid_raw(content=content), Path("."), TODAY)
    assert report.content == "Baris pertama laporan.\nBaris kedua\nBaris ketiga\nkeempat."


def test_the_dialog_rules_are_unchanged_for_an_anonymous_draft():
    """The touch dialog drops the identity of an anonymous draft; the model accepts both."""
    assert validate(make_report(is_anonymous=True, reporter=Reporter()), TODAY) == []


@pytest.mark.parametrize(
    ("attachments", "key"),
    [
        ((Attachment("kosong.flac", "audio/flac", b""),), "attachment_empty"),
        (
            (Attachment("besar.flac", "audio/flac", bytes(MAX_ATTACHMENT_BYTES + 1)),),
            "attachment_too_big",
        ),
        ((Attachment("video.mp4", "video/mp4", b"x"),), "attachment_type"),
        ((Attachment("a.flac", "audio/flac", b"x"),) * 4, "too_many_attachments"),
    ],
)
def test_a_reports_recordings_are_checked_by_the_rules_a_submit_reads_files_by(attachments, key):
    """The dialog's recording is checked here; a submit's files by the same rule before they
    are read (test_intake.py)."""
    (error,) = validate(make_report(attachments=attachments), TODAY)
    assert (error.field, error.key) == ("attachments", key)


def test_with_a_kemendagri_place_the_detail_is_optional_and_explained_when_too_short():
    dago = Place("32.73.02.1004", "Kota Bandung", "Coblong", "Dago")
    assert validate(make_report(place=dago, location=""), TODAY) == []
    assert validate(make_report(place=dago, location="depan SD"), TODAY) == []
    [short] = validate(make_report(place=dago, location="ab"), TODAY)
    assert (short.field, short.key) == ("location_detail", "too_short_optional")
    assert short.describe("id") == (
        "Detail lokasi: terlalu pendek: 2 huruf. Tulis paling sedikit 3 huruf, atau kosongkan."
    )
    assert short.describe("en") == (
        "Place detail: is too short: 2 characters. Write at least 3, or leave it empty."
    )
    [long] = validate(make_report(place=dago, location="x" * 201), TODAY)
    assert (long.field, long.key) == ("location_detail", "too_long")
    # Without a place the text is the place: required as before.
    [missing] = validate(make_report(location=""), TODAY)
    assert missing.describe("id") == "Lokasi kejadian: wajib diisi."
    assert location_rule(make_report()) is LOCATION
    assert location_rule(make_report(place=dago)) is LOCATION_DETAIL
