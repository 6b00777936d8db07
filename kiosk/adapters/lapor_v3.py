"""Adapter for the SP4N-LAPOR! integration API v3.

There is no public official specification (see docs/LAPOR_API.md): every
field name, id and answer shape below was inferred from public integration
code. Each guess is marked ``ASSUMED`` so that confirming the official spec
touches this file only.

Credentials travel in two headers on every call (`auth: Bearer <key>` and
`token: <guid>`); they are never logged and never appear in an error message. Redirects
are never followed (any 3xx is a configuration error): requests strips only
`Authorization` when it follows one to another host, and would send both of ours.

Each call has one deadline for all of it (`deadline.py`); each answer is read once,
tolerantly (`answers.py`); everything from outside that goes into an error message passes
through `printable()`.
"""

from __future__ import annotations

import dataclasses
import email.utils
import http.client
import re
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import requests
import urllib3.exceptions

from kiosk.adapters import answers
from kiosk.adapters.base import (
    ComplaintStatus,
    CreatedComplaint,
    FollowUp,
    MalformedAnswer,
    Misconfigured,
    NoAnswer,
    NotFound,
    Rejected,
    Unauthorized,
    Unavailable,
)
from kiosk.adapters.deadline import Deadline, DeadlineAdapter
from kiosk.adapters.tls import causes, certificate_refused, describe_tls_failure
from kiosk.config import LaporConfig
from kiosk.report import Classification, Place, Report
from kiosk.safe_text import printable

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


def place_text(place: Place, detail: str) -> str:
    """The place in words for the content, nearest first, with its Kemendagri code:
    `depan SD, Kelurahan Dago, Kecamatan Coblong, Kota Bandung (Kemendagri 32.73.02.1004)`;
    without a place, `detail` alone (the whole place as the citizen wrote it)."""
    parts = [detail] if detail else []
    if place.kelurahan:
        parts.append(f"{_village_kind(place.code)} {place.kelurahan}")
    if place.kecamatan:
        parts.append(f"Kecamatan {place.kecamatan}")
    if place.kota:
        parts.append(place.kota)
    words = ", ".join(parts)
    return f"{words} (Kemendagri {place.code})" if place.code else words


def _village_kind(code: str) -> str:
    """Kemendagri numbers a kelurahan 1xxx and a desa 2xxx (the last part of its code)."""
    return "Desa" if code.rpartition(".")[2].startswith("2") else "Kelurahan"


def area_id(report: Report, locations: Sequence[dict]) -> int | None:
    """The `location_id` sent: the item of the locations list whose Kemendagri `code` is the
    longest prefix of the place's code (Kelurahan Dago, 32.73.02.1004, finds Kecamatan
    Coblong, 32.73.02, when the list goes no deeper), else the area the report chose, else
    None. ASSUMED: LAPOR!'s location master carries Kemendagri codes (see docs/LAPOR_API.md).
    """
    code = report.place.code
    covering = [
        item
        for item in locations
        if isinstance(prefix := item.get("code"), str)
        and prefix
        and (code == prefix or code.startswith(prefix + "."))
    ]
    if not covering:
        return report.location_id
    return max(covering, key=lambda item: len(item["code"]))["id"]


def create_payload(
    report: Report,
    reference: str,
    attachment_ids: list[str],
    config: LaporConfig,
    terminal: str,
    locations: Sequence[dict] = (),
) -> dict[str, Any]:
    """The JSON body of `POST /complaints/complaint` for this report.

    ASSUMED (LAPOR!'s public help, no API spec): `is_anonymous` (*anonim*) hides the
    reporter's name from the public report, it does not mean "no identity"; so a report's
    identity is sent whenever it has one, anonymous or not, and LAPOR! can follow up by phone.
    `is_secret` (*rahasia*) keeps the report from the public altogether. The place goes in
    the content in words and by code, and as the area of `locations` it lies in (`area_id`).
    """
    content = report.content
    if where := place_text(report.place, report.location):
        content += f"\n\nLokasi: {where}"
    content += "\n\n" + reference_footer(reference, terminal)
    person = report.reporter
    payload: dict[str, Any] = {
        "title": report.title,
        "content": content,
        "channel": config.channel_id,
        "classification_id": CLASSIFICATION_IDS[report.classification],
        "category_id": report.category_id,
        "disposition_id": report.institution_id,
        "location_id": area_id(report, locations),  # the place itself is in the content
        "date_of_incident": report.date_of_incident.isoformat(),  # ASSUMED format Y-m-d
        "tags_raw": f"{config.tags} #{reference}".strip(),
        "is_anonymous": report.is_anonymous,
        "is_secret": report.is_secret,
        "attachments": "[" + ", ".join(attachment_ids) + "]",
        "is_new_user_slider": not person.is_empty(),
    }
    if payload["is_new_user_slider"]:
        payload |= {"nameUser": person.name, "emailUser": person.email, "phoneUser": person.phone}
    return payload


_RETRY_AFTER_SECONDS = re.compile(r"[0-9]{1,10}", re.ASCII)


def retry_after_s(value: str | None) -> float | None:
    """Seconds from a `Retry-After` value: ASCII digits as seconds, else an HTTP date, else
    None (absent or unreadable: a negative, a fraction, other digits); capped at
    MAX_RETRY_AFTER_S. Never raises."""
    value = (value or "").strip()
    if not value:
        return None
    if _RETRY_AFTER_SECONDS.fullmatch(value):
        seconds = float(value)
    elif re.fullmatch(r"[0-9]+", value, re.ASCII):  # more digits than any sane wait
        seconds = MAX_RETRY_AFTER_S
    else:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError, OverflowError, OSError):
            return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER_S)


def _retry_after(response: requests.Response) -> float | None:
    return retry_after_s(response.headers.get("Retry-After"))


_MAX_REASONS = 10


def _reason_text(value: object, depth: int = 0) -> str:
    """A refusal reason as text; lists nested deeper than two levels are not read."""
    if isinstance(value, list):
        if depth >= 2:
            return ""
        return "; ".join(filter(None, (_reason_text(item, depth + 1) for item in value)))
    if isinstance(value, dict):
        return answers.text_of(value.get("message") or value.get("description"))
    return answers.text_of(value)


def _reasons(body: Any) -> list[str]:
    """The refusal reasons of a 4xx answer (`errors` by field, or `message`), printable."""
    if not isinstance(body, dict):
        return []
    errors = body.get("errors")
    reasons: list[str] = []
    if isinstance(errors, dict):
        reasons = [f"{name}: {_reason_text(items)}" for name, items in errors.items()]
    elif isinstance(errors, list):
        reasons = [reason for reason in map(_reason_text, errors) if reason]
    if not reasons and (message := _reason_text(body.get("message"))):
        reasons = [message]
    return [printable(reason, 200) for reason in reasons[:_MAX_REASONS]]


def _was_not_sent(error: BaseException) -> bool:
    """True when the failure says the request cannot have left (a refused connection, an
    unknown name, a refused certificate), whatever the send tracking says."""
    if isinstance(error, requests.exceptions.ConnectTimeout) or certificate_refused(error):
        return True
    before_sending = (
        urllib3.exceptions.NewConnectionError,
        urllib3.exceptions.NameResolutionError,
    )
    return any(isinstance(cause, before_sending) for cause in causes(error))


_TRANSPORT_ERRORS = (
    requests.exceptions.RequestException,
    urllib3.exceptions.HTTPError,
    http.client.HTTPException,
    OSError,
    ValueError,
)
"""What a call may raise when the network or the server misbehaves (requests wraps most;
a ValueError from deep inside is still the answer's fault, not a reason to crash)."""


class _NoRedirectSession(requests.Session):
    """A session that never sees a redirect as one: requests would otherwise parse (and may
    choke on) the Location of a 3xx even when told not to follow it. `_decode` refuses 3xx."""

    def get_redirect_target(self, resp: requests.Response) -> None:
        return None


class LaporV3Client:
    """A `ComplaintApi` over HTTPS, one keep-alive session per forwarder."""

    def __init__(self, config: LaporConfig, terminal: str) -> None:
        self.config = config
        self.terminal = terminal
        self.supports_reference_lookup = config.reference_lookup
        self._session = _NoRedirectSession()
        self._session.verify = config.verify_tls
        for prefix in ("http://", "https://"):
            self._session.mount(prefix, DeadlineAdapter())
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

    def deadline_s(self, upload_bytes: int = 0) -> float:
        """Seconds a call may take at most: `timeout_s`, plus the upload at the slowest speed
        allowed for."""
        return self.config.timeout_s + upload_bytes / self.config.upload_bytes_per_s

    def _call(self, method: str, path: str, upload_bytes: int = 0, **kwargs: Any) -> dict:
        """One request, its complete answer within the deadline, decoded to a JSON object."""
        url = self.config.base_url.rstrip("/") + path
        limit = self.deadline_s(upload_bytes)
        with Deadline(limit) as deadline:
            timeout = (min(_CONNECT_TIMEOUT_S, limit), limit)
            try:
                response = self._session.request(
                    method, url, timeout=timeout, allow_redirects=False, **kwargs
                )
            except (
                requests.exceptions.InvalidURL,
                requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema,
                requests.exceptions.InvalidHeader,
            ) as error:
                raise Misconfigured(f"{method} {path}: {type(error).__name__}") from None
            except _TRANSPORT_ERRORS as error:
                raise self._failure(method, path, error, deadline) from None
            if deadline.expired:  # the answer may have been cut short (an early end)
                raise self._failure(method, path, None, deadline)
        return self._decode(method, path, response)

    def _failure(
        self, method: str, path: str, error: BaseException | None, deadline: Deadline
    ) -> Unavailable | NoAnswer:
        """The typed failure of a call that got no answer: Unavailable when the request
        cannot have left (nothing was processed), NoAnswer when it may have."""
        not_sent = not deadline.sent or (error is not None and _was_not_sent(error))
        tls = describe_tls_failure(error) if error is not None else None
        if deadline.expired:
            if not_sent:
                why = f"; {tls}" if tls else ""
                return Unavailable(
                    f"{method} {path}: no connection within {deadline.seconds:.0f} s{why}"
                )
            return NoAnswer(f"{method} {path}: no complete answer within {deadline.seconds:.0f} s")
        if not_sent:
            why = tls or f"cannot connect ({type(error).__name__})"
            return Unavailable(f"{method} {path}: {why}")
        if isinstance(error, requests.exceptions.ConnectionError):
            return NoAnswer(f"{method} {path}: connection lost before an answer")
        return NoAnswer(f"{method} {path}: no answer ({type(error).__name__})")

    def _decode(self, method: str, path: str, response: requests.Response) -> dict:
        status = response.status_code
        if 300 <= status < 400:
            where = _redirect_host(response)
            raise Misconfigured(
                f"LAPOR! answered with a redirect to {where}: check [lapor] base_url"
            )
        if status in (401, 403):
            raise Unauthorized(f"{method} {path}: credentials refused (HTTP {status})")
        if status == 404:
            raise NotFound(f"{method} {path}: not found")
        if status in (408, 429, 503):
            raise Unavailable(f"{method} {path}: HTTP {status}", _retry_after(response))
        if status >= 500:
            message = f"{method} {path}: HTTP {status}"
            raise Unavailable(message, _retry_after(response), maybe_processed=True)
        try:
            body = response.json()
        except (ValueError, RecursionError):
            body = _NOT_JSON
        if status >= 400:
            raise Rejected(status, _reasons(body))
        if body is _NOT_JSON:
            kind = printable(response.headers.get("Content-Type") or "no content type", 80)
            raise MalformedAnswer(
                f"{method} {path}: HTTP {status} with a body that is not JSON"
                f" ({kind}, {len(response.content)} bytes)"
            )
        if not isinstance(body, dict):
            raise MalformedAnswer(
                f"{method} {path}: HTTP {status} with {answers.what(body)}, expected a JSON object"
            )
        if body.get("success") in (False, "false"):
            reasons = "; ".join(_reasons(body)) or "no reason given"
            raise MalformedAnswer(f"{method} {path}: HTTP {status} with success false: {reasons}")
        return body

    def upload_attachment(self, filename: str, mime: str, data: bytes) -> str:
        files = [("attachments[]", (filename, data, mime))]
        path = "/complaints/complaint/file"
        try:
            body = self._call("POST", path, upload_bytes=len(data), files=files)
        except NoAnswer as error:  # an orphan upload is harmless: upload again
            raise Unavailable(str(error)) from None
        doc_id = answers.upload_doc_id(body)
        if doc_id is None:
            raise Unavailable(f"POST {path}: answer without a document id")
        return doc_id

    def create_complaint(
        self,
        report: Report,
        reference: str,
        attachment_ids: list[str],
        locations: Sequence[dict] = (),
    ) -> CreatedComplaint:
        payload = create_payload(
            report, reference, attachment_ids, self.config, self.terminal, locations
        )
        path = "/complaints/complaint"
        return answers.created(self._call("POST", path, json=payload), f"POST {path}")

    def find_by_reference(self, reference: str) -> CreatedComplaint | None:
        """The complaint carrying `reference` (a hit counts only if it really carries it);
        its `complaint_id` is None when the hit has no usable id."""
        body = self._call("GET", SEARCH_PATH, params={"reference": reference})
        return answers.search_hit(body, reference, f"GET {SEARCH_PATH}")

    def complaint_status(self, complaint_id: str) -> ComplaintStatus:
        path = f"/complaints/{_segment(complaint_id)}/complaint"
        status = answers.status(self._call("GET", path), complaint_id, f"GET {path}")
        return dataclasses.replace(status, followups=self._followups(complaint_id))

    def _followups(self, complaint_id: str) -> list[FollowUp]:
        path = f"/complaints/{_segment(complaint_id)}/followups"
        followups: list[FollowUp] = []
        for page in range(1, _MAX_FOLLOWUP_PAGES + 1):
            body = self._call("GET", path, params={"page": page})
            items, more = answers.followups_page(body, f"GET {path}")
            followups += items
            if not more:
                break
        return followups

    def reference_list(self, kind: str) -> list[dict]:
        path = REFERENCE_PATHS[kind]
        body = self._call("GET", path, params={"page_size": 1000})
        return answers.reference_items(body, f"GET {path}")


_NOT_JSON = object()


def _redirect_host(response: requests.Response) -> str:
    """The host a redirect points to (printable), or "an unnamed host"."""
    location = response.headers.get("Location", "").strip()
    try:
        host = urlsplit(urljoin(response.url or "", location)).hostname if location else None
    except ValueError:  # not a valid URL (a stray bracket): its authority as it came
        authority = re.match(r"[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)", location)
        host = authority.group(1).rpartition("@")[2] if authority else None
    return printable(host, 200) if host else "an unnamed host"


def _segment(complaint_id: str) -> str:
    """An id as one path segment: a `/` or `?` in it cannot reach another endpoint."""
    return quote(str(complaint_id), safe="")
