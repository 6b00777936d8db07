"""The flows as data: which screens exist, what each asks, in which order.

Texts are not here but in `kiosk/locale/*.toml` under `screen.<id>` and
`choice.<id>`, so a translator edits catalogs only. A screen whose `applies`
rule is false for the draft is skipped, forward and back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from kiosk.engine.draft import Draft
from kiosk.engine.view import EntryKind
from kiosk.report import CONTENT_LIMITS, LOCATION_LIMITS, NAME_LIMITS, TITLE_LIMITS

ScreenKind = Literal["choice", "entry", "review", "receipt", "status", "recording"]


@dataclass(frozen=True)
class EntrySpec:
    kind: EntryKind
    max_length: int
    masked: bool = False
    """A secret: shown as dots, never spoken (a tone for each digit)."""
    personal: bool = False
    """Personal data (UU PDP): a face never says it where others may hear it."""


@dataclass(frozen=True)
class ScreenSpec:
    id: str
    kind: ScreenKind
    step: int = 0
    """Which of the filing steps this screen belongs to (0: not part of the count)."""
    entry: EntrySpec | None = None
    applies: Callable[[Draft], bool] = lambda draft: True


FILING_STEPS = 6


def _named(draft: Draft) -> bool:
    return not draft.is_anonymous


def _typed(draft: Draft) -> bool:
    """Text is typed on the touch screen; an audio session records it instead."""
    return not draft.audio


def _named_and_typed(draft: Draft) -> bool:
    return _named(draft) and _typed(draft)


SCREENS: dict[str, ScreenSpec] = {
    spec.id: spec
    for spec in (
        ScreenSpec("welcome", "choice"),
        ScreenSpec("menu", "choice"),
        ScreenSpec("classification", "choice", step=1),
        ScreenSpec("category", "choice", step=2),
        ScreenSpec("agency", "choice", step=2),
        ScreenSpec(
            "title", "entry", step=3, entry=EntrySpec("text", TITLE_LIMITS[1]), applies=_typed
        ),
        ScreenSpec(
            "content",
            "entry",
            step=3,
            entry=EntrySpec("multiline", CONTENT_LIMITS[1]),
            applies=_typed,
        ),
        ScreenSpec("recording", "recording", step=3, applies=lambda draft: draft.audio),
        ScreenSpec("date", "choice", step=4),
        ScreenSpec(
            "date_entry",
            "entry",
            step=4,
            entry=EntrySpec("date", 8),
            applies=lambda draft: draft.date_choice == "other_date",
        ),
        ScreenSpec(
            "location",
            "entry",
            step=4,
            entry=EntrySpec("text", LOCATION_LIMITS[1]),
            applies=_typed,
        ),
        ScreenSpec("identity", "choice", step=5),
        ScreenSpec(
            "name",
            "entry",
            step=5,
            entry=EntrySpec("text", NAME_LIMITS[1], personal=True),
            applies=_named_and_typed,
        ),
        ScreenSpec(
            "phone",
            "entry",
            step=5,
            entry=EntrySpec("phone", 16, personal=True),
            applies=_named,
        ),
        ScreenSpec("privacy", "choice", step=5),
        ScreenSpec("review", "review", step=6),
        ScreenSpec("receipt", "receipt"),
        ScreenSpec("track_code", "entry", entry=EntrySpec("code", 14)),
        ScreenSpec("track_result", "status"),
    )
}

FILING_FLOW = (
    "classification",
    "category",
    "agency",
    "title",
    "content",
    "recording",
    "date",
    "date_entry",
    "location",
    "identity",
    "name",
    "phone",
    "privacy",
    "review",
)

REVIEW_ITEMS = tuple(
    screen for screen in FILING_FLOW if screen not in ("date_entry", "name", "phone", "review")
)
"""What the review lists (those that apply), each a choice that opens its screen."""


def next_in_flow(current: str, draft: Draft) -> str:
    """The screen after `current` in the filing flow, skipping those that do not apply."""
    position = FILING_FLOW.index(current)
    for screen in FILING_FLOW[position + 1 :]:
        if SCREENS[screen].applies(draft):
            return screen
    return "review"
