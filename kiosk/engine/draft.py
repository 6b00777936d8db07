"""The report while the citizen fills it in: plain values, turned into a `Report` at the end
(and the receipt code typed to follow a report up).

A draft holds personal data; the dialog drops it (a new `Draft`) the moment the
report is stored, the citizen cancels, or the session times out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from kiosk.report import Attachment, Classification, Place, Report, Reporter
from kiosk.report_rules import (
    CONTENT,
    LOCATION,
    REPORTER_NAME,
    REPORTER_PHONE,
    TITLE,
    typed_date,
)


@dataclass(frozen=True)
class SpokenPart:
    """Something the citizen of an audio session said into the microphone."""

    attachment: Attachment
    """The recording, as it goes to LAPOR!."""
    seconds: float
    transcript: str = ""
    """What a recogniser heard in it, empty without one."""
    problem: str = ""
    """Catalog key of what its check found wrong (`recording.too_quiet`), empty when fine."""
    sent_anyway: bool = False
    """The citizen chose to send it despite `problem`."""

    @property
    def usable(self) -> bool:
        """It may go into the report: it passed its checks, or the citizen said to send it."""
        return not self.problem or self.sent_anyway


OUTSIDE = "outside"
"""The kecamatan chosen when the place is outside the terminal's city."""
KELURAHAN_UNKNOWN = "unknown"
"""The kelurahan chosen by a citizen who does not know it: the place is the kecamatan."""


@dataclass
class Draft:
    audio: bool = False
    """An audio session (keypad and speech): the complaint is recorded, not typed."""
    classification: str = ""
    category_id: int | None = None
    institution_id: int | None = None
    title: str = ""
    content: str = ""
    date_choice: str = ""
    """`today`, `yesterday` or `other_date`."""
    date_typed: str = ""
    """Eight digits DDMMYYYY when `date_choice` is `other_date`."""
    city_known: bool = False
    """The terminal knows its city's kecamatan and kelurahan: the place is chosen from them
    (else it is only typed, as the location)."""
    kecamatan: str = ""
    """The chosen kecamatan's code (`32.73.02`), or `outside` the terminal's city."""
    kelurahan: str = ""
    """The chosen kelurahan's code (`32.73.02.1004`), or `unknown`."""
    other_city_query: str = ""
    """The name typed of a kota or kabupaten elsewhere."""
    other_city_matches: tuple[tuple[str, str], ...] = ()
    """The kota and kabupaten that name found: (code, name)."""
    other_city: str = ""
    """The code of the kota or kabupaten elsewhere, once one is taken."""
    location: str = ""
    """The place's detail (street, RT/RW, landmark); the whole place without `city_known`."""
    identity: str = ""
    """`named` or `anonymous`."""
    name: str = ""
    phone: str = ""
    privacy: str = ""
    """`public` or `secret`."""
    recordings: dict[str, SpokenPart] = field(default_factory=dict)
    """An audio session's recordings, by file name (the complaint, the place's detail)."""
    answered: set[str] = field(default_factory=set)
    """Screens the citizen has answered (a skipped agency is answered too)."""
    track_code: str = ""
    """The receipt code typed to follow a report up (not part of the report)."""

    @property
    def is_anonymous(self) -> bool:
        return self.identity == "anonymous"

    def incident_date(self, today: date) -> date | None:
        """The chosen date; None when a typed date is not a real calendar date."""
        if self.date_choice == "today":
            return today
        if self.date_choice == "yesterday":
            return today - timedelta(days=1)
        return typed_date(self.date_typed)

    @property
    def outside(self) -> bool:
        """The place is outside the terminal's city."""
        return self.kecamatan == OUTSIDE

    def to_report(self, language: str, today: date, place: Place | None = None) -> Report:
        """`place`: the chosen place with its names (kiosk/engine/places.py)."""
        reporter = Reporter()
        if not self.is_anonymous:
            reporter = Reporter(REPORTER_NAME.clean(self.name), REPORTER_PHONE.clean(self.phone))
        return Report(
            classification=Classification(self.classification),
            title=TITLE.clean(self.title),
            content=CONTENT.clean(self.content),
            date_of_incident=self.incident_date(today) or today,
            location=LOCATION.clean(self.location),
            place=place or Place(),
            category_id=self.category_id,
            institution_id=self.institution_id,
            is_anonymous=self.is_anonymous,
            is_secret=self.privacy == "secret",
            reporter=reporter,
            attachments=tuple(part.attachment for part in self.recordings.values()),
            language=language,
        )
