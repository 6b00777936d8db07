"""Working days, LAPOR!'s service-level dates and dates in words, on the real 2026 calendar."""

from datetime import date

import pytest

from kiosk.date_words import long_date
from kiosk.service_levels import service_dates
from kiosk.working_days import add_working_days, holiday_name, is_working_day


def test_three_working_days_across_nyepi_and_idul_fitri_2026():
    # 19 Nyepi, 20 cuti bersama, 21-22 Idul Fitri (a weekend), 23-24 cuti bersama.
    assert add_working_days(date(2026, 3, 18), 3) == date(2026, 3, 27)


def test_cuti_bersama_and_holidays_are_named_in_indonesian():
    assert "Cuti Bersama" in holiday_name(date(2026, 3, 23))
    assert holiday_name(date(2026, 3, 21)) == "Hari Raya Idul Fitri"
    assert not is_working_day(date(2026, 3, 23))
    assert is_working_day(date(2026, 3, 25))


def test_weekends_are_not_counted_and_the_start_day_never_is():
    friday = date(2026, 11, 20)
    assert add_working_days(friday, 1) == date(2026, 11, 23)
    assert add_working_days(friday, 0) == friday
    with pytest.raises(ValueError):
        add_working_days(friday, -1)


def test_across_the_new_year():
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_service_dates_from_submission_verification_and_follow_up():
    submitted = service_dates(date(2026, 3, 18))
    assert submitted.verify_by == date(2026, 3, 27)
    assert submitted.follow_up_by == date(2026, 4, 6)  # 3 April is Good Friday
    assert submitted.closes_on is None
    later = service_dates(
        date(2026, 3, 18), verified=date(2026, 3, 25), followed_up=date(2026, 3, 30)
    )
    assert later.follow_up_by == date(2026, 4, 1)
    assert later.closes_on == date(2026, 4, 14)


def test_dates_in_words():
    assert long_date(date(2026, 3, 27), "id") == "Jumat, 27 Maret 2026"
    assert long_date(date(2026, 3, 27), "en") == "Friday, 27 March 2026"
    assert long_date(date(2026, 4, 1), "id") == "Rabu, 1 April 2026"  # no "nol satu"
