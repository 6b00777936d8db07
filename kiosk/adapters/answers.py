"""One tolerant reading of LAPOR! v3's answers: every shape and type is checked.

No answer shape is specified (every one below is ASSUMED, see lapor_v3). Whatever comes,
reading it never raises KeyError, TypeError, AttributeError or ValueError: a surprise is a
`MalformedAnswer` naming the call, the field and what came (printable, for staff), or, where
it does no harm, the odd part is skipped. PHP back ends send `[]` for an empty map, so `[]`
reads as "nothing" where the content may be empty.

Decisions per answer:

- every 2xx answer: a JSON object, else MalformedAnswer (`_decode` in lapor_v3).
- create: the complaint id is the first real id (`complaint_id`) under `complaint_id`,
  `data.complaint_id`, `id`, `data.id` (the last two ASSUMED alternative names); none →
  MalformedAnswer (the forwarder reconciles, never marks delivered). `tracking_id` from the
  same level, else the other; not a real id → None.
- search: `results` missing, null, `[]` or `{"data": []}` / `data` null → no hit (None);
  `results` or `data` of another type (text, number, a non-empty map for the list) →
  MalformedAnswer. Hits that are not maps are skipped; a hit counts only if it carries the
  kiosk reference; its id under `complaint_id` or `id`; carried but without a real id →
  `CreatedComplaint(None, tracking)` (arrived, id not known yet), unless another carrying hit
  has one.
- status: `results` and `results.data` must be maps (`[]`, null → MalformedAnswer: the
  status is the whole answer). `status_name` text or number, null/missing → "" (an
  unknown status), a list or map → MalformedAnswer. `tracking_id` a real id or None;
  `disposition_name` text or None. `data_logs` a list (missing/null/`[]` → none, another
  type → MalformedAnswer); log entries that are not maps are skipped, their fields read as
  text ("" when not text); `status_old`/`status_new` a map with `name`, or text.
- follow-ups: `results` a map (else MalformedAnswer); `data` a list (missing/null/`[]` →
  none, another type → MalformedAnswer); items that are not maps are skipped; another page
  only when `next_page_url` is non-empty text.
- reference lists: `results` a map and `results.data` a list (`[]` → an empty list, which the
  caller keeps its cached list for; missing/null/another type → MalformedAnswer). Items need
  a real id and a non-empty text name, else they are skipped; an id that is a string of
  ASCII digits without a leading zero becomes an int ("12" -> 12).
- upload: the document id is `results.docs[0].id` if it is a real id, else None (the caller
  raises Unavailable: an orphan upload is harmless, the file is uploaded again).
"""

from __future__ import annotations

import re

from kiosk.adapters.base import (
    ComplaintStatus,
    CreatedComplaint,
    FollowUp,
    MalformedAnswer,
    StatusChange,
)
from kiosk.safe_text import printable

MAX_ID_CHARS = 64


def what(value: object) -> str:
    """What came, in a few words, for a reason kept for staff (printable)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {printable(value, 40)}"
    if isinstance(value, str):
        return f"the text {printable(repr(value), 80)}"
    if isinstance(value, list):
        return f"a list of {len(value)} item(s)" if value else "an empty list"
    if isinstance(value, dict):
        return f"a map of {len(value)} field(s)"
    return printable(type(value).__name__, 40)


def real_id(value: object) -> str | None:
    """`value` as an id if it is one: a positive int (not bool), or text of 1 to 64 visible
    characters (spaces around stripped) that is not a zero or negative number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if 0 < value < 10**MAX_ID_CHARS else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > MAX_ID_CHARS:
        return None
    if not text.isprintable() or " " in text:  # isprintable: no C* or Z* but the space
        return None
    if re.fullmatch(r"[+-]?[0-9]+", text, re.ASCII) and int(text) <= 0:
        return None
    return text


def reference_id(value: object) -> int | str | None:
    """A reference list item's id: ints stay ints, "12" becomes 12, other real ids stay text."""
    text = real_id(value)
    if text is None:
        return None
    if isinstance(value, int) or re.fullmatch(r"[1-9][0-9]*", text, re.ASCII):
        return int(text)
    return text


def text_of(value: object) -> str:
    """Text or a number as text; anything else (null, a list, a map, a bool) as ""."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _optional_text(value: object) -> str | None:
    return text_of(value) or None


def _map_or_empty(value: object, where: str, call: str) -> dict | None:
    """A map; `[]` (PHP's empty map), null or missing → None; anything else MalformedAnswer."""
    if isinstance(value, dict):
        return value
    if value is None or value == []:
        return None
    raise MalformedAnswer(f"{call}: {where} is {what(value)}, expected a map")


def _map(value: object, where: str, call: str) -> dict:
    """A map, perhaps empty; anything else MalformedAnswer."""
    if isinstance(value, dict):
        return value
    raise MalformedAnswer(f"{call}: {where} is {what(value)}, expected a map")


def _required_map(value: object, where: str, call: str) -> dict:
    if mapping := _map(value, where, call):
        return mapping
    raise MalformedAnswer(f"{call}: {where} is {what(value)}, expected a map")


def _list(value: object, where: str, call: str) -> list:
    if isinstance(value, list):
        return value
    raise MalformedAnswer(f"{call}: {where} is {what(value)}, expected a list")


def _list_or_empty(value: object, where: str, call: str) -> list:
    """A list; null, missing or `{}` → []; anything else MalformedAnswer."""
    return [] if value is None or value == {} else _list(value, where, call)


def _tracking(*places: object) -> str | None:
    for place in places:
        if isinstance(place, dict) and (tracking := real_id(place.get("tracking_id"))):
            return tracking
    return None


def created(body: dict, call: str) -> CreatedComplaint:
    """The complaint a create answer names; MalformedAnswer without a real id."""
    data = body.get("data")
    inner = data if isinstance(data, dict) else {}
    candidates = [
        (body, "complaint_id", "complaint_id"),
        (inner, "complaint_id", "data.complaint_id"),
        (body, "id", "id"),
        (inner, "id", "data.id"),
    ]
    for place, name, _ in candidates:
        if (complaint_id := real_id(place.get(name))) is not None:
            other = inner if place is body else body
            return CreatedComplaint(complaint_id, _tracking(place, other))
    came = ", ".join(
        f"{label}: {what(place.get(name))}" for place, name, label in candidates if name in place
    )
    raise MalformedAnswer(f"{call}: no complaint id in the answer ({came or 'none of its names'})")


def _carries(item: dict, reference: str) -> bool:
    """Whether a search hit holds the kiosk reference (as a tag, or in the content)."""
    raw_tags = item.get("tags_raw")
    if isinstance(raw_tags, list):
        raw_tags = " ".join(text_of(tag) for tag in raw_tags)
    tags = {tag.lstrip("#") for tag in text_of(raw_tags).split()}
    return reference in tags or reference in text_of(item.get("content"))


def search_hit(body: dict, reference: str, call: str) -> CreatedComplaint | None:
    """The complaint carrying `reference` in a search answer; None when it is not there.

    Only an explicit empty answer (`[]` or `{}` for `results` or `results.data`) means "not
    there": a miss may lead to a re-post, so any other shape is MalformedAnswer.
    """
    results = body.get("results")
    if results in ([], {}):
        return None
    hits = _map(results, "results", call).get("data")
    if hits in ([], {}):
        return None
    arrived: CreatedComplaint | None = None
    for item in _list(hits, "results.data", call):
        if not isinstance(item, dict) or not _carries(item, reference):
            continue
        tracking = real_id(item.get("tracking_id"))
        complaint_id = real_id(item.get("complaint_id")) or real_id(item.get("id"))
        if complaint_id is not None:
            return CreatedComplaint(complaint_id, tracking)
        arrived = arrived or CreatedComplaint(None, tracking)
    return arrived


def _status_name(value: object, call: str) -> str:
    if isinstance(value, list | dict):
        raise MalformedAnswer(f"{call}: results.data.status_name is {what(value)}, expected text")
    return text_of(value)


def _name(value: object) -> str:
    """`{"name": ...}` or the name itself."""
    return text_of(value.get("name")) if isinstance(value, dict) else text_of(value)


def status(body: dict, complaint_id: str, call: str) -> ComplaintStatus:
    """Where a complaint stands (without follow-ups: they come from another call)."""
    results = _required_map(body.get("results"), "results", call)
    data = _required_map(results.get("data"), "results.data", call)
    logs = _list_or_empty(results.get("data_logs"), "results.data_logs", call)
    changes = [
        StatusChange(
            date=text_of(log.get("date")),
            status_old=_name(log.get("status_old")),
            status_new=_name(log.get("status_new")),
            institution_from=text_of(log.get("institution_from_name")),
            institution_to=text_of(log.get("institution_to_name")),
        )
        for log in logs
        if isinstance(log, dict)
    ]
    return ComplaintStatus(
        complaint_id=complaint_id,
        tracking_id=real_id(data.get("tracking_id")),
        status_name=_status_name(data.get("status_name"), call),
        agency=_optional_text(data.get("disposition_name")),
        changes=changes,
    )


def followups_page(body: dict, call: str) -> tuple[list[FollowUp], bool]:
    """One page of follow-ups, and whether another page follows."""
    results = _map(body.get("results"), "results", call)
    items = _list_or_empty(results.get("data"), "results.data", call)
    followups = [
        FollowUp(
            date=text_of(item.get("created_at")),
            institution=text_of(item.get("institution_name")),
            content=text_of(item.get("content")),
        )
        for item in items
        if isinstance(item, dict)
    ]
    more = results.get("next_page_url")
    return followups, isinstance(more, str) and bool(more.strip())


def reference_items(body: dict, call: str) -> list[dict]:
    """Agencies, categories or locations: the items with a real id and a name."""
    results = _map(body.get("results"), "results", call)
    items = []
    for item in _list(results.get("data"), "results.data", call):
        if not isinstance(item, dict):
            continue
        item_id = reference_id(item.get("id"))
        name = item.get("name")
        if item_id is None or not isinstance(name, str) or not name.strip():
            continue
        items.append(item | {"id": item_id, "name": name.strip()})
    return items


def upload_doc_id(body: dict) -> str | None:
    """The document id of an upload answer (`results.docs[0].id`), if it is a real id."""
    results = body.get("results")
    docs = results.get("docs") if isinstance(results, dict) else None
    if not isinstance(docs, list) or not docs or not isinstance(docs[0], dict):
        return None
    return real_id(docs[0].get("id"))
