"""LAPOR!'s service levels as dates a citizen can hold an office to.

Policy as LAPOR! publishes it (it may change; see docs/LAPOR_API.md): a report is verified
within 3 working days of its submission, the agency it is sent to follows it up within 5
working days of that, and a report whose follow-up gets no reply from the citizen is closed
after 10 working days. ASSUMED: the 5 days run from the verification when its date is known,
else from the last day verification was due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.working_days import add_working_days

VERIFY_DAYS = 3
FOLLOW_UP_DAYS = 5
CLOSE_AFTER_DAYS = 10


@dataclass(frozen=True)
class ServiceDates:
    verify_by: date
    """The last day LAPOR! may take to verify the report."""
    follow_up_by: date
    """The last day the agency may take to follow it up."""
    closes_on: date | None = None
    """When a follow-up is unanswered, the day the report is closed; None before a follow-up."""


def service_dates(
    submitted: date, verified: date | None = None, followed_up: date | None = None
) -> ServiceDates:
    verify_by = add_working_days(submitted, VERIFY_DAYS)
    return ServiceDates(
        verify_by=verify_by,
        follow_up_by=add_working_days(verified or verify_by, FOLLOW_UP_DAYS),
        closes_on=add_working_days(followed_up, CLOSE_AFTER_DAYS) if followed_up else None,
    )
