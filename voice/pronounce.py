"""Text made speakable: pronunciation overrides, numbers and codes said the Indonesian way."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import cache
from importlib import resources

from voice.numbers import code_words, date_words, digit_words, number_words

_CODE = re.compile(r"\b\d{4}-\d{3}-\d{3}-\d\b")
_DATE = re.compile(r"\b(\d{2})-(\d{2})-(\d{4})\b")
_LONG_DIGITS = re.compile(r"\b0\d{5,}\b|\b\d{7,}\b")
"""Phone numbers and ids: read digit by digit."""
_NUMBER = re.compile(r"\b\d+\b")


@cache
def overrides() -> dict[str, str]:
    raw = resources.files("voice").joinpath("pronunciations.toml").read_text("utf-8")
    return tomllib.loads(raw)


@cache
def _overrides_pattern() -> re.Pattern[str]:
    words = sorted(overrides(), key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)")


def _date(match: re.Match[str]) -> str:
    try:
        return date_words(date(int(match[3]), int(match[2]), int(match[1])))
    except ValueError:
        return match[0]


def speakable(text: str) -> str:
    """What espeak-ng should read for `text` (Indonesian sessions)."""
    text = _overrides_pattern().sub(lambda match: overrides()[match[1]], text)
    text = _CODE.sub(lambda match: code_words(match[0]), text)
    text = _DATE.sub(_date, text)
    text = _LONG_DIGITS.sub(lambda match: digit_words(match[0]), text)
    return _NUMBER.sub(lambda match: number_words(int(match[0])), text)
