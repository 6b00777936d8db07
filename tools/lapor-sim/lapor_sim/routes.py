"""The simulated endpoints: each takes the shared context and a parsed request, returns a Reply.

HTTP plumbing (auth, fault injection, sockets) lives in `handlers`; this module only knows
what each endpoint answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from typing import Any, NamedTuple

from lapor_sim.masters import Masters, ids_of, load_masters
from lapor_sim.multipart import MultipartError, parse_files
from lapor_sim.options import SimulatorOptions
from lapor_sim.store import Store
from lapor_sim.traffic import Traffic
from lapor_sim.validation import ComplaintValidator, ValidationError

SIM_PREFIX = "/_sim/"
"""Test endpoints: no auth, no fault injection, no latency."""

# ASSUMED: LAPOR!'s upload limit is not public; 20 MB is the simulator's own limit.
MAX_FILE_BYTES = 20 * 1024 * 1024
FOLLOWUPS_PER_PAGE = 10


@dataclass(frozen=True)
class Request:
    params: dict[str, str]
    """Values of the `{name}` parts of the route template."""
    query: dict[str, list[str]]
    headers: Message
    body: bytes
    base_url: str
    """`http://host:port` as the client addressed us, for links in answers."""


@dataclass(frozen=True)
class Reply:
    status: int
    payload: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    """Close the connection without writing any answer (a lost response)."""


@dataclass(frozen=True)
class Context:
    """Everything an endpoint may use; one per running simulator."""

    options: SimulatorOptions
    store: Store
    traffic: Traffic
    masters: Masters
    validator: ComplaintValidator


Handler = Callable[[Context, Request], Reply]


def build_context(options: SimulatorOptions) -> Context:
    store = Store(options.db)
    masters = load_masters()
    validator = ComplaintValidator(
        channel_id=options.channel_id,
        category_ids=ids_of(masters.categories),
        institution_ids=ids_of((*masters.institutions, *masters.offices)),
        location_ids=ids_of(masters.locations),
        missing_files=store.missing_files,
    )
    traffic = Traffic(options.fail_rate, options.drop_response_rate, options.seed)
    return Context(options, store, traffic, masters, validator)


def ok(**payload: Any) -> Reply:
    return Reply(200, {"success": True, **payload})


def failure(
    status: int, message: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> Reply:
    return Reply(status, {"success": False, "message": message, **extra}, headers or {})


def not_found() -> Reply:
    return failure(404, "Not found")


def validation_failed(errors: dict[str, list[str]]) -> Reply:
    return failure(400, "Validation failed", errors=errors)


def _json_body(request: Request, *, optional: bool = False) -> Any:
    if optional and not request.body.strip():
        return {}
    try:
        return json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationError({"body": ["Isi permintaan bukan JSON yang sah."]}) from None


def _body_text(request: Request, name: str, *, required: bool) -> str | None:
    """One text field of an optional JSON object body (test endpoints)."""
    body = _json_body(request, optional=True)
    value = body.get(name) if isinstance(body, dict) else None
    if not isinstance(value, str | None) or (required and not value):
        raise ValidationError({name: [f"{name} harus berupa teks yang tidak kosong."]})
    return value


def _complaint_id(request: Request) -> int:
    return int(request.params["id"])


def _detail_of(context: Context, complaint_id: int) -> Reply:
    results = context.store.detail(complaint_id)
    return not_found() if results is None else ok(results=results)


# --- LAPOR! API ----------------------------------------------------------------------------------


def upload(context: Context, request: Request) -> Reply:
    try:
        parts = parse_files(request.headers.get("Content-Type", ""), request.body)
    except MultipartError as error:
        raise ValidationError({"attachments": [str(error)]}) from None
    files = [part for part in parts if part.field == "attachments[]"]
    if not files:
        raise ValidationError({"attachments": ["Pilih minimal satu berkas di attachments[]."]})
    too_big = [
        f"Berkas {f.filename} melebihi batas simulator 20 MB."
        for f in files
        if len(f.data) > MAX_FILE_BYTES
    ]
    if too_big:
        raise ValidationError({"attachments": too_big})
    docs = [
        {
            "id": context.store.add_file(f.filename, f.content_type, f.data),
            "name": f.filename,
            "size": len(f.data),
        }
        for f in files
    ]
    return ok(results={"docs": docs})


def create(context: Context, request: Request) -> Reply:
    complaint = context.validator.validate(_json_body(request))
    target_id = complaint.fields["disposition_id"]
    target = None if target_id is None else context.masters.institution(target_id)
    complaint_id, tracking_id = context.store.create_complaint(
        complaint.fields, complaint.attachment_ids, target
    )
    context.traffic.create_stored()
    if context.traffic.drop_response():
        return Reply(200, drop=True)
    return ok(
        complaint_id=complaint_id, tracking_id=tracking_id, data={"complaint_id": complaint_id}
    )


def detail(context: Context, request: Request) -> Reply:
    return _detail_of(context, _complaint_id(request))


def followups(context: Context, request: Request) -> Reply:
    raw_page = request.query.get("page", ["1"])[0]
    if not raw_page.isdigit() or int(raw_page) < 1:
        raise ValidationError({"page": ["Halaman harus berupa angka 1 atau lebih."]})
    page = int(raw_page)
    complaint_id = _complaint_id(request)
    found = context.store.followups(complaint_id, page, FOLLOWUPS_PER_PAGE)
    if found is None:
        return not_found()
    items, more = found
    next_url = f"{request.base_url}/complaints/{complaint_id}/followups?page={page + 1}"
    return ok(
        results={"data": items, "current_page": page, "next_page_url": next_url if more else None}
    )


def master_list(name: str) -> Handler:
    """Serve the master list `Masters.<name>` whole."""

    # ASSUMED: `page_size` is ignored; the lists are short enough to fit any page size.
    def serve(context: Context, request: Request) -> Reply:
        return ok(results={"data": list(getattr(context.masters, name))})

    return serve


def search(context: Context, request: Request) -> Reply:
    # ASSUMED: this endpoint does not exist in any public code; matching is `store.mentions`.
    reference = request.query.get("reference", [""])[0].strip()
    if not reference:
        raise ValidationError({"reference": ["Referensi wajib diisi."]})
    return ok(results={"data": context.store.search(reference, context.options.search_lag_s)})


# --- test endpoints ------------------------------------------------------------------------------


def sim_complaints(context: Context, request: Request) -> Reply:
    return Reply(200, {"complaints": context.store.dump()})


def sim_health(context: Context, request: Request) -> Reply:
    return Reply(200, {"ok": True})


def sim_stats(context: Context, request: Request) -> Reply:
    return Reply(200, context.traffic.snapshot())


def sim_advance(context: Context, request: Request) -> Reply:
    """Move a report one status on (Selesai and Ditolak stay); answers its new detail."""
    complaint_id = _complaint_id(request)
    context.store.advance(complaint_id)
    return _detail_of(context, complaint_id)


def sim_reject(context: Context, request: Request) -> Reply:
    """Set Ditolak; optional body `{"reason": "..."}` is the follow-up the citizen reads."""
    complaint_id = _complaint_id(request)
    context.store.reject(complaint_id, _body_text(request, "reason", required=False))
    return _detail_of(context, complaint_id)


def sim_followup(context: Context, request: Request) -> Reply:
    """Add an agency reply: body `{"content": "...", "institution_name": "..." (optional)}`."""
    content = _body_text(request, "content", required=True)
    institution = _body_text(request, "institution_name", required=False)
    if not context.store.add_followup(_complaint_id(request), content or "", institution):
        return not_found()
    return ok()


# --- routing -------------------------------------------------------------------------------------


class Route(NamedTuple):
    method: str
    template: str
    """Path with `{name}` for numeric parts; also the key of request statistics."""
    pattern: re.Pattern[str]
    handler: Handler


def _route(method: str, template: str, handler: Handler) -> Route:
    # Templates hold only letters, "/", "_" and {params}: nothing else needs escaping.
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[0-9]{1,18})", template)
    return Route(method, template, re.compile(regex), handler)


ROUTES = (
    _route("POST", "/complaints/complaint/file", upload),
    _route("POST", "/complaints/complaint", create),
    _route("GET", "/complaints/search", search),
    _route("GET", "/complaints/{id}/complaint", detail),
    _route("GET", "/complaints/{id}/followups", followups),
    _route("GET", "/masters/institutions/external", master_list("institutions")),
    # ASSUMED: the paths of the category, location and template masters.
    _route("GET", "/masters/categories", master_list("categories")),
    _route("GET", "/masters/locations", master_list("locations")),
    _route("GET", "/masters/templates", master_list("templates")),
    _route("GET", "/_sim/complaints", sim_complaints),
    _route("GET", "/_sim/health", sim_health),
    _route("GET", "/_sim/stats", sim_stats),
    _route("POST", "/_sim/complaints/{id}/advance", sim_advance),
    _route("POST", "/_sim/complaints/{id}/reject", sim_reject),
    _route("POST", "/_sim/complaints/{id}/followups", sim_followup),
)


def find_route(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in ROUTES:
        match = route.pattern.fullmatch(path)
        if match and route.method == method:
            return route, match.groupdict()
    return None
