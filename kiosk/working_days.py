"""Indonesian working days: Monday to Friday, minus national holidays and cuti bersama.

The calendar is the PyPI package `holidays` (country ID, categories `public` and
`government`: the second holds the cuti bersama that government offices close for), always
in Indonesian (`language="id"`). Years are loaded as they are asked for and kept.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

CATEGORIES = ("public", "government")


@cache
def _closed_days(year: int) -> dict[date, str]:
    calendar = holidays.country_holidays("ID", years=year, categories=CATEGORIES, language="id")
    return dict(calendar.items())


def holiday_name(day: date) -> str:
    """The holiday or cuti bersama on `day` in Indonesian, or "" on an ordinary day."""
    return _closed_days(day.year).get(day, "")


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not holiday_name(day)


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start` (`start` itself is never counted).

    3 working days after Wednesday 18 March 2026 (Nyepi and the Idul Fitri holidays and cuti
    bersama follow) is Friday 27 March 2026.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    while count:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day
