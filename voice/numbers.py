"""Indonesian number words for speech: numbers, digit strings, codes, dates and times.

number_words(123)          -> "seratus dua puluh tiga"
digit_words("0812")        -> "nol delapan satu dua"
code_words("0001-508-816-3") -> "nol nol nol satu, lima nol delapan, delapan satu enam, tiga"
date_words(date(2026, 11, 23)) -> "dua puluh tiga November dua ribu dua puluh enam"
"""

from __future__ import annotations

from datetime import date, time

UNITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (1000, "ribu"))
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


def _below_thousand(value: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(value, 100)
    if hundreds:
        words.append("seratus" if hundreds == 1 else f"{UNITS[hundreds]} ratus")
    if rest >= 20:
        tens, unit = divmod(rest, 10)
        words.append(f"{UNITS[tens]} puluh")
        if unit:
            words.append(UNITS[unit])
    elif rest >= 12:
        words.append(f"{UNITS[rest - 10]} belas")
    elif rest == 11:
        words.append("sebelas")
    elif rest == 10:
        words.append("sepuluh")
    elif rest:
        words.append(UNITS[rest])
    return words


def number_words(value: int) -> str:
    """A whole number as it is said: 1000 "seribu", 2000 "dua ribu", 11 "sebelas"."""
    if value < 0:
        return "minus " + number_words(-value)
    if value == 0:
        return "nol"
    words: list[str] = []
    for scale, name in SCALES:
        count, value = divmod(value, scale)
        if count == 1 and scale == 1000:
            words.append("seribu")
        elif count:
            words += _below_thousand(count) if count < 1000 else [number_words(count)]
            words.append(name)
    words += _below_thousand(value)
    return " ".join(words)


def digit_words(digits: str) -> str:
    """Each digit on its own, as phone numbers and codes are read: "nol delapan satu dua"."""
    return " ".join(UNITS[int(char)] for char in digits if char.isdigit())


def code_words(code: str) -> str:
    """A grouped code digit by digit, a pause (comma) between groups."""
    return ", ".join(digit_words(group) for group in code.split("-") if group)


def date_words(day: date) -> str:
    return f"{number_words(day.day)} {MONTHS[day.month - 1]} {number_words(day.year)}"


def time_words(moment: time) -> str:
    """ "pukul empat belas lewat lima menit"; on the hour "pukul sembilan tepat"."""
    hour = f"pukul {number_words(moment.hour)}"
    if moment.minute == 0:
        return f"{hour} tepat"
    return f"{hour} lewat {number_words(moment.minute)} menit"
