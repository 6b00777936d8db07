"""Indonesian number words, the way a person at a service counter says them."""

from datetime import date, time

import pytest

from voice.numbers import (
    code_words,
    date_words,
    digit_words,
    group_sizes,
    grouped_digits,
    number_words,
    time_words,
)


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


def test_english_digits_codes_dates_times():
    """For the English voice, which says a plain number well but reads a code as an amount."""
    assert digit_words("0812", "en") == "zero eight one two"
    assert code_words("0003-508-816-3", "en") == (
        "zero zero zero three, five zero eight, eight one six, three"
    )
    assert date_words(date(2026, 11, 23), "en") == "23 November 2026"
    assert time_words(time(14, 5), "en") == "at 14 oh 5"
    assert time_words(time(13, 24), "en") == "at 13 24"
    assert time_words(time(9, 0), "en") == "at 9 hundred"


@pytest.mark.parametrize(
    ("count", "sizes"),
    [(3, [3]), (4, [4]), (5, [3, 2]), (7, [4, 3]), (9, [4, 3, 2]), (10, [4, 4, 2]),
     (12, [4, 4, 4]), (13, [4, 4, 3, 2]), (14, [4, 4, 4, 2])],
)  # fmt: skip
def test_digits_are_said_four_by_four_never_one_alone(count, sizes):
    assert group_sizes(count) == sizes


def test_grouped_digits():
    assert grouped_digits("081234567890") == (
        "nol delapan satu dua, tiga empat lima enam, tujuh delapan sembilan nol"
    )
    assert grouped_digits("0812 3456 789", "en") == (
        "zero eight one two, three four five six, seven eight nine"
    )


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
