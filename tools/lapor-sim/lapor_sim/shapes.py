"""Answer shapes: the right HTTP status with a JSON body shaped the way a real back end might.

PHP back ends send `[]` for an empty map, `null` where an object was promised, ids under
another name or as strings. `--answer-shape` lets tests check that the kiosk copes with each
one. A shape only rewrites the payload of a successful API answer; what the request did (a
stored create) is unchanged, so tests can still count copies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Payload = dict[str, Any]
Shape = Callable[[str, Payload], Payload]
"""Given the route key (`"POST /complaints/complaint"`) and a payload, the payload to send."""

CREATE = "POST /complaints/complaint"
SEARCH = "GET /complaints/search"
MAP_KEYS = ("results", "data")
"""Top-level keys whose object some shapes replace."""


def normal(route: str, payload: Payload) -> Payload:
    return payload


def empty_list_for_map(route: str, payload: Payload) -> Payload:
    """`[]` wherever an object was promised: PHP's `json_encode([])` of an empty map."""
    if route == CREATE:
        return {"success": payload["success"], "results": [], "data": []}
    return _replace_maps(payload, [])


def null_data(route: str, payload: Payload) -> Payload:
    """`null` wherever an object was promised; a create answers no id at all."""
    if route == CREATE:
        return {"success": payload["success"], "data": None}
    return _replace_maps(payload, None)


def id_renamed(route: str, payload: Payload) -> Payload:
    """The new id under `id` (no `complaint_id` anywhere in creates or search hits)."""
    if route == CREATE:
        rest = {k: v for k, v in payload.items() if k not in ("complaint_id", "data")}
        new_id = payload["complaint_id"]
        return {**rest, "id": new_id, "data": {"id": new_id}}
    if route == SEARCH:
        return _map_hits(payload, lambda hit: _rename(hit, "complaint_id", "id"))
    return payload


def empty_id(route: str, payload: Payload) -> Payload:
    """A create that succeeded but names its new report `""`."""
    if route == CREATE:
        return {**payload, "complaint_id": "", "data": {**payload["data"], "complaint_id": ""}}
    return payload


def id_missing_in_search(route: str, payload: Payload) -> Payload:
    """Search hits that carry the reference (`tags_raw`, `content`) but no id of any kind."""
    if route == SEARCH:
        return _map_hits(
            payload,
            lambda hit: {k: v for k, v in hit.items() if k not in ("complaint_id", "tracking_id")},
        )
    return payload


def string_numbers(route: str, payload: Payload) -> Payload:
    """Every id (`id` or `*_id` holding a number) as a string, e.g. `"1000001"`."""
    return _stringify_ids(payload)


SHAPES: dict[str, Shape] = {
    "normal": normal,
    "empty-list-for-map": empty_list_for_map,
    "null-data": null_data,
    "id-renamed": id_renamed,
    "empty-id": empty_id,
    "id-missing-in-search": id_missing_in_search,
    "string-numbers": string_numbers,
}
SHAPE_NAMES = tuple(SHAPES)


def reshape(shape: str, route: str, payload: Payload) -> Payload:
    """`payload` in the named shape (a KeyError names an unknown shape)."""
    return SHAPES[shape](route, payload)


def _replace_maps(payload: Payload, replacement: Any) -> Payload:
    return {
        key: replacement if key in MAP_KEYS and isinstance(value, dict) else value
        for key, value in payload.items()
    }


def _map_hits(payload: Payload, change: Callable[[Payload], Payload]) -> Payload:
    """Apply `change` to each hit in `results.data` of a search answer."""
    results = payload["results"]
    return {**payload, "results": {**results, "data": [change(hit) for hit in results["data"]]}}


def _rename(item: Payload, old: str, new: str) -> Payload:
    return {(new if key == old else key): value for key, value in item.items()}


def _is_id(key: str) -> bool:
    return key == "id" or key.endswith("_id")


def _stringify_ids(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _stringify_ids(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify_ids(item, key) for item in value]
    if _is_id(key) and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value
