"""Dates written out the way people say them: "Jumat, 27 Maret 2026" (Babel's CLDR data)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

_LOCALES = {"id": "id", "en": "en_GB"}
"""British English keeps the Indonesian order: "Friday, 27 March 2026"."""


PATTERN = "EEEE, d MMMM y"
"""Weekday, day without a leading zero (CLDR's Indonesian "full" has one: "01 April", which
a voice would read "nol satu"), month, year."""


def long_date(day: date, language: str) -> str:
    return format_date(day, format=PATTERN, locale=_LOCALES.get(language, "id"))
