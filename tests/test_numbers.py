"""Indonesian number words, the way a person at a service counter says them."""

from datetime import date, time

import pytest

from voice.numbers import code_words, date_words, digit_words, number_words, time_words


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0, "nol"),
        (7, "tujuh"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (23, "dua puluh tiga"),
        (100, "seratus"),
        (101, "seratus satu"),
        (123, "seratus dua puluh tiga"),
        (999, "sembilan ratus sembilan puluh sembilan"),
        (1000, "seribu"),
        (1011, "seribu sebelas"),
        (2026, "dua ribu dua puluh enam"),
        (11000, "sebelas ribu"),
        (100000, "seratus ribu"),
        (1000000, "satu juta"),
        (2500000, "dua juta lima ratus ribu"),
        (1000000000, "satu miliar"),
        (-5, "minus lima"),
    ],
)
def test_number_words(value, words):
    assert number_words(value) == words


def test_digits_codes_dates_times():
    assert digit_words("0812") == "nol delapan satu dua"
    assert code_words("0003-508-816-3") == (
        "nol nol nol tiga, lima nol delapan, delapan satu enam, tiga"
    )
    assert date_words(date(2026, 11, 23)) == "dua puluh tiga November dua ribu dua puluh enam"
    assert date_words(date(2026, 1, 1)) == "satu Januari dua ribu dua puluh enam"
    assert time_words(time(14, 5)) == "pukul empat belas lewat lima menit"
    assert time_words(time(9, 0)) == "pukul sembilan tepat"


@pytest.mark.parametrize(
    ("spoken", "digits"),
    [
        ("nol delapan satu dua", "0812"),
        ("kosong delapan satu dua", "0812"),
        ("dua belas", "12"),
        ("sebelas", "11"),
        ("seratus dua puluh tiga", "123"),
        ("dua ribu dua puluh enam", "2026"),
        ("seribu sebelas", "1011"),
        ("nol delapan dua belas tiga empat", "081234"),
        ("dua puluh tiga", "23"),
        ("dua tiga", "23"),
        ("sembilan ratus sembilan puluh sembilan", "999"),
        ("satu juta", "1000000"),
    ],
)
def test_parse_what_was_said(spoken, digits):
    from voice.numbers import parse_digits

    assert parse_digits(spoken) == digits


@pytest.mark.parametrize("value", [0, 7, 11, 12, 19, 20, 99, 100, 101, 999, 1000, 2026, 12345])
def test_said_and_parsed_back(value):
    from voice.numbers import parse_digits

    assert parse_digits(number_words(value)) == str(value)


def test_not_a_number():
    from voice.numbers import NotANumber, parse_digits

    with pytest.raises(NotANumber):
        parse_digits("tiga kucing")
    with pytest.raises(NotANumber):
        parse_digits("")
