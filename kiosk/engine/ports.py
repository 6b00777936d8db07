"""What the dialog needs from outside it, in its own terms: the terminal (kiosk/terminal.py)
translates its store's and its follow-up's results into these, so that the engine imports no
outer layer (no store, outbox, adapters or follow-up). Beside its own modules and these ports
it imports only leaves that know nothing of the terminal: the report model and its rules
(kiosk/report.py, kiosk/report_rules.py), the texts (kiosk/i18n.py) and receipt codes
(kiosk/receipt.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from kiosk.report import Report


class SavingFailed(Exception):
    """The report could not be stored; the citizen's draft stays for another try."""


class FollowUpProblem(StrEnum):
    INVALID = "invalid"
    """Not a receipt code (its check digit is wrong)."""
    UNKNOWN = "unknown"
    """A receipt code, but of no report on this terminal."""


@dataclass(frozen=True)
class AgencyAnswer:
    """One follow-up an agency gave, as LAPOR! shows it."""

    date: str
    institution: str
    content: str


@dataclass(frozen=True)
class FollowUpResult:
    sentence: str
    """What to show and say first, in the citizen's language."""
    problem: FollowUpProblem | None = None
    """None when the report was found."""
    code: str = ""
    """The receipt code of the report found."""
    answers: tuple[AgencyAnswer, ...] = ()


class DialogServices(Protocol):
    def save_report(self, report: Report) -> str:
        """Store the report durably; return its receipt code. Raise `SavingFailed` on failure."""
        ...

    def track(self, code: str, language: str) -> FollowUpResult:
        """Where the report with this receipt code stands (online or from the cache)."""
        ...

    def reference(self, kind: str) -> list[dict]:
        """`categories` or `institutions`: `[{"id", "name", "name_en"?}]`."""
        ...

    def print_receipt(self, code: str, kind: str, language: str) -> str:
        """Print the receipt of a stored report; the catalog key of what happened, or ""."""
        ...

    def today(self) -> date:
        """The terminal's date (incident dates may not be later)."""
        ...
