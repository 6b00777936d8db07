"""Dates and times written out the way people say them: "Jumat, 27 Maret 2026, pukul 13.24",
"Friday, 27 March 2026, at 13:24" (Babel's CLDR data). The voice (voice/pronounce.py) says
the numbers in them."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_time

from kiosk.i18n import text

_LOCALES = {"id": "id", "en": "en_GB"}
"""British English keeps the Indonesian order: "Friday, 27 March 2026"."""


PATTERN = "EEEE, d MMMM y"
"""Weekday, day without a leading zero (CLDR's Indonesian "full" has one: "01 April", which
a voice would read "nol satu"), month, year."""

TIME_PATTERN = "HH.mm"
"""Hours and minutes, 24-hour, as Indonesia writes them ("13.24"); in English "13:24"."""


def _locale(language: str) -> str:
    return _LOCALES.get(language, "id")


def long_date(day: date, language: str) -> str:
    return format_date(day, format=PATTERN, locale=_locale(language))


def clock_time(moment: datetime, language: str) -> str:
    """ "13.24" in Indonesian, "13:24" in English."""
    pattern = TIME_PATTERN if language != "en" else TIME_PATTERN.replace(".", ":")
    # A `time`, not the datetime: Babel would take a naive datetime for UTC.
    return format_time(moment.time(), format=pattern, locale=_locale(language))


def long_moment(moment: datetime, language: str) -> str:
    """ "Jumat, 27 Maret 2026, pukul 13.24"; "Friday, 27 March 2026, at 13:24"."""
    return text(
        "time.moment",
        language,
        date=long_date(moment.date(), language),
        time=clock_time(moment, language),
    )
