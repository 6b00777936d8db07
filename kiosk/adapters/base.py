"""What the forwarder and the follow-up need from a central complaint API, and its typed failures.

One adapter a central API (LAPOR! v3 now, Open311 later) implements
`ComplaintApi`. Failures are typed by what they mean for delivery, not by
HTTP details: only `NoAnswer` leaves it open whether a report was stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kiosk.report import Report


class ApiError(Exception):
    """Base of every failure of a central API call; the message never holds credentials."""


class Rejected(ApiError):
    """The API refused the request as invalid (4xx): retrying the same request will not help."""

    def __init__(self, status: int, reasons: list[str]) -> None:
        super().__init__(f"HTTP {status}: {'; '.join(reasons) or 'no reason given'}")
        self.status = status
        self.reasons = reasons


class Unauthorized(ApiError):
    """Credentials refused (401/403): a configuration problem, not the report's fault."""


class NotFound(ApiError):
    """The complaint asked for does not exist at the API."""


class Misconfigured(ApiError):
    """The call cannot be made as configured (bad base URL, unknown path): a technician's job."""


class Unavailable(ApiError):
    """The API did not take the request now: no connection, 408, 429, 503, or another 5xx.

    `maybe_processed` is True for a 5xx other than 503: the server answered with an error,
    but a gateway may answer so after the service behind it stored the request.
    """

    def __init__(
        self, message: str, retry_after_s: float | None = None, maybe_processed: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.maybe_processed = maybe_processed


class NoAnswer(ApiError):
    """The request was sent but no usable answer came: it may or may not have been processed."""


class MalformedAnswer(NoAnswer):
    """LAPOR! answered, but not in the expected shape; the reason is kept for staff.

    A `NoAnswer`: what the answer meant is not known, so an unreadable answer to a create
    leaves it open whether the complaint was stored (it is reconciled, never taken as
    delivered). `reason` names the call, the field and what came (made printable).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CreatedComplaint:
    complaint_id: str | None
    """LAPOR!'s id of the complaint. None only from `find_by_reference`: the complaint has
    arrived at LAPOR! (a search hit carries the kiosk reference) but its id is not known yet.
    A `create_complaint` result always holds an id."""
    tracking_id: str | None = None


@dataclass(frozen=True)
class StatusChange:
    date: str
    status_old: str
    status_new: str
    institution_from: str
    institution_to: str


@dataclass(frozen=True)
class FollowUp:
    date: str
    institution: str
    content: str


@dataclass(frozen=True)
class ComplaintStatus:
    complaint_id: str
    tracking_id: str | None
    status_name: str
    agency: str | None
    changes: list[StatusChange] = field(default_factory=list)
    followups: list[FollowUp] = field(default_factory=list)


REFERENCE_KINDS = ("institutions", "categories", "locations")


class ComplaintApi(Protocol):
    supports_reference_lookup: bool
    """Whether `find_by_reference` is available to reconcile an unanswered create."""

    def deadline_s(self, upload_bytes: int = 0) -> float:
        """Seconds one call may take at most, all included (an upload of `upload_bytes`)."""
        ...

    def upload_attachment(self, filename: str, mime: str, data: bytes) -> str:
        """Upload one file; return the API's id for it."""
        ...

    def create_complaint(
        self,
        report: Report,
        reference: str,
        attachment_ids: list[str],
        locations: Sequence[dict] = (),
    ) -> CreatedComplaint:
        """File the report; `reference` is the kiosk's own key, carried along for lookups.
        `locations`: the terminal's reference list of locations (synced or bundled), where the
        report's place finds its area."""
        ...

    def find_by_reference(self, reference: str) -> CreatedComplaint | None:
        """The complaint filed with this kiosk reference, if the API has it (its
        `complaint_id` may be None: arrived, id not known yet)."""
        ...

    def complaint_status(self, complaint_id: str) -> ComplaintStatus:
        """Where the complaint stands, with its history and the agencies' answers."""
        ...

    def reference_list(self, kind: str) -> list[dict]:
        """Agencies, categories or locations as `[{"id": ..., "name": ...}]`."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
