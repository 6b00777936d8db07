"""Simulator time.

LAPOR! is run from Jakarta, so the simulator stamps everything in Western Indonesian Time
and prints dates the way the API does (`d-m-Y H:i:s`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

# ASSUMED: LAPOR! reports its dates in WIB (UTC+7) without a zone marker.
WIB = timezone(timedelta(hours=7), "WIB")
# Indonesia's easternmost zone (UTC+9): a kiosk there is already on "tomorrow" before Jakarta.
WIT = timezone(timedelta(hours=9), "WIT")


def now() -> datetime:
    """The current moment in WIB."""
    return datetime.now(WIB)


def lapor_format(moment: datetime) -> str:
    """Format a moment as LAPOR! does, e.g. `25-11-2026 14:03:00`."""
    return moment.astimezone(WIB).strftime("%d-%m-%Y %H:%M:%S")


def latest_incident_date() -> date:
    """The latest `date_of_incident` that is not in the future anywhere in Indonesia."""
    # ASSUMED: "not in the future" is judged generously (WIT), so no kiosk's local date is refused.
    return datetime.now(WIT).date()
