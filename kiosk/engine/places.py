"""Where it happened: the draft keeps the codes chosen, the terminal's city their names."""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.engine.draft import Draft
from kiosk.engine.ports import Area, City
from kiosk.report import Place


def chosen_areas(draft: Draft, city: City | None) -> tuple[Area | None, Area | None]:
    """The chosen kecamatan and kelurahan of the terminal's city (None where not chosen)."""
    if city is None or draft.outside:
        return None, None
    district = _by_code(city.districts, draft.kecamatan)
    village = _by_code(district.parts, draft.kelurahan) if district else None
    return district, village


def place_code(draft: Draft, city: City | None) -> str:
    """The deepest code chosen in the terminal's city; "" when none is (or it is elsewhere)."""
    district, village = chosen_areas(draft, city)
    chosen = village or district
    return chosen.code if chosen else ""


def other_city_name(draft: Draft) -> str:
    return dict(draft.other_city_matches).get(draft.other_city, "")


def place_of(draft: Draft, city: City | None) -> Place:
    """The place for the report, with its names, as deep as it was chosen."""
    if city is None or not draft.city_known:
        return Place()
    if draft.outside:
        return Place(draft.other_city, other_city_name(draft)) if draft.other_city else Place()
    district, village = chosen_areas(draft, city)
    if district is None:
        return Place()
    return Place(
        (village or district).code,
        city.name,
        district.name,
        village.name if village else "",
    )


def _by_code(areas: Sequence[Area], code: str) -> Area | None:
    return next((area for area in areas if area.code == code), None) if code else None
