"""Adapter for the SP4N-LAPOR! integration API v3.

There is no public official specification (see docs/LAPOR_API.md): every
field name, id and answer shape below was inferred from public integration
code. Each guess is marked ``ASSUMED`` so that confirming the official spec
touches this file only.

Credentials travel in two headers on every call (`auth: Bearer <key>` and
`token: <guid>`); they are never logged and never appear in an error message.
"""

from __future__ import annotations

import email.utils
import ssl
import time
from collections.abc import Iterator
from typing import Any

import requests
import urllib3.exceptions

from kiosk.adapters.base import (
    ComplaintStatus,
    CreatedComplaint,
    FollowUp,
    Misconfigured,
    NoAnswer,
    NotFound,
    Rejected,
    StatusChange,
    Unauthorized,
    Unavailable,
)
from kiosk.config import LaporConfig
from kiosk.report import Classification, Report

# ASSUMED: numeric classification ids of LAPOR! V3 (names are known, ids are not).
CLASSIFICATION_IDS = {
    Classification.PENGADUAN: 1,
    Classification.ASPIRASI: 2,
    Classification.PERMINTAAN_INFORMASI: 3,
}

REFERENCE_PATHS = {
    "institutions": "/masters/institutions/external",
    "categories": "/masters/categories",  # ASSUMED path
    "locations": "/masters/locations",  # ASSUMED path
}

# ASSUMED: no public spec confirms a search by reference; see docs/LAPOR_API.md.
SEARCH_PATH = "/complaints/search"

_CONNECT_TIMEOUT_S = 5.0
_MAX_FOLLOWUP_PAGES = 20
MAX_RETRY_AFTER_S = 3600.0
"""A `Retry-After` longer than this is read as this: a report never waits for days."""


def reference_footer(reference: str, terminal: str) -> str:
    """The line appended to the content so that staff and lookups can find the kiosk reference."""
    return f"Ref: {reference} (kiosk {terminal})"


def create_payload(
    report: Report,
    reference: str,
    attachment_ids: list[str],
    config: LaporConfig,
    terminal: str,
) -> dict[str, Any]:
    """The JSON body of `POST /complaints/complaint` for this report."""
    content = report.content
    if report.location:
        content += f"\n\nLokasi: {report.location}"
    content += "\n\n" + reference_footer(reference, terminal)
    person = report.reporter
    payload: dict[str, Any] = {
        "title": report.title,
        "content": content,
        "channel": config.channel_id,
        "classification_id": CLASSIFICATION_IDS[report.classification],
        "category_id": report.category_id,
        "disposition_id": report.institution_id,
        "location_id": None,  # the kiosk sends the place as text in the content
        "date_of_incident": report.date_of_incident.isoformat(),  # ASSUMED format Y-m-d
        "tags_raw": f"{config.tags} #{reference}".strip(),
        "is_anonymous": report.is_anonymous,
        "is_secret": report.is_secret,
        "attachments": "[" + ", ".join(attachment_ids) + "]",
        "is_new_user_slider": not report.is_anonymous and not person.is_empty(),
    }
    if payload["is_new_user_slider"]:
        payload |= {"nameUser": person.name, "emailUser": person.email, "phoneUser": person.phone}
    return payload


def _retry_after(response: requests.Response) -> float | None:
    """Seconds from `Retry-After` (seconds or an HTTP date); None when absent or unreadable."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER_S)


def _reasons(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return []
    errors = body.get("errors")
    if isinstance(errors, dict):
        return [f"{name}: {'; '.join(map(str, items))}" for name, items in errors.items()]
    return [str(body["message"])] if body.get("message") else []


def _causes(error: BaseException) -> Iterator[object]:
    """`error` and what it wraps (requests and urllib3 nest their errors in args and reason)."""
    seen: list[object] = []
    pending: list[object] = [error]
    while pending:
        current = pending.pop()
        if current is None or any(current is known for known in seen):
            continue
        seen.append(current)
        yield current
        if isinstance(current, BaseException):
            pending += [*current.args, current.__cause__, current.__context__]
        pending.append(getattr(current, "reason", None))


def _was_not_sent(error: requests.exceptions.ConnectionError) -> bool:
    """True when the request cannot have left: refused, unresolvable, or a refused certificate.

    Any other TLS failure may come after the request was sent, so it is not counted here.
    """
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    before_sending = (
        urllib3.exceptions.NewConnectionError,
        urllib3.exceptions.NameResolutionError,
        ssl.SSLCertVerificationError,
    )
    return any(isinstance(cause, before_sending) for cause in _causes(error))


class LaporV3Client:
    """A `ComplaintApi` over HTTPS, one keep-alive session per forwarder."""

    def __init__(self, config: LaporConfig, terminal: str) -> None:
        self.config = config
        self.terminal = terminal
        self.supports_reference_lookup = config.reference_lookup
        self._session = requests.Session()
        self._session.verify = config.verify_tls
        # Read proxy settings once, not on every call (requests scans the environment each time).
        self._session.proxies = requests.utils.get_environ_proxies(config.base_url)
        self._session.trust_env = False
        self._session.headers.update(
            {
                config.auth_header: f"Bearer {config.auth_key.reveal()}",
                "token": config.token.reveal(),
                "Accept": "application/json",
                "User-Agent": "lapor-kiosk/0.1",
            }
        )

    def close(self) -> None:
        self._session.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        url = self.config.base_url.rstrip("/") + path
        timeout = (min(_CONNECT_TIMEOUT_S, self.config.timeout_s), self.config.timeout_s)
        try:
            response = self._session.request(method, url, timeout=timeout, **kwargs)
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
            requests.exceptions.InvalidHeader,
        ) as error:
            raise Misconfigured(f"{method} {path}: {type(error).__name__}") from None
        except requests.exceptions.ConnectionError as error:
            if _was_not_sent(error):
                raise Unavailable(
                    f"{method} {path}: cannot connect ({type(error).__name__})"
                ) from None
            raise NoAnswer(f"{method} {path}: connection lost before an answer") from None
        except requests.exceptions.RequestException as error:
            raise NoAnswer(f"{method} {path}: no answer ({type(error).__name__})") from None
        return self._decode(method, path, response)

    def _decode(self, method: str, path: str, response: requests.Response) -> Any:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        if status in (401, 403):
            raise Unauthorized(f"{method} {path}: credentials refused (HTTP {status})")
        if status == 404:
            raise NotFound(f"{method} {path}: not found")
        if status in (408, 429, 503):
            raise Unavailable(f"{method} {path}: HTTP {status}", _retry_after(response))
        if status >= 500:
            message = f"{method} {path}: HTTP {status}"
            raise Unavailable(message, _retry_after(response), maybe_processed=True)
        if status >= 400:
            raise Rejected(status, _reasons(body))
        if not isinstance(body, dict) or body.get("success") is False:
            raise NoAnswer(f"{method} {path}: HTTP {status} without a usable JSON answer")
        return body

    def upload_attachment(self, filename: str, mime: str, data: bytes) -> str:
        files = [("attachments[]", (filename, data, mime))]
        try:
            body = self._call("POST", "/complaints/complaint/file", files=files)
        except NoAnswer as error:  # an orphan upload is harmless: upload again
            raise Unavailable(str(error)) from None
        try:
            return str(body["results"]["docs"][0]["id"])
        except (KeyError, IndexError, TypeError):
            raise Unavailable("upload answer without a document id") from None

    def create_complaint(
        self, report: Report, reference: str, attachment_ids: list[str]
    ) -> CreatedComplaint:
        payload = create_payload(report, reference, attachment_ids, self.config, self.terminal)
        body = self._call("POST", "/complaints/complaint", json=payload)
        created = _created(body)
        if created is None:
            raise NoAnswer("create answered without a complaint_id")
        return created

    def find_by_reference(self, reference: str) -> CreatedComplaint | None:
        """The complaint carrying `reference`; a hit counts only if it really carries it."""
        body = self._call("GET", SEARCH_PATH, params={"reference": reference})
        for item in body.get("results", {}).get("data", []):
            if not isinstance(item, dict) or not _carries(item, reference):
                continue
            if (created := _created(item)) is not None:
                return created
        return None

    def complaint_status(self, complaint_id: str) -> ComplaintStatus:
        body = self._call("GET", f"/complaints/{complaint_id}/complaint")
        results = body.get("results", {})
        data = results.get("data", {})
        changes = [
            StatusChange(
                date=str(log.get("date", "")),
                status_old=str((log.get("status_old") or {}).get("name", "")),
                status_new=str((log.get("status_new") or {}).get("name", "")),
                institution_from=str(log.get("institution_from_name") or ""),
                institution_to=str(log.get("institution_to_name") or ""),
            )
            for log in results.get("data_logs", [])
        ]
        return ComplaintStatus(
            complaint_id=complaint_id,
            tracking_id=data.get("tracking_id"),
            status_name=str(data.get("status_name", "")),
            agency=data.get("disposition_name"),
            changes=changes,
            followups=self._followups(complaint_id),
        )

    def _followups(self, complaint_id: str) -> list[FollowUp]:
        followups: list[FollowUp] = []
        for page in range(1, _MAX_FOLLOWUP_PAGES + 1):
            body = self._call("GET", f"/complaints/{complaint_id}/followups", params={"page": page})
            results = body.get("results", {})
            followups += [
                FollowUp(
                    date=str(item.get("created_at", "")),
                    institution=str(item.get("institution_name") or ""),
                    content=str(item.get("content", "")),
                )
                for item in results.get("data", [])
            ]
            if not results.get("next_page_url"):
                break
        return followups

    def reference_list(self, kind: str) -> list[dict]:
        body = self._call("GET", REFERENCE_PATHS[kind], params={"page_size": 1000})
        return [
            item
            for item in body.get("results", {}).get("data", [])
            if isinstance(item, dict) and "id" in item and "name" in item
        ]


def _carries(item: dict, reference: str) -> bool:
    """Whether a search hit holds the kiosk reference (as a tag, or in the content)."""
    tags = {tag.lstrip("#") for tag in str(item.get("tags_raw") or "").split()}
    return reference in tags or reference in str(item.get("content") or "")


def _created(body: Any) -> CreatedComplaint | None:
    """`complaint_id` top-level (newer code) or under `data` (older code)."""
    if not isinstance(body, dict):
        return None
    complaint_id = body.get("complaint_id")
    if complaint_id is None and isinstance(body.get("data"), dict):
        complaint_id = body["data"].get("complaint_id")
    if complaint_id is None:
        return None
    tracking = body.get("tracking_id")
    return CreatedComplaint(str(complaint_id), str(tracking) if tracking else None)
