"""The date due next, said with the follow-up: verification, then the agency's follow-up."""

from datetime import date, datetime, timedelta

from conftest import make_report

from kiosk.adapters.base import ComplaintStatus, FollowUp, StatusChange
from kiosk.deadlines import deadline_sentence, lapor_date
from kiosk.store import save_report
from kiosk.tracking import track

NYEPI_EVE = date(2026, 3, 18)


def test_a_delivered_report_is_verified_within_three_working_days_of_its_sending(conn):
    stored = save_report(conn, make_report(), terminal_number=1)
    today = date.today()
    queued = track(conn, None, stored.code, "id", today=today + timedelta(days=30))
    assert "tersimpan di terminal" in queued.sentence
    assert "paling lambat" not in queued.sentence  # LAPOR! does not have it yet: owes nothing
    sent = datetime(2026, 3, 18, 10, 0).timestamp()
    conn.execute(
        "UPDATE outbox SET state = 'delivered', complaint_id = '9', create_sent_at = ?", (sent,)
    )
    offline = track(conn, None, stored.code, "id", today=date(2026, 3, 20))
    assert offline.sentence.endswith("paling lambat Jumat, 27 Maret 2026.")
    late = track(conn, None, stored.code, "id", today=date(2026, 3, 30))
    assert "seharusnya sudah memverifikasi" in late.sentence


def test_verification_across_the_2026_holidays():
    sentence = deadline_sentence(NYEPI_EVE, None, NYEPI_EVE, "id")
    assert sentence == "LAPOR! akan memverifikasi laporan Anda paling lambat Jumat, 27 Maret 2026."


def test_the_agency_has_five_working_days_from_verification():
    verified = StatusChange("25-03-2026 10:00:00", "Belum Terverifikasi", "Dalam Proses", "", "")
    status = ComplaintStatus("9", None, "Dalam Proses", "Dinas Perhubungan", [verified])
    sentence = deadline_sentence(NYEPI_EVE, status, date(2026, 3, 26), "en")
    assert (
        sentence
        == "The agency will follow your report up by Wednesday, 1 April 2026 at the latest."
    )
    late = deadline_sentence(NYEPI_EVE, status, date(2026, 4, 2), "id")
    assert late.startswith(
        "Instansi seharusnya sudah menindaklanjuti laporan Anda pada Rabu, 1 April"
    )


def test_an_answered_report_closes_ten_working_days_after_the_latest_answer():
    verified = StatusChange("25-03-2026 10:00:00", "Belum Terverifikasi", "Dalam Proses", "", "")
    answers = [
        FollowUp("30-03-2026 09:00:00", "Dinas Perhubungan", "Sedang kami periksa."),
        FollowUp("06-04-2026 14:30:00", "Dinas Perhubungan", "Lampu sudah diganti."),
    ]
    status = ComplaintStatus("9", None, "Dalam Proses", "Dinas Perhubungan", [verified], answers)
    sentence = deadline_sentence(NYEPI_EVE, status, date(2026, 4, 7), "id")
    assert sentence == (
        "Instansi sudah menanggapi. Jika tanggapan itu tidak dibalas di LAPOR!, laporan"
        " ditutup pada Senin, 20 April 2026."
    )  # ten working days after Monday 6 April (Good Friday, 3 April, is before it)
    late = deadline_sentence(NYEPI_EVE, status, date(2026, 4, 21), "en")
    assert late.endswith("so LAPOR! may close the report from Monday, 20 April 2026.")


def test_finished_reports_have_no_date_due():
    done = ComplaintStatus("9", None, "Selesai", None)
    assert deadline_sentence(NYEPI_EVE, done, NYEPI_EVE, "id") == ""


def test_lapor_dates_are_read_day_first_and_nonsense_is_none():
    assert lapor_date("27-03-2026 10:15:00") == date(2026, 3, 27)
    assert lapor_date("31-02-2026") is None
    assert lapor_date("2026-03-27") is None
