"""The date due next, said with the follow-up: verification, then the agency's follow-up."""

from datetime import date, timedelta

from conftest import make_report

from kiosk.adapters.base import ComplaintStatus, StatusChange
from kiosk.deadlines import deadline_sentence, lapor_date
from kiosk.store import save_report
from kiosk.tracking import track

NYEPI_EVE = date(2026, 3, 18)


def test_a_stored_report_is_verified_within_three_working_days(conn):
    stored = save_report(conn, make_report(), terminal_number=1)
    today = date.today()
    result = track(conn, None, stored.code, "id", today=today)
    assert "tersimpan di terminal" in result.sentence
    assert "paling lambat" in result.sentence
    late = track(conn, None, stored.code, "id", today=today + timedelta(days=30))
    assert "seharusnya sudah memverifikasi" in late.sentence


def test_verification_across_the_2026_holidays():
    sentence = deadline_sentence(NYEPI_EVE, None, NYEPI_EVE, "id")
    assert sentence == "LAPOR! memverifikasi laporan Anda paling lambat Jumat, 27 Maret 2026."


def test_the_agency_has_five_working_days_from_verification():
    verified = StatusChange("25-03-2026 10:00:00", "Belum Terverifikasi", "Dalam Proses", "", "")
    status = ComplaintStatus("9", None, "Dalam Proses", "Dinas Perhubungan", [verified])
    sentence = deadline_sentence(NYEPI_EVE, status, date(2026, 3, 26), "en")
    assert sentence == "The agency follows your report up by Wednesday, 1 April 2026 at the latest."
    late = deadline_sentence(NYEPI_EVE, status, date(2026, 4, 2), "id")
    assert late.startswith(
        "Instansi seharusnya sudah menindaklanjuti laporan Anda pada Rabu, 1 April"
    )


def test_finished_reports_have_no_date_due():
    done = ComplaintStatus("9", None, "Selesai", None)
    assert deadline_sentence(NYEPI_EVE, done, NYEPI_EVE, "id") == ""


def test_lapor_dates_are_read_day_first_and_nonsense_is_none():
    assert lapor_date("27-03-2026 10:15:00") == date(2026, 3, 27)
    assert lapor_date("31-02-2026") is None
    assert lapor_date("2026-03-27") is None
