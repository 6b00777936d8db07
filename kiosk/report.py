"""The report a citizen files, its limits, and validation with messages in both languages.

Limits (also in docs/REPORT.md):
- title 5-150 characters; content 20-5000; location 3-200; a category id is required;
- date of incident from 2000-01-01 up to today on the terminal's clock;
- reporter name 2-100 characters; phone an Indonesian number of 9-14 digits
  starting with 0 (``+62`` is accepted and rewritten); e-mail up to 254;
- anonymous (LAPOR!'s *anonim*): the report is public, the reporter's identity is hidden
  from the public; it may still carry a name, phone or e-mail for follow-up. Secret
  (*rahasia*): the report is not public at all;
- up to 3 audio attachments of at most 10 MB each;
- no control characters anywhere, nor line or paragraph separators (line breaks and tabs
  only in the content).

Reading reports from a file (`kiosk submit`) is `kiosk/intake.py`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from kiosk.i18n import LANGUAGES, text

TITLE_LIMITS = (5, 150)
CONTENT_LIMITS = (20, 5000)
LOCATION_LIMITS = (3, 200)
NAME_LIMITS = (2, 100)
EMAIL_MAX = 254
EARLIEST_INCIDENT = date(2000, 1, 1)
MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
AUDIO_TYPES = {
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".oga": "audio/ogg",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
}

_PHONE = re.compile(r"0[1-9][0-9]{7,12}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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
class Report:
    classification: Classification
    title: str
    content: str
    date_of_incident: date
    location: str = ""
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


_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
"""Line breaks other than `\\n` (CR LF, CR, NEL, line and paragraph separators)."""


def clean_text(value: str, multiline: bool = False) -> str:
    """NFC-normalised and stripped; every line break made `\\n` in multi-line text."""
    value = unicodedata.normalize("NFC", value).strip()
    return _LINE_BREAKS.sub("\n", value) if multiline else value


_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


_REFUSED_CATEGORIES = frozenset(("Cc", "Cs", "Co", "Cn", "Zl", "Zp"))
"""Control (NEL and the C1 set included), lone surrogate, private use, unassigned, and the
line and paragraph separators U+2028 and U+2029."""


def has_control_characters(value: str, multiline: bool = False) -> bool:
    """Control, surrogate, private-use, unassigned, line/paragraph-separator and bidi-control
    characters; `multiline` allows `\\n` and tabs.

    Other format characters (the zero-width joiner inside emoji) are allowed.
    """
    allowed = {"\n", "\t"} if multiline else set()
    return any(
        char not in allowed
        and (unicodedata.category(char) in _REFUSED_CATEGORIES or char in _BIDI_CONTROLS)
        for char in value
    )


def normalize_phone(raw: str) -> str:
    """`+62 812-3456-7890` -> `081234567890`; the result may still be invalid."""
    digits = re.sub(r"[\s\-.()]", "", raw)
    if digits.startswith("+62"):
        digits = "0" + digits[3:]
    elif digits.startswith("62") and len(digits) > 10:
        digits = "0" + digits[2:]
    return digits


def check_text(
    name: str, value: str, limits: tuple[int, int], multiline: bool = False
) -> FieldError | None:
    """The first rule `value` breaks (control characters, too short, too long), if any."""
    low, high = limits
    if has_control_characters(value, multiline):
        return FieldError(name, "control_characters")
    if len(value) < low:
        key = "required" if not value else "too_short"
        return FieldError(name, key, {"minimum": low, "length": len(value)})
    if len(value) > high:
        return FieldError(name, "too_long", {"maximum": high, "length": len(value)})
    return None


def check_date(value: date, today: date) -> FieldError | None:
    if value > today:
        return FieldError("date_of_incident", "date_in_future")
    if value < EARLIEST_INCIDENT:
        return FieldError("date_of_incident", "date_too_old", {"earliest": "01-01-2000"})
    return None


def check_phone(phone: str) -> FieldError | None:
    """`phone` must already be normalised (`normalize_phone`)."""
    return None if _PHONE.fullmatch(phone) else FieldError("reporter.phone", "phone_invalid")


def check_reporter(reporter: Reporter) -> list[FieldError]:
    """Each given part of the identity must be valid; an anonymous report may carry one too
    (anonymity hides it from the public, it does not forbid it)."""
    errors = []
    if reporter.name and (error := check_text("reporter.name", reporter.name, NAME_LIMITS)):
        errors.append(error)
    if reporter.phone and (error := check_phone(reporter.phone)):
        errors.append(error)
    email = reporter.email
    if email and (
        len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email) or has_control_characters(email)
    ):
        errors.append(FieldError("reporter.email", "email_invalid"))
    return errors


def check_attachments(attachments: tuple[Attachment, ...]) -> list[FieldError]:
    if len(attachments) > MAX_ATTACHMENTS:
        return [FieldError("attachments", "too_many_attachments", {"maximum": MAX_ATTACHMENTS})]
    errors = []
    for attachment in attachments:
        if attachment.mime not in AUDIO_TYPES.values():
            errors.append(
                FieldError("attachments", "attachment_type", {"name": attachment.filename})
            )
        elif not attachment.data:
            errors.append(
                FieldError("attachments", "attachment_empty", {"name": attachment.filename})
            )
        elif len(attachment.data) > MAX_ATTACHMENT_BYTES:
            megabytes = MAX_ATTACHMENT_BYTES // (1024 * 1024)
            params = {"name": attachment.filename, "maximum": megabytes}
            errors.append(FieldError("attachments", "attachment_too_big", params))
    return errors


def validate(report: Report, today: date | None = None) -> list[FieldError]:
    """Every rule the report breaks; an empty list means it may be stored."""
    today = today or date.today()
    checks = [
        check_text("title", report.title, TITLE_LIMITS),
        check_text("content", report.content, CONTENT_LIMITS, multiline=True),
        check_text("location", report.location, LOCATION_LIMITS),
        check_date(report.date_of_incident, today),
    ]
    errors = [error for error in checks if error]
    if report.category_id is None:
        errors.append(FieldError("category", "required"))
    if report.language not in LANGUAGES:
        errors.append(FieldError("language", "language_unknown"))
    errors += check_reporter(report.reporter)
    errors += check_attachments(report.attachments)
    return errors
