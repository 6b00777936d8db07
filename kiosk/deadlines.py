"""The date a citizen can hold LAPOR! or the agency to, as one sentence for the follow-up.

Which service level applies depends on where the report stands: waiting for LAPOR!'s
verification (3 working days from its submission), with the agency after verification
(5 working days), or answered by the agency (closed 10 working days after the latest answer
unless the citizen replies in LAPOR!); `kiosk/service_levels.py` has the policy. A date that
has passed is said plainly, with what the citizen can do. Finished, archived and refused
reports have none.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from kiosk.adapters.base import ComplaintStatus
from kiosk.date_words import long_date
from kiosk.i18n import text
from kiosk.service_levels import service_dates

AWAITING_VERIFICATION = "belum terverifikasi"
IN_PROGRESS = "dalam proses"
_LAPOR_TIME = re.compile(
    r"([0-9]{2})-([0-9]{2})-([0-9]{4})(?:[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?"
)
"""LAPOR!'s times: `d-m-Y H:i:s` (seconds, or the time, sometimes left out)."""


def lapor_moment(value: str) -> datetime | None:
    """A LAPOR! time (`27-03-2026 10:15:00`, WIB: the terminal's time), or None; a day
    without a time is its midnight."""
    found = _LAPOR_TIME.match(value.strip())
    if not found:
        return None
    day, month, year, hour, minute, second = (int(part or 0) for part in found.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def lapor_date(value: str) -> date | None:
    """The calendar day of a LAPOR! time, or None."""
    moment = lapor_moment(value)
    return moment.date() if moment else None


def _verified_on(status: ComplaintStatus) -> date | None:
    """The day the report left verification, from LAPOR!'s log."""
    for change in status.changes:
        if change.status_old.strip().lower() == AWAITING_VERIFICATION:
            return lapor_date(change.date)
    return None


def _answered_on(status: ComplaintStatus) -> date | None:
    """The day of the agency's latest answer, if it has answered."""
    days = [day for answer in status.followups if (day := lapor_date(answer.date))]
    return max(days, default=None)


def deadline_sentence(
    submitted: date, status: ComplaintStatus | None, today: date, language: str
) -> str:
    """What is due next and by when; "" when nothing is (finished, archived, refused)."""
    name = status.status_name.strip().lower() if status else AWAITING_VERIFICATION
    if name == AWAITING_VERIFICATION:
        due, key = service_dates(submitted).verify_by, "verify"
    elif name == IN_PROGRESS and status is not None and (answered := _answered_on(status)):
        due, key = service_dates(submitted, followed_up=answered).closes_on, "closes"
    elif name == IN_PROGRESS and status is not None:
        due = service_dates(submitted, verified=_verified_on(status)).follow_up_by
        key = "follow_up"
    else:
        return ""
    state = "due" if today <= due else "late"
    return text(f"deadline.{key}_{state}", language, date=long_date(due, language))
