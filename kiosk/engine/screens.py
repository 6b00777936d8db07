"""The screens, each declared once: its id in `Screen`, its spec in `SCREENS`.

Texts are not here but in `kiosk/locale/*.toml` under `screen.<id>`, `choice.<id>` and
`review.<id>`, so a translator edits catalogs only. The filing flow is the screens with a
step, in the order of `SCREENS`; a screen whose `applies` rule is false for the draft is
skipped, forward and back. Adding a screen is its member here, its spec, and its texts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import timedelta
from enum import StrEnum

from kiosk import receipt
from kiosk import report_rules as rules
from kiosk.engine.draft import KELURAHAN_UNKNOWN, OUTSIDE, Draft
from kiosk.engine.places import chosen_areas, place_code, place_of
from kiosk.engine.ports import Area
from kiosk.engine.screen_spec import (
    Act,
    Advance,
    Begin,
    Edit,
    EntrySpec,
    Finish,
    Labelled,
    Move,
    Open,
    RecordingSpec,
    ReferenceChoices,
    ReviewLine,
    ScreenContext,
    ScreenSpec,
    Start,
    Unchecked,
    labelled,
    store_choice,
)
from kiosk.engine.view import Choice, ScreenKind
from kiosk.i18n import LANGUAGES, text
from kiosk.report import Classification


class Screen(StrEnum):
    WELCOME = "welcome"
    MENU = "menu"
    CLASSIFICATION = "classification"
    CATEGORY = "category"
    KECAMATAN = "kecamatan"
    KELURAHAN = "kelurahan"
    OTHER_CITY = "other_city"
    OTHER_CITY_PICK = "other_city_pick"
    LOCATION = "location"
    PLACE_RECORDING = "place_recording"
    AGENCY = "agency"
    TITLE = "title"
    CONTENT = "content"
    RECORDING = "recording"
    DATE = "date"
    DATE_ENTRY = "date_entry"
    IDENTITY = "identity"
    NAME = "name"
    PHONE = "phone"
    PRIVACY = "privacy"
    REVIEW = "review"
    RECEIPT = "receipt"
    TRACK_CODE = "track_code"
    TRACK_RESULT = "track_result"


LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
RECEIPT_CODE_LENGTH = receipt.CODE_LENGTH + len(receipt.GROUPS) - 1
"""A receipt code as shown, `0001-123-456-7`: its digits and a dash between two groups."""
CITY_NAME_LENGTH = 60
"""Long enough for any kota or kabupaten's name; a name is checked by looking it up."""
LEAVE_TO_STAFF = "skip"
"""The agency choice that leaves the office to LAPOR!'s staff."""
COMPLAINT_RECORDING = RecordingSpec("laporan-suara.flac")
PLACE_RECORDING = RecordingSpec("keterangan-tempat.flac", required=False)
REVIEW_CONTENT_CHARS = 120
"""The review shows this much of a long complaint."""


# -- when a screen applies ----------------------------------------------------------------


def _named(draft: Draft) -> bool:
    return not draft.is_anonymous


def _typed(draft: Draft) -> bool:
    """Text is typed on the touch screen; an audio session records it instead."""
    return not draft.audio


def _audio_session(draft: Draft) -> bool:
    return draft.audio


def _place_said(draft: Draft) -> bool:
    """An audio session says the place's detail, once the place is chosen from the city's."""
    return draft.audio and draft.city_known


def _other_date(draft: Draft) -> bool:
    return draft.date_choice == "other_date"


def _city_known(draft: Draft) -> bool:
    return draft.city_known


def _in_the_city(draft: Draft) -> bool:
    return draft.city_known and bool(draft.kecamatan) and not draft.outside


def _elsewhere(draft: Draft) -> bool:
    return draft.city_known and draft.outside


def _several_found(draft: Draft) -> bool:
    return _elsewhere(draft) and len(draft.other_city_matches) > 1


def _detail_is_optional(draft: Draft) -> bool:
    """With the place chosen, the detail only helps; without, it is the whole place."""
    return draft.city_known


# -- choices ------------------------------------------------------------------------------


def _languages(context: ScreenContext) -> tuple[Choice, ...]:
    return tuple(Choice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES)


def _kecamatan_choices(context: ScreenContext) -> tuple[Choice, ...]:
    city = context.city()
    if city is None:
        return ()
    outside = Choice(OUTSIDE, text("choice.outside", context.language, city=city.name))
    return (*_by_name(city.districts), outside)


def _kelurahan_choices(context: ScreenContext) -> tuple[Choice, ...]:
    """The kecamatan's kelurahan by name, then "do not know" (the kecamatan is the place)."""
    district, _ = chosen_areas(context.draft, context.city())
    if district is None:
        return ()
    unknown = Choice(KELURAHAN_UNKNOWN, text("choice.kelurahan_unknown", context.language))
    return (*_by_name(district.parts), unknown)


def _by_name(areas: Iterable[Area]) -> tuple[Choice, ...]:
    """Areas in the order a citizen looks for a name (Kemendagri's order is by code)."""
    return tuple(
        Choice(area.code, area.name)
        for area in sorted(areas, key=lambda area: area.name.casefold())
    )


def _other_city_choices(context: ScreenContext) -> tuple[Choice, ...]:
    return tuple(Choice(code, name) for code, name in context.draft.other_city_matches)


def _agencies(context: ScreenContext) -> tuple[Choice, ...]:
    """The office the category suggests for the place first, then leaving it to LAPOR!'s
    staff, then the place's own offices and the city's agencies. Without the city's offices
    (no city file, or a place elsewhere), LAPOR!'s list of institutions."""
    # "Skip" before any long list: most citizens do not know the agency.
    skip = labelled((LEAVE_TO_STAFF,), context.language)
    code = place_code(context.draft, context.city())
    offices = context.services.offices(code) if code else ()
    if not offices:
        return (*skip, *ReferenceChoices("institutions")(context))
    suggested = context.services.suggested_office(context.draft.category_id, code)
    first = ()
    if suggested is not None:
        hint = text("choice.suggested_hint", context.language)
        first = (Choice(str(suggested.id), suggested.name, hint),)
    rest = tuple(
        Choice(str(office.id), office.name)
        for office in offices
        if suggested is None or office.id != suggested.id
    )
    return (*first, *skip, *rest)


def _dates(context: ScreenContext) -> tuple[Choice, ...]:
    today = context.today()
    return tuple(
        Choice(choice_id, text(f"choice.{choice_id}", context.language), hint)
        for choice_id, hint in (
            ("today", today.strftime("%d-%m-%Y")),
            ("yesterday", (today - timedelta(days=1)).strftime("%d-%m-%Y")),
            ("other_date", ""),
        )
    )


@dataclass(frozen=True)
class _RecordingChoices:
    """Record; once recorded, listen to it too; one that failed its checks may be sent as it
    is, or, where the recording may be skipped, dropped."""

    records: RecordingSpec

    def __call__(self, context: ScreenContext) -> tuple[Choice, ...]:
        part = context.draft.recordings.get(self.records.filename)
        if part is None:
            return labelled(("record",), context.language)
        ids = ("listen", "record")
        if not part.usable:
            ids += ("send_anyway",) if self.records.required else ("send_anyway", "no_recording")
        return labelled(ids, context.language)


def _review_items(context: ScreenContext) -> tuple[Choice, ...]:
    """Every answer listed on the review (of the screens that apply), in the flow's order."""
    return tuple(
        Choice(
            screen,
            text(f"review.{screen}", context.language),
            spec.review.value(spec, context),
            personal=spec.review.personal,
        )
        for screen, spec in SCREENS.items()
        if spec.review and spec.applies(context.draft)
    )


# -- what choosing does -------------------------------------------------------------------


def _start(spec: ScreenSpec, draft: Draft, language: str) -> Move:
    return Start(language, Screen.MENU)


def _begin(spec: ScreenSpec, draft: Draft, choice_id: str) -> Move:
    return Begin(Screen.CLASSIFICATION if choice_id == "file" else Screen.TRACK_CODE)


def _category(spec: ScreenSpec, draft: Draft, choice_id: str) -> Move:
    draft.category_id = int(choice_id)
    return Advance()


def _agency(spec: ScreenSpec, draft: Draft, choice_id: str) -> Move:
    draft.institution_id = None if choice_id == LEAVE_TO_STAFF else int(choice_id)
    return Advance()


def _forget_agency(draft: Draft) -> None:
    """Another place: the office chosen for the last one is asked again."""
    draft.institution_id = None
    draft.answered.discard(Screen.AGENCY)


def _kecamatan(spec: ScreenSpec, draft: Draft, choice_id: str) -> Move:
    if choice_id != draft.kecamatan:
        draft.kelurahan = draft.other_city_query = draft.other_city = ""
        draft.other_city_matches = ()
        draft.answered -= {Screen.KELURAHAN, Screen.OTHER_CITY, Screen.OTHER_CITY_PICK}
        _forget_agency(draft)
    return store_choice(spec, draft, choice_id)


def _another_place(spec: ScreenSpec, draft: Draft, choice_id: str) -> Move:
    """A kelurahan, or a kota elsewhere picked among those found."""
    if choice_id != spec.value(draft):
        _forget_agency(draft)
    return store_choice(spec, draft, choice_id)


def _find_other_city(context: ScreenContext) -> str:
    """The kota or kabupaten typed: taken when one has that name, picked among several."""
    draft, city = context.draft, context.city()
    found = tuple(
        (code, name)
        for code, name in (city.search_others(draft.other_city_query) if city else ())
        if code != city.code  # the terminal's own city is chosen by its kecamatan instead
    )
    if not found:
        return "place.city_not_found"
    if found != draft.other_city_matches:
        draft.other_city_matches = found
        draft.other_city = found[0][0] if len(found) == 1 else ""
        draft.answered.discard(Screen.OTHER_CITY_PICK)
        _forget_agency(draft)
    return ""


def _identity(spec: ScreenSpec, draft: Draft, choice_id: str) -> Move:
    move = store_choice(spec, draft, choice_id)
    if draft.is_anonymous:
        draft.name = draft.phone = ""  # not collected when not needed
        draft.answered -= {Screen.NAME, Screen.PHONE}
    return move


def _act(spec: ScreenSpec, draft: Draft, action: str) -> Move:
    return Act(action)  # `record` or `listen`: the face has the microphone


def _recording_choice(spec: ScreenSpec, draft: Draft, choice_id: str) -> Move:
    """Record or listen (the face acts); or, for a recording that failed its checks, send it
    as it is (only this explicit choice does) or go on without it (where it may be skipped)."""
    filename = spec.records.filename
    if choice_id == "send_anyway":
        draft.recordings[filename] = replace(draft.recordings[filename], sent_anyway=True)
        return Advance()
    if choice_id == "no_recording":
        del draft.recordings[filename]
        return Advance()
    return _act(spec, draft, choice_id)


def _edit(spec: ScreenSpec, draft: Draft, screen: str) -> Move:
    return Edit(Screen(screen))


def _finish(spec: ScreenSpec, draft: Draft, choice_id: str) -> Move:
    return Finish()


def _after_status(spec: ScreenSpec, draft: Draft, choice_id: str) -> Move:
    if choice_id == "finish":
        return Finish()
    draft.track_code = ""
    return Open(Screen.TRACK_CODE)


# -- how the review shows an answer -------------------------------------------------------


def _chosen(spec: ScreenSpec, context: ScreenContext) -> str:
    return spec.label(context, str(spec.value(context.draft)))  # a category's id is a number


def _typed_text(spec: ScreenSpec, context: ScreenContext) -> str:
    return spec.value(context.draft) or text("ui.empty_value", context.language)


def _shortened(spec: ScreenSpec, context: ScreenContext) -> str:
    value = spec.value(context.draft)
    if len(value) <= REVIEW_CONTENT_CHARS:
        return value
    return value[: REVIEW_CONTENT_CHARS - 3] + "..."


def _chosen_agency(spec: ScreenSpec, context: ScreenContext) -> str:
    chosen = spec.value(context.draft)
    return spec.label(context, LEAVE_TO_STAFF if chosen is None else str(chosen))


def _date_line(spec: ScreenSpec, context: ScreenContext) -> str:
    draft = context.draft
    if draft.date_choice in ("today", "yesterday"):  # said shortly, read exactly
        return spec.label(context, draft.date_choice)
    incident = draft.incident_date(context.today())
    return incident.strftime("%d-%m-%Y") if incident else text("ui.empty_value", context.language)


def _place_line(spec: ScreenSpec, context: ScreenContext) -> str:
    names = place_of(context.draft, context.city()).names()
    return names or text("ui.empty_value", context.language)


def _recording_line(spec: ScreenSpec, context: ScreenContext) -> str:
    part = context.draft.recordings.get(spec.records.filename)
    if part is None:
        return text("ui.empty_value", context.language)
    summary = text("recording.summary", context.language, seconds=round(part.seconds))
    if part.sent_anyway:  # said on the review too
        return text("recording.summary_problem", context.language, summary=summary)
    return summary


def _identity_line(spec: ScreenSpec, context: ScreenContext) -> str:
    draft = context.draft
    label = _chosen(spec, context)
    details = ", ".join(part for part in (draft.name, draft.phone) if part)
    return f"{label}: {details}" if details and not draft.is_anonymous else label


_CHOSEN = ReviewLine(_chosen)
_TYPED = ReviewLine(_typed_text)


def _recording_screen(
    step: int, records: RecordingSpec, applies: Callable[[Draft], bool] = _audio_session
) -> ScreenSpec:
    """A screen of an audio session where the citizen records what a touch session types."""
    return ScreenSpec(
        ScreenKind.RECORDING,
        step=step,
        records=records,
        choices=_RecordingChoices(records),
        choose=_recording_choice,
        review=ReviewLine(_recording_line),
        applies=applies,
    )


# -- the screens --------------------------------------------------------------------------

SCREENS: dict[Screen, ScreenSpec] = {
    Screen.WELCOME: ScreenSpec(
        ScreenKind.CHOICE, choices=_languages, choose=_start, can_cancel=False
    ),
    Screen.MENU: ScreenSpec(ScreenKind.CHOICE, choices=Labelled(("file", "track")), choose=_begin),
    Screen.CLASSIFICATION: ScreenSpec(
        ScreenKind.CHOICE,
        step=1,
        fills="classification",
        choices=Labelled(tuple(item.value for item in Classification), hints=True),
        review=_CHOSEN,
    ),
    Screen.CATEGORY: ScreenSpec(
        ScreenKind.CHOICE,
        step=2,
        fills="category_id",
        choices=ReferenceChoices("categories"),
        choose=_category,
        review=_CHOSEN,
    ),
    Screen.KECAMATAN: ScreenSpec(
        ScreenKind.CHOICE,
        step=3,
        fills="kecamatan",
        choices=_kecamatan_choices,
        choose=_kecamatan,
        review=ReviewLine(_place_line),
        applies=_city_known,
    ),
    Screen.KELURAHAN: ScreenSpec(
        ScreenKind.CHOICE,
        step=3,
        fills="kelurahan",
        choices=_kelurahan_choices,
        choose=_another_place,
        applies=_in_the_city,
    ),
    Screen.OTHER_CITY: ScreenSpec(
        ScreenKind.ENTRY,
        step=3,
        fills="other_city_query",
        entry=EntrySpec("text", Unchecked(CITY_NAME_LENGTH)),
        resolve=_find_other_city,
        applies=_elsewhere,
    ),
    Screen.OTHER_CITY_PICK: ScreenSpec(
        ScreenKind.CHOICE,
        step=3,
        fills="other_city",
        choices=_other_city_choices,
        choose=_another_place,
        applies=_several_found,
    ),
    Screen.LOCATION: ScreenSpec(
        ScreenKind.ENTRY,
        step=3,
        fills="location",
        entry=EntrySpec("text", rules.LOCATION, may_be_empty=_detail_is_optional),
        review=_TYPED,
        applies=_typed,
    ),
    Screen.PLACE_RECORDING: _recording_screen(step=3, records=PLACE_RECORDING, applies=_place_said),
    Screen.AGENCY: ScreenSpec(
        ScreenKind.CHOICE,
        step=3,
        fills="institution_id",
        choices=_agencies,
        choose=_agency,
        review=ReviewLine(_chosen_agency),
    ),
    Screen.TITLE: ScreenSpec(
        ScreenKind.ENTRY,
        step=4,
        fills="title",
        entry=EntrySpec("text", rules.TITLE),
        review=_TYPED,
        applies=_typed,
    ),
    Screen.CONTENT: ScreenSpec(
        ScreenKind.ENTRY,
        step=4,
        fills="content",
        entry=EntrySpec("multiline", rules.CONTENT),
        review=ReviewLine(_shortened),
        applies=_typed,
    ),
    Screen.RECORDING: _recording_screen(step=4, records=COMPLAINT_RECORDING),
    Screen.DATE: ScreenSpec(
        ScreenKind.CHOICE,
        step=4,
        fills="date_choice",
        choices=_dates,
        review=ReviewLine(_date_line),
    ),
    Screen.DATE_ENTRY: ScreenSpec(
        ScreenKind.ENTRY,
        step=4,
        fills="date_typed",
        entry=EntrySpec("date", rules.DATE_OF_INCIDENT),
        applies=_other_date,
    ),
    Screen.IDENTITY: ScreenSpec(
        ScreenKind.CHOICE,
        step=5,
        fills="identity",
        choices=Labelled(("named", "anonymous"), hints=True),
        choose=_identity,
        review=ReviewLine(_identity_line, personal=True),
    ),
    Screen.NAME: ScreenSpec(
        ScreenKind.ENTRY,
        step=5,
        fills="name",
        entry=EntrySpec("text", rules.REPORTER_NAME, personal=True),
        applies=_named,
    ),
    Screen.PHONE: ScreenSpec(
        ScreenKind.ENTRY,
        step=5,
        fills="phone",
        entry=EntrySpec("phone", rules.REPORTER_PHONE, personal=True),
        applies=_named,
    ),
    Screen.PRIVACY: ScreenSpec(
        ScreenKind.CHOICE,
        step=5,
        fills="privacy",
        choices=Labelled(("public", "secret"), hints=True),
        review=_CHOSEN,
    ),
    Screen.REVIEW: ScreenSpec(ScreenKind.REVIEW, step=6, choices=_review_items, choose=_edit),
    Screen.RECEIPT: ScreenSpec(
        ScreenKind.RECEIPT,
        choices=Labelled(("finish",)),
        choose=_finish,
        can_go_back=False,
        can_cancel=False,
    ),
    Screen.TRACK_CODE: ScreenSpec(
        ScreenKind.LOOKUP,
        fills="track_code",
        entry=EntrySpec("code", Unchecked(RECEIPT_CODE_LENGTH)),
    ),
    Screen.TRACK_RESULT: ScreenSpec(
        ScreenKind.STATUS,
        choices=Labelled(("track_again", "finish")),
        choose=_after_status,
        can_go_back=False,
        can_cancel=False,
    ),
}

FILING_FLOW = tuple(screen for screen, spec in SCREENS.items() if spec.step)
FILING_STEPS = max(spec.step for spec in SCREENS.values())


def next_in_flow(current: Screen, draft: Draft, editing: bool) -> Screen:
    """The screen after `current` in the filing flow, skipping those that do not apply; when
    `editing` from the review, the next one not answered yet (a changed answer may have
    ruled new screens in, or asked again for one: another place, another office), else the
    review."""
    position = FILING_FLOW.index(current)
    for screen in FILING_FLOW[position + 1 :]:
        if SCREENS[screen].applies(draft) and not (editing and screen in draft.answered):
            return screen
    return Screen.REVIEW
