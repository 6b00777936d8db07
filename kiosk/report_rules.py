"""The rules a report follows, with messages in both languages: one table of field rules, read
by `validate` and by the dialog's entry screens (kiosk/engine/screens.py) alike.

Limits (also in docs/REPORT.md):
- title 5-150 characters; content 20-5000; a category id is required;
- the place: with a Kemendagri place (`Report.place.code`) its detail (street, RT/RW,
  landmark) is optional, 3-200 characters when given; without one the location text is
  required, 3-200 characters;
- date of incident from 2000-01-01 up to today on the terminal's clock;
- reporter name 2-100 characters; phone an Indonesian number of 9-14 digits
  starting with 0 (``+62`` is accepted and rewritten); e-mail up to 254;
- typed at the kiosk (digits only on its keypad): the date as 8 digits, day month year, and
  the phone from its 0; their messages (`date_typed`, `phone_typed`) say what to type, never
  a sign a keypad does not have (`date_format` and `phone_invalid` are for `kiosk submit`);
- anonymous (LAPOR!'s *anonim*): the report is public, the reporter's identity is hidden
  from the public; it may still carry a name, phone or e-mail for follow-up. Secret
  (*rahasia*): the report is not public at all;
- up to 3 audio attachments of at most 10 MB each;
- no control characters anywhere, nor line or paragraph separators (line breaks and tabs
  only in the content).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from kiosk.i18n import LANGUAGES
from kiosk.report import Attachment, FieldError, Report, Reporter

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
_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
"""Line breaks other than `\\n` (CR LF, CR, NEL, line and paragraph separators)."""

_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_REFUSED_CATEGORIES = frozenset(("Cc", "Cs", "Co", "Cn", "Zl", "Zp"))
"""Control (NEL and the C1 set included), lone surrogate, private use, unassigned, and the
line and paragraph separators U+2028 and U+2029."""


def clean_text(value: str, multiline: bool = False) -> str:
    """NFC-normalised and stripped; every line break made `\\n` in multi-line text."""
    value = unicodedata.normalize("NFC", value).strip()
    return _LINE_BREAKS.sub("\n", value) if multiline else value


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


def typed_date(digits: str) -> date | None:
    """A date typed at the kiosk as `DDMMYYYY`; None when it is not a real calendar date."""
    try:
        return date(int(digits[4:8]), int(digits[2:4]), int(digits[0:2]))
    except ValueError:
        return None


# -- the field rules ----------------------------------------------------------------------
# Each has `clean` (the form a report stores) and `check` (the first rule a stored value
# breaks); those a citizen types at the kiosk also have `max_length` and `check_entry`.


@dataclass(frozen=True)
class TextRule:
    field: str
    minimum: int
    maximum: int
    multiline: bool = False
    """Line breaks and tabs allowed."""
    optional: bool = False
    """An empty value breaks no rule; `minimum` holds for a given one."""

    @property
    def max_length(self) -> int:
        return self.maximum

    def clean(self, raw: str) -> str:
        return clean_text(raw, self.multiline)

    def check(self, value: str) -> FieldError | None:
        """The first rule `value` breaks (control characters, too short, too long), if any."""
        if has_control_characters(value, self.multiline):
            return FieldError(self.field, "control_characters")
        if not value and self.optional:
            return None
        if len(value) < self.minimum:
            short = "too_short_optional" if self.optional else "too_short"
            key = short if value else "required"
            return FieldError(self.field, key, {"minimum": self.minimum, "length": len(value)})
        if len(value) > self.maximum:
            return FieldError(
                self.field, "too_long", {"maximum": self.maximum, "length": len(value)}
            )
        return None

    def check_entry(self, typed: str, today: date) -> FieldError | None:
        return self.check(self.clean(typed))


@dataclass(frozen=True)
class PhoneRule:
    """Optional: an empty number breaks no rule."""

    field: str
    max_length: int = 16
    """Typed with its spaces, dashes or `+62`."""

    def clean(self, raw: str) -> str:
        return normalize_phone(raw)

    def check(self, phone: str) -> FieldError | None:
        """`phone` as `clean` gives it."""
        if not phone or _PHONE.fullmatch(phone):
            return None
        return FieldError(self.field, "phone_invalid")

    def check_entry(self, typed: str, today: date) -> FieldError | None:
        """As typed at the kiosk: its message says what to type, with no `+62`."""
        if self.check(self.clean(typed)):
            return FieldError(self.field, "phone_typed")
        return None


@dataclass(frozen=True)
class EmailRule:
    """Optional: an empty address breaks no rule."""

    field: str
    maximum: int

    def clean(self, raw: str) -> str:
        return clean_text(raw).lower()

    def check(self, email: str) -> FieldError | None:
        if email and (
            len(email) > self.maximum
            or not _EMAIL.fullmatch(email)
            or has_control_characters(email)
        ):
            return FieldError(self.field, "email_invalid")
        return None


@dataclass(frozen=True)
class DateRule:
    field: str
    earliest: date
    max_length: int = 8
    """Typed as `DDMMYYYY`."""

    def check(self, value: date, today: date) -> FieldError | None:
        if value > today:
            return FieldError(self.field, "date_in_future")
        if value < self.earliest:
            earliest = self.earliest.strftime("%d-%m-%Y")
            return FieldError(self.field, "date_too_old", {"earliest": earliest})
        return None

    def check_entry(self, typed: str, today: date) -> FieldError | None:
        incident = typed_date(typed)
        if len(typed) != 8 or incident is None:  # the message says the order to type
            return FieldError(self.field, "date_typed")
        return self.check(incident, today)


TITLE = TextRule("title", 5, 150)
CONTENT = TextRule("content", 20, 5000, multiline=True)
LOCATION = TextRule("location", 3, 200)
"""The whole place as text, for a report without a Kemendagri place."""
LOCATION_DETAIL = TextRule("location_detail", 3, 200, optional=True)
"""The street, RT/RW or landmark of a report that has a Kemendagri place."""
DATE_OF_INCIDENT = DateRule("date_of_incident", EARLIEST_INCIDENT)
REPORTER_NAME = TextRule("reporter.name", 2, 100)
REPORTER_PHONE = PhoneRule("reporter.phone")
REPORTER_EMAIL = EmailRule("reporter.email", 254)


def location_rule(report: Report) -> TextRule:
    """The rule of the report's `location` text: a detail, optional, where the report has a
    Kemendagri place; else the place itself, required."""
    return LOCATION_DETAIL if report.place.code else LOCATION


def check_reporter(reporter: Reporter) -> list[FieldError]:
    """Each given part of the identity must be valid; an anonymous report may carry one too
    (anonymity hides it from the public, it does not forbid it)."""
    checks = [
        REPORTER_NAME.check(reporter.name) if reporter.name else None,
        REPORTER_PHONE.check(reporter.phone),
        REPORTER_EMAIL.check(reporter.email),
    ]
    return [error for error in checks if error]


def check_attachment_count(count: int) -> FieldError | None:
    if count > MAX_ATTACHMENTS:
        return FieldError("attachments", "too_many_attachments", {"maximum": MAX_ATTACHMENTS})
    return None


def check_attachment_size(name: str, size: int) -> FieldError | None:
    """Empty or too big: checked on a recording's bytes, and on a file's size before it is
    read (kiosk/attachment_files.py)."""
    if size == 0:
        return FieldError("attachments", "attachment_empty", {"name": name})
    if size > MAX_ATTACHMENT_BYTES:
        params = {"name": name, "maximum": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
        return FieldError("attachments", "attachment_too_big", params)
    return None


def check_attachments(attachments: tuple[Attachment, ...]) -> list[FieldError]:
    if too_many := check_attachment_count(len(attachments)):
        return [too_many]
    errors = []
    for attachment in attachments:
        if attachment.mime not in AUDIO_TYPES.values():
            errors.append(
                FieldError("attachments", "attachment_type", {"name": attachment.filename})
            )
        elif error := check_attachment_size(attachment.filename, len(attachment.data)):
            errors.append(error)
    return errors


def validate(report: Report, today: date | None = None) -> list[FieldError]:
    """Every rule the report breaks; an empty list means it may be stored."""
    today = today or date.today()
    checks = [
        TITLE.check(report.title),
        CONTENT.check(report.content),
        location_rule(report).check(report.location),
        DATE_OF_INCIDENT.check(report.date_of_incident, today),
    ]
    errors = [error for error in checks if error]
    if report.category_id is None:
        errors.append(FieldError("category", "required"))
    if report.language not in LANGUAGES:
        errors.append(FieldError("language", "language_unknown"))
    errors += check_reporter(report.reporter)
    if not report.is_anonymous and not report.reporter.is_empty() and not report.reporter.name:
        errors.append(FieldError("reporter.name", "required"))  # named, so never without one
    errors += check_attachments(report.attachments)
    return errors
