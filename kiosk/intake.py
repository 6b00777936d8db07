"""`kiosk submit` input: a file of JSON reports read within limits, each report checked in one
pass against the report's rules and the terminal's reference lists.

The file is one JSON report, a JSON list of reports, or JSON Lines; UTF-8 with or without a
byte order mark; at most `MAX_INPUT_BYTES`, nested at most `MAX_DEPTH` levels (a report needs
four), no key twice in one object. Problems with the file as a whole are `SubmitFileInvalid`
(English, for the technician); problems with a report are `ReportInvalid`, every field's
problem at once, in the citizen's languages (`kiosk/locale`).

A report's fields (README.md, docs/REPORT.md): `id` (optional client UUID, the key that makes
a second submit of it store nothing new), `classification`, `title`, `content`,
`date_of_incident`, `location`, `category` (required), `institution_id` and `location_id`
(optional) given by id or by name from `kiosk refdata show`, `is_anonymous`, `is_secret`,
`reporter` {`name`, `phone`, `email`}, `attachments` (paths, or {"path": ...}, beneath the
attachment folder), `language`. Any other key is refused: a misspelt `is_anonymus` must not
publish a name.

`location` is the place in the terminal's city (`[terminal] region`), by Kemendagri code
(`"32.73.02.1004"` a kelurahan, `"32.73.02"` a kecamatan) or by name
(`{"kecamatan": "Coblong", "kelurahan": "Dago", "detail": "depan SD"}`, the kelurahan and the
detail optional; names as the reference lists' are found, "Lebakgede" finds "Lebak Gede");
or text: the detail, the whole place for a report without a code. `institution_id` may also
name the city's agencies and the office of any of its kecamatan and kelurahan
("Kelurahan Dago"; `kiosk/city_offices.py`).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import Any, BinaryIO

from kiosk import refdata
from kiosk.attachment_files import AttachmentFolder, AttachmentRefused
from kiosk.city_offices import CityOffices
from kiosk.regions import PLACE_CODE, Area, City
from kiosk.report import (
    Attachment,
    Classification,
    FieldError,
    Place,
    Report,
    Reporter,
    ReportInvalid,
)
from kiosk.report_rules import (
    CONTENT,
    LOCATION,
    REPORTER_EMAIL,
    REPORTER_NAME,
    REPORTER_PHONE,
    TITLE,
    check_attachment_count,
    validate,
)
from kiosk.safe_text import printable

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""A reports file larger than this is refused unread (a thousand reports are about 1 MB)."""
MAX_DEPTH = 16
"""JSON nested deeper is refused before it is parsed (Python's parser would recurse)."""
SHOWN_NAMES = 5
"""How many matching names an ambiguous name is answered with."""

REPORT_KEYS = frozenset(
    {
        "id",
        "classification",
        "title",
        "content",
        "date_of_incident",
        "location",
        "category",
        "institution_id",
        "location_id",
        "is_anonymous",
        "is_secret",
        "reporter",
        "attachments",
        "language",
    }
)
REPORTER_KEYS = frozenset({"name", "phone", "email"})
LOCATION_KEYS = frozenset({"kecamatan", "kelurahan", "detail"})
ATTACHMENT_KEYS = frozenset({"path"})
TEXT_RULES = (TITLE, CONTENT)
"""The report's own texts, each at the key its rule names."""
REFERENCE_FIELDS = {"category": "categories", "institution_id": "institutions"}
REFERENCE_FIELDS |= {"location_id": "locations"}
"""Report field -> the reference list (kind) it names an item of."""

_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*(?:"|\Z)', re.DOTALL)
"""A JSON string, or an unterminated one to the end: linear time on any input."""
_NOT_BRACKETS = re.compile(r"[^\[\]{}]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class SubmitFileInvalid(ValueError):
    """The file as a whole cannot be read as reports; the message says why and where."""


class SubmissionInvalid(ValueError):
    """Reports of a file break rules: `problems` pairs each one's number (from 1) with them."""

    def __init__(self, problems: list[tuple[int, ReportInvalid]]) -> None:
        super().__init__(f"{len(problems)} reports are not valid")
        self.problems = problems

    def messages(self, language: str) -> list[str]:
        return [
            f"report {number}: {message}"
            for number, invalid in self.problems
            for message in invalid.messages(language)
        ]


@dataclass(frozen=True)
class Submitted:
    """One report of a file, checked, with the client's id when it carried one."""

    report: Report
    client_id: str | None


def read_input(stream: BinaryIO) -> bytes:
    """The whole input, at most MAX_INPUT_BYTES (one byte more is read to tell)."""
    data = stream.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise SubmitFileInvalid(
            f"larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB: split it into several files"
        )
    return data


def parse_reports_file(data: bytes) -> list[Any]:
    """One JSON report, a JSON list of reports, or JSON Lines, as Python values."""
    try:
        payload = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SubmitFileInvalid(
            f"not UTF-8 text (byte {error.start}): save the file as UTF-8"
        ) from None
    if not payload.strip():
        raise SubmitFileInvalid("empty input")
    _check_depth(payload)
    try:
        whole = _loads(payload)
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":  # one document (pretty-printed perhaps), broken
            raise SubmitFileInvalid(
                f"line {error.lineno} column {error.colno}: not valid JSON ({error.msg})"
            ) from None
    except ValueError:
        pass  # a key given twice: said line by line below
    else:
        return whole if isinstance(whole, list) else [whole]
    items = []  # several documents: JSON Lines
    for number, line in enumerate(payload.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            items.append(_loads(line))
        except ValueError as error:
            why = error.msg if isinstance(error, json.JSONDecodeError) else error
            raise SubmitFileInvalid(f"line {number}: not valid JSON ({why})") from None
    return items


def _check_depth(payload: str) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH, counted without parsing it."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", payload))
    steps = (1 if bracket in "[{" else -1 for bracket in brackets)
    if max(accumulate(steps, initial=0)) > MAX_DEPTH:
        raise SubmitFileInvalid(
            f"JSON nested deeper than {MAX_DEPTH} levels; a report needs at most 4"
        )


def _loads(text: str) -> Any:
    return json.loads(text, object_pairs_hook=_object_without_repeats)


def _object_without_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object as a dict; a key given twice (which JSON readers resolve differently, e.g.
    two `is_anonymous`) is refused."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {printable(key)} is given twice in one object")
        result[key] = value
    return result


def reports_from_json(
    items: list[Any],
    lists: Mapping[str, list[dict]],
    folder: AttachmentFolder,
    today: date,
    city: City | None = None,
    offices: CityOffices | None = None,
) -> list[Submitted]:
    """Every report of a file checked; raise SubmissionInvalid listing each one's problems.

    `lists` are the terminal's reference lists by kind (`refdata.items_by_kind`); `folder` is
    where attachments are read; `city` (`regions.load_city`) is where places are found, and
    `offices` (`city_offices.load`) its offices: None where the terminal cannot read them.
    May raise SubmitTooBig (from `folder`).
    """
    if not items:
        raise SubmitFileInvalid("no report in the input")
    institutions = refdata.with_city_offices(lists["institutions"], city, offices)
    lists = {**lists, "institutions": institutions}
    submitted, problems = [], []
    for number, raw in enumerate(items, start=1):
        try:
            submitted.append(report_from_json(raw, lists, folder, today, city))
        except ReportInvalid as invalid:
            problems.append((number, invalid))
    if problems:
        raise SubmissionInvalid(problems)
    return submitted


def report_from_json(
    raw: Any,
    lists: Mapping[str, list[dict]],
    folder: AttachmentFolder,
    today: date,
    city: City | None = None,
) -> Submitted:
    """Check one report of a file in one pass; raise ReportInvalid with every problem.
    `lists` as `reports_from_json` gives them (the city's offices among the institutions)."""
    if not isinstance(raw, dict):
        raise ReportInvalid([FieldError("report", "not_an_object")])
    errors = _unknown_keys(raw, REPORT_KEYS, "report")
    client_id = _client_id(raw.get("id"), errors)
    texts = {rule.field: rule.clean(_text(raw, rule.field, errors)) for rule in TEXT_RULES}
    place, location = _place(raw.get("location"), city, errors)
    references = {
        key: _reference(raw.get(key), key, lists[kind], errors)
        for key, kind in REFERENCE_FIELDS.items()
    }
    report = Report(
        classification=_classification(raw.get("classification"), errors),
        title=texts["title"],
        content=texts["content"],
        date_of_incident=_date(raw.get("date_of_incident"), errors) or today,
        location=LOCATION.clean(location),
        place=place,
        category_id=references["category"],
        institution_id=references["institution_id"],
        location_id=references["location_id"],
        is_anonymous=_flag(raw, "is_anonymous", errors),
        is_secret=_flag(raw, "is_secret", errors),
        reporter=_reporter(raw.get("reporter"), errors),
        attachments=_attachments(raw.get("attachments"), folder, errors),
        language=_language(raw.get("language"), errors),
    )
    # Their stand-in values would break rules too; a part's refusal (`location.kecamatan`)
    # covers its whole (`location`).
    refused = {name for error in errors for name in (error.field, error.field.split(".")[0])}
    errors += [error for error in validate(report, today) if error.field not in refused]
    if errors:
        raise ReportInvalid(errors)
    return Submitted(report, client_id)


def _unknown_keys(raw: dict, known: frozenset[str], field: str) -> list[FieldError]:
    return [
        FieldError(field, "unknown_field", {"name": printable(key, 40)})
        for key in raw
        if key not in known
    ]


def _text(raw: dict, key: str, errors: list[FieldError], field: str | None = None) -> str:
    """The text at `key` ("" when absent or null); a value of another type is an error."""
    value = raw.get(key)
    if value is None or isinstance(value, str):
        return value or ""
    errors.append(FieldError(field or key, "not_text"))
    return ""


def _flag(raw: dict, key: str, errors: list[FieldError]) -> bool:
    value = raw.get(key, False)
    if isinstance(value, bool):
        return value
    errors.append(FieldError(key, "not_a_flag"))
    return False


def _client_id(value: Any, errors: list[FieldError]) -> str | None:
    """The report's own UUID (`uuid:` prefix allowed, as in ODK's instanceID), canonical."""
    if value is None:
        return None
    text = value.strip().removeprefix("uuid:") if isinstance(value, str) else ""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        errors.append(FieldError("id", "client_id_invalid"))
        return None


def _classification(value: Any, errors: list[FieldError]) -> Classification:
    try:
        return Classification(value)
    except ValueError:
        errors.append(FieldError("classification", "classification_unknown"))
        return Classification.PENGADUAN


def _date(value: Any, errors: list[FieldError]) -> date | None:
    """A `YYYY-MM-DD` string as a date (no other ISO form)."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors.append(FieldError("date_of_incident", "date_format"))
    return None


def _language(value: Any, errors: list[FieldError]) -> str:
    if value is None:
        return "id"
    if not isinstance(value, str):
        errors.append(FieldError("language", "not_text"))
        return "id"
    return value  # `validate` checks it is a language of the kiosk


def _reporter(value: Any, errors: list[FieldError]) -> Reporter:
    if value is None:
        return Reporter()
    if not isinstance(value, dict):
        errors.append(FieldError("reporter", "not_an_object"))
        return Reporter()
    errors += _unknown_keys(value, REPORTER_KEYS, "reporter")
    return Reporter(
        name=REPORTER_NAME.clean(_text(value, "name", errors, REPORTER_NAME.field)),
        phone=REPORTER_PHONE.clean(_text(value, "phone", errors, REPORTER_PHONE.field)),
        email=REPORTER_EMAIL.clean(_text(value, "email", errors, REPORTER_EMAIL.field)),
    )


def _place(value: Any, city: City | None, errors: list[FieldError]) -> tuple[Place, str]:
    """The place `location` names and its text (the detail, or the whole place as text)."""
    if isinstance(value, str) and PLACE_CODE.fullmatch(value.strip()):
        return _place_of_code(value.strip(), city, errors), ""
    if value is None or isinstance(value, str):
        return Place(), value or ""
    if not isinstance(value, dict):
        errors.append(FieldError("location", "location_form"))
        return Place(), ""
    errors += _unknown_keys(value, LOCATION_KEYS, "location")
    detail = _text(value, "detail", errors, "location_detail")
    kecamatan = _text(value, "kecamatan", errors, "location.kecamatan").strip()
    kelurahan = _text(value, "kelurahan", errors, "location.kelurahan").strip()
    if not (kecamatan or kelurahan):
        return Place(), detail  # a detail alone: the place as text
    if city is None:
        errors.append(FieldError("location", "place_unavailable"))
        return Place(), detail
    if not kecamatan:
        errors.append(FieldError("location.kecamatan", "required"))
        return Place(), detail
    district = _area(city.districts, kecamatan, "location.kecamatan", city.name, errors)
    if district is None:
        return Place(), detail
    village = None
    if kelurahan:
        within = f"Kecamatan {district.name}"
        village = _area(district.parts, kelurahan, "location.kelurahan", within, errors)
        if village is None:
            return Place(), detail
    return _place_in(city, district, village), detail


def _place_of_code(code: str, city: City | None, errors: list[FieldError]) -> Place:
    """The kecamatan or kelurahan of the terminal's city with this Kemendagri code."""
    if city is None:
        errors.append(FieldError("location", "place_unavailable"))
        return Place()
    found = city.place(code)
    if found is None:
        params = {"given": code, "within": city.name}
        errors.append(FieldError("location", "place_unknown_code", params))
        return Place()
    return _place_in(city, *found)


def _place_in(city: City, district: Area, village: Area | None) -> Place:
    return Place(
        code=(village or district).code,
        kota=city.name,
        kecamatan=district.name,
        kelurahan=village.name if village else "",
    )


def _area(
    areas: tuple[Area, ...], given: str, field: str, within: str, errors: list[FieldError]
) -> Area | None:
    """The area named or coded `given` (found as reference lists' names are), or None with
    the closest names in the error."""
    found = refdata.lookup([{"id": area.code, "name": area.name} for area in areas], given)
    if found.item is not None:
        return next(area for area in areas if area.code == found.item["id"])
    params: dict[str, Any] = {"given": printable(given, 80), "within": within}
    if found.problem == "ambiguous_name":
        key = "reference_ambiguous_name"
    elif found.problem == "unknown_id":
        key = "place_unknown_code"
    else:
        key = "place_unknown_name" if found.names else "place_unknown_name_no_match"
    errors.append(FieldError(field, key, params | _names_param(found.names)))
    return None


def _names_param(names: tuple[str, ...]) -> dict[str, str]:
    """`names` for a message: the first SHOWN_NAMES, and how many more; none when empty."""
    if not names:
        return {}
    shown = [printable(name, 80) for name in names[:SHOWN_NAMES]]
    more = len(names) - len(shown)
    return {"names": ", ".join(shown) + (f" (+{more})" if more else "")}


def _reference(value: Any, field: str, items: list[dict], errors: list[FieldError]) -> Any:
    """The id of the item `value` names (by id or by name); None when absent or unknown."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors.append(FieldError(field, "not_an_id_or_name"))
        return None
    found = refdata.lookup(items, value)
    if found.item is not None:
        return found.item["id"]
    kind = REFERENCE_FIELDS[field]
    params: dict[str, Any] = {"given": printable(value, 80), "kind": kind}
    key = f"reference_{found.problem}"
    if found.problem == "unknown_name" and not found.names:
        key = "reference_unknown_name_no_match"
    errors.append(FieldError(field, key, params | _names_param(found.names)))
    return None


def _attachments(
    value: Any, folder: AttachmentFolder, errors: list[FieldError]
) -> tuple[Attachment, ...]:
    """The recordings, read only once their number and every path's shape are right."""
    if value is None:
        return ()
    if not isinstance(value, list):
        errors.append(FieldError("attachments", "attachment_path"))
        return ()
    if too_many := check_attachment_count(len(value)):
        errors.append(too_many)
        return ()
    paths = []
    for item in value:
        if isinstance(item, dict):
            errors += _unknown_keys(item, ATTACHMENT_KEYS, "attachments")
            item = item.get("path")
        if not isinstance(item, str) or not item:
            errors.append(FieldError("attachments", "attachment_path"))
            continue
        paths.append(item)
    attachments = []
    for path in paths:
        try:
            attachments.append(folder.read(path))
        except AttachmentRefused as refused:
            errors.append(refused.error)
    return tuple(attachments)
