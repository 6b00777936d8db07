"""Indonesian number words both ways: said for speech, parsed from what a citizen said.

number_words(123)          -> "seratus dua puluh tiga"
digit_words("0812")        -> "nol delapan satu dua"
code_words("0001-508-816-3") -> "nol nol nol satu, lima nol delapan, delapan satu enam, tiga"
grouped_digits("081234567890") -> "nol delapan satu dua, tiga empat lima enam, tujuh ..."
date_words(date(2026, 11, 23)) -> "dua puluh tiga November dua ribu dua puluh enam"
time_words(time(13, 24))   -> "pukul tiga belas lewat dua puluh empat menit"

Digits, codes and dates have an English form too (`language="en"`): espeak-ng reads English
numbers well, but not a code or a phone number, which it reads as amounts.
"""

from __future__ import annotations

from datetime import date, time

UNITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
DIGITS_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (1000, "ribu"))
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
GROUP = 4
"""Digits said together before a pause: a phone number is said four by four."""


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


def digit_words(digits: str, language: str = "id") -> str:
    """Each digit on its own, as phone numbers and codes are read: "nol delapan satu dua"."""
    names = DIGITS_EN if language == "en" else UNITS
    return " ".join(names[int(char)] for char in digits if char.isdigit())


def code_words(code: str, language: str = "id") -> str:
    """A grouped code digit by digit, a pause (comma) between groups."""
    groups = code.replace(" ", "-").split("-")
    return ", ".join(digit_words(group, language) for group in groups if group)


def group_sizes(count: int) -> list[int]:
    """How `count` digits are said: four at a time, never one left on its own (5: 3 and 2)."""
    sizes = [GROUP] * (count // GROUP) + ([count % GROUP] if count % GROUP else [])
    if len(sizes) > 1 and sizes[-1] == 1:
        sizes[-2:] = [GROUP - 1, 2]
    return sizes


def grouped_digits(digits: str, language: str = "id") -> str:
    """Digits without groups of their own (a phone number, an id) said four by four, a pause
    between groups: "nol delapan satu dua, tiga empat lima enam, tujuh delapan sembilan nol"."""
    digits = "".join(char for char in digits if char.isdigit())
    groups, start = [], 0
    for size in group_sizes(len(digits)):
        groups.append(digits[start : start + size])
        start += size
    return code_words("-".join(groups), language)


def date_words(day: date, language: str = "id") -> str:
    """Day, month, year: in Indonesian all in words; in English the numbers are left to the
    voice, which says them well ("23 November 2026")."""
    if language == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"{number_words(day.day)} {MONTHS[day.month - 1]} {number_words(day.year)}"


def time_words(moment: time, language: str = "id") -> str:
    """ "pukul empat belas lewat lima menit"; on the hour "pukul sembilan tepat". In English
    for the English voice, which says numbers well: "at 14 oh 5" ("at 14:05" it would read
    "fourteen zero five"), on the hour "at 9 hundred"."""
    if language == "en":
        if moment.minute == 0:
            return f"at {moment.hour} hundred"
        minute = f"oh {moment.minute}" if moment.minute < 10 else str(moment.minute)
        return f"at {moment.hour} {minute}"
    hour = f"pukul {number_words(moment.hour)}"
    if moment.minute == 0:
        return f"{hour} tepat"
    return f"{hour} lewat {number_words(moment.minute)} menit"


# -- parsing what was said ------------------------------------------------------------------

_UNIT_VALUES = {word: value for value, word in enumerate(UNITS)} | {"kosong": 0}
_SE = {"sepuluh": 10, "sebelas": 11, "seratus": 100, "seribu": 1000, "sejuta": 10**6}
_TENS = {"belas": None, "puluh": 10, "ratus": 100}
_GROUPS = {"ribu": 1000, "juta": 10**6, "miliar": 10**9, "triliun": 10**12}


class NotANumber(ValueError):
    """The words are not (only) Indonesian number words."""


def _flush(numbers: list[str], total: int, current: int, started: bool) -> None:
    if started:
        numbers.append(str(total + current))


def parse_digits(spoken: str) -> str:
    """What a citizen said, as digits: "nol delapan satu dua" -> "0812", "dua belas" -> "12".

    Digit words one after another are separate digits (phone numbers and codes are said
    so); a number word with `belas`, `puluh`, `ratus`, `ribu`... makes one number
    ("nol delapan dua belas" -> "0812"). Raises NotANumber for any other word.
    """
    numbers: list[str] = []
    total = current = 0
    started = last_was_unit = False
    for word in spoken.lower().replace("-", " ").split():
        if word in _UNIT_VALUES:
            if last_was_unit or (started and current % 10):
                _flush(numbers, total, current, started)
                total = current = 0
            current += _UNIT_VALUES[word]
            started = last_was_unit = True
            continue
        last_was_unit = False
        if word in _SE:
            value = _SE[word]
            if value >= 1000:
                total += value
            else:
                current += value
        elif word == "belas":
            current += 10
        elif word in _TENS:
            unit = current % 10
            current = current - unit + unit * _TENS[word]
        elif word in _GROUPS:
            total += (current or 1) * _GROUPS[word]
            current = 0
        else:
            raise NotANumber(f"{word!r} is not a number word")
        started = True
    _flush(numbers, total, current, started)
    if not numbers:
        raise NotANumber("no number was said")
    return "".join(numbers)
