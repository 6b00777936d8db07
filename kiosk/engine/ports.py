"""What the dialog needs from outside it, in its own terms: the terminal (kiosk/terminal.py)
translates its store's and its follow-up's results into these, so that the engine imports no
outer layer (no store, outbox, adapters or follow-up). Beside its own modules and these ports
it imports only leaves that know nothing of the terminal: the report model and its rules
(kiosk/report.py, kiosk/report_rules.py), the texts (kiosk/i18n.py) and receipt codes
(kiosk/receipt.py). The terminal's city and its offices come as the protocols below, which
kiosk/regions.py and kiosk/city_offices.py meet as they are."""

from __future__ import annotations

from collections.abc import Sequence
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


class Area(Protocol):
    """A kecamatan, or a kelurahan or desa (kiosk/regions.py's `Area` is one)."""

    @property
    def code(self) -> str:
        """Kemendagri's code: `32.73.02` (Coblong), `32.73.02.1004` (Dago)."""
        ...

    @property
    def name(self) -> str: ...

    @property
    def parts(self) -> Sequence[Area]:
        """A kecamatan's kelurahan and desa; none for a kelurahan."""
        ...


class City(Protocol):
    """The terminal's kota or kabupaten down to the kelurahan (kiosk/regions.py's `City`)."""

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str:
        """e.g. `Kota Bandung`."""
        ...

    @property
    def districts(self) -> Sequence[Area]:
        """Its kecamatan, each with its kelurahan."""
        ...

    def search_others(self, query: str) -> list[tuple[str, str]]:
        """Kota and kabupaten of the country whose name holds `query`: (code, name)."""
        ...


class Office(Protocol):
    """An office a report may go to (kiosk/city_offices.py's `Office`)."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


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

    def verification_due(self, language: str) -> str:
        """For a report stored today: the sentence with the date LAPOR! verifies it by."""
        ...

    def city(self) -> City | None:
        """The city the terminal serves; None when its region data cannot be read."""
        ...

    def offices(self, place_code: str) -> Sequence[Office]:
        """The offices a report from this kecamatan or kelurahan of the city may go to, the
        nearest first (kelurahan, kecamatan, then the city's agencies); none without a city
        file."""
        ...

    def suggested_office(self, category_id: int | None, place_code: str) -> Office | None:
        """The office the city's routing table names for this category and place, if any."""
        ...
