"""Text made speakable: pronunciation overrides, and numbers, codes, dates and times said the
way each language says them.

The kiosk writes numbers as the screen shows them and this module says them (before espeak-ng):
- a receipt code `0001-508-816-3`, a phone number `0812 3456 7890` (or typed `081234567890`),
  an example of what to type `20 11 2026`, any number with a leading zero or of seven digits
  or more: digit by digit, a pause (comma) between groups;
- a date `20-11-2026` (or `2026-11-20`): day, month and year in words;
- a time `pukul 13.24`, `13:24`, LAPOR!'s `27-03-2026 10:15:00`: "pukul tiga belas lewat dua
  puluh empat menit"; in English "at 13 24";
- any other number as a number: "langkah dua dari enam", `1.000` "seribu" (English: left to
  the English voice, which says numbers well).
The overrides (`pronunciations.toml`) are Indonesian spellings, for Indonesian speech only.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from datetime import date, time
from functools import cache
from importlib import resources

from voice.numbers import (
    code_words,
    date_words,
    grouped_digits,
    number_words,
    time_words,
)

_CODE = re.compile(r"\b\d{4}-\d{3}-\d{3}-\d\b")
"""A receipt code, as printed."""
_TIME = r"([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?"
_LAPOR_MOMENT = re.compile(r"\b(\d{2})-(\d{2})-(\d{4}),? (?:pukul |at )?" + _TIME + r"\b")
"""LAPOR!'s `d-m-Y H:i:s` (seconds are not said)."""
_DATE = re.compile(r"\b(\d{2})-(\d{2})-(\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_CLOCK = re.compile(r"(?:\b(?:pukul|at) )?\b" + _TIME + r"\b")
_DOTTED_CLOCK = re.compile(r"\bpukul ([01]?\d|2[0-3])\.([0-5]\d)\b")
"""The Indonesian way to write a time ("pukul 13.24"); a dot alone may be a thousands mark."""
_PHONE = re.compile(r"(?<![\d-])0\d{2,4}(?:[ -]\d{3,4}){1,3}(?![\d-])")
"""A phone number written in groups: `0812 3456 7890`, `0812-3456-7890`."""
_TYPED_DATE = re.compile(r"(?<![\d-])\d{2} \d{2} \d{4}(?![\d-])")
"""A date as it is typed, in groups: `20 11 2026` (what to press, so said digit by digit)."""
_LONG_DIGITS = re.compile(r"(?<![.,])\b0\d+\b|\b\d{7,}\b")
"""A number with a leading zero, or a long one: phone numbers and ids, read digit by digit."""
_THOUSANDS = re.compile(r"\b\d{1,3}(?:\.\d{3})+\b")
"""An Indonesian number with thousands marks: `1.000` is "seribu"."""
_NUMBER = re.compile(r"\b\d+\b")


@cache
def overrides() -> dict[str, str]:
    raw = resources.files("voice").joinpath("pronunciations.toml").read_text("utf-8")
    return tomllib.loads(raw)


@cache
def _overrides_pattern() -> re.Pattern[str]:
    words = sorted(overrides(), key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)")


def _day(year: str, month: str, day: str, language: str) -> str | None:
    try:
        return date_words(date(int(year), int(month), int(day)), language)
    except ValueError:
        return None


def _moment(match: re.Match[str], language: str) -> str:
    day = _day(match[3], match[2], match[1], language)
    if day is None:
        return match[0]
    return f"{day}, {time_words(time(int(match[4]), int(match[5])), language)}"


def _date(match: re.Match[str], language: str) -> str:
    return _day(match[3], match[2], match[1], language) or match[0]


def _iso_date(match: re.Match[str], language: str) -> str:
    return _day(match[1], match[2], match[3], language) or match[0]


def _clock(match: re.Match[str], language: str) -> str:
    return time_words(time(int(match[1]), int(match[2])), language)


_SAID_THE_SAME: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], str], str]], ...] = (
    (_CODE, lambda match, language: code_words(match[0], language)),
    (_LAPOR_MOMENT, _moment),
    (_DATE, _date),
    (_ISO_DATE, _iso_date),
    (_DOTTED_CLOCK, _clock),
    (_CLOCK, _clock),
    (_PHONE, lambda match, language: code_words(match[0], language)),
    (_TYPED_DATE, lambda match, language: code_words(match[0], language)),
    (_LONG_DIGITS, lambda match, language: grouped_digits(match[0], language)),
)
"""In this order: a code before the date inside it, a date and time before the time alone, the
groups before the plain digits."""


def speakable(text: str, language: str = "id") -> str:
    """What espeak-ng should read for `text` in `language` (Indonesian when not English)."""
    if language != "en":
        text = _overrides_pattern().sub(lambda match: overrides()[match[1]], text)
        text = _THOUSANDS.sub(lambda match: number_words(int(match[0].replace(".", ""))), text)
    for pattern, said in _SAID_THE_SAME:
        text = pattern.sub(lambda match, said=said: said(match, language), text)
    if language == "en":
        return text  # the English voice says the remaining numbers well
    return _NUMBER.sub(lambda match: number_words(int(match[0])), text)
