"""What a screen is, as data: its kind, the draft field it fills, the rule of its entry, its
choices, its line on the review, when it applies, and what choosing on it does.

The screens themselves are declared in `kiosk/engine/screens.py`, one `ScreenSpec` each; the
dialog moves between them by these specs alone. A screen id is a `Screen` (a str enum of
screens.py), held here as `str` because screens.py builds on this module. A screen's kind, a
`ScreenKind`, is declared with the view (kiosk/engine/view.py), which carries it to the faces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from kiosk.engine.draft import Draft
from kiosk.engine.ports import City, DialogServices
from kiosk.engine.view import Choice, EntryKind, ScreenKind
from kiosk.i18n import text
from kiosk.report import FieldError

# -- entries ------------------------------------------------------------------------------


class EntryRule(Protocol):
    """What a typed value must follow (`kiosk.report_rules` has those of the report's fields)."""

    @property
    def max_length(self) -> int:
        """The longest value a face lets the citizen type."""
        ...

    def check_entry(self, typed: str, today: date) -> FieldError | None:
        """The first rule the typed value breaks, if any."""
        ...


@dataclass(frozen=True)
class Unchecked:
    """An entry no rule checks as it is typed (a receipt code is checked by looking it up)."""

    max_length: int

    def check_entry(self, typed: str, today: date) -> FieldError | None:
        return None


def never(draft: Draft) -> bool:
    return False


@dataclass(frozen=True)
class EntrySpec:
    kind: EntryKind
    rule: EntryRule
    masked: bool = False
    """A secret: shown as dots, never spoken (a tone for each digit)."""
    personal: bool = False
    """Personal data (UU PDP): a face never says it where others may hear it."""
    may_be_empty: Callable[[Draft], bool] = never
    """Left empty, the entry is accepted without its rule (the place's detail, once the
    place is chosen)."""

    @property
    def digits_only(self) -> bool:
        """Only the digits of what is typed are kept (a phone number keeps its `+`, spaces)."""
        return self.kind in ("digits", "date", "code")


# -- what choosing does -------------------------------------------------------------------


@dataclass(frozen=True)
class Advance:
    """The answer is in the draft: on to the next screen of the flow that applies."""


@dataclass(frozen=True)
class Open:
    """Go to `screen`; Back returns here."""

    screen: str


@dataclass(frozen=True)
class Edit:
    """From the review: change the answer of `screen`, then return to the review."""

    screen: str


@dataclass(frozen=True)
class Begin:
    """A new, empty draft, then `screen`."""

    screen: str


@dataclass(frozen=True)
class Start:
    """The session begins in `language`, on `screen` (Back does not return before it)."""

    language: str
    screen: str


@dataclass(frozen=True)
class Finish:
    """The session ends: everything entered is wiped."""


@dataclass(frozen=True)
class Act:
    """The face must do what the engine cannot: `record` or `listen` (audio)."""

    action: str


Move = Advance | Open | Edit | Begin | Start | Finish | Act


# -- what choices and review lines read ---------------------------------------------------


class ScreenContext:
    """The draft, the session's language, the terminal's date and its reference lists."""

    def __init__(
        self,
        draft: Draft,
        language: str,
        services: DialogServices,
        references: dict[str, list[dict]],
    ) -> None:
        self.draft = draft
        self.language = language
        self.services = services
        self._references = references
        """Reference lists read in this session: every view needs them, they change between
        sessions (the forwarder syncs them), so they are read once a session."""

    def today(self) -> date:
        return self.services.today()

    def city(self) -> City | None:
        return self.services.city()

    def reference(self, kind: str) -> list[dict]:
        """`categories` or `institutions`, read once a session."""
        if kind not in self._references:
            self._references[kind] = self.services.reference(kind)
        return self._references[kind]


ChoiceSource = Callable[[ScreenContext], tuple[Choice, ...]]


def no_choices(context: ScreenContext) -> tuple[Choice, ...]:
    return ()


@dataclass(frozen=True)
class Labelled:
    """Choices of fixed ids, labelled from the catalog: `choice.<id>` (and `choice.<id>_hint`)."""

    ids: tuple[str, ...]
    hints: bool = False

    def __call__(self, context: ScreenContext) -> tuple[Choice, ...]:
        return labelled(self.ids, context.language, self.hints)


def labelled(ids: Iterable[str], language: str, hints: bool = False) -> tuple[Choice, ...]:
    return tuple(
        Choice(
            choice_id,
            text(f"choice.{choice_id}", language),
            text(f"choice.{choice_id}_hint", language) if hints else "",
        )
        for choice_id in ids
    )


@dataclass(frozen=True)
class ReferenceChoices:
    """The items of a reference list (`categories`, `institutions`), by id, in the session's
    language where the list has it."""

    kind: str

    def __call__(self, context: ScreenContext) -> tuple[Choice, ...]:
        name_key = "name_en" if context.language == "en" else "name"
        return tuple(
            Choice(str(item["id"]), str(item.get(name_key) or item["name"]))
            for item in context.reference(self.kind)
        )


# -- the spec -----------------------------------------------------------------------------

ChooseAction = Callable[["ScreenSpec", Draft, str], Move]
"""What choosing does: (the screen, the draft, the choice id) -> the move; it may fill the draft."""


def store_choice(spec: ScreenSpec, draft: Draft, choice_id: str) -> Move:
    """The choice id, as it is, into the draft field the screen fills; then on."""
    setattr(draft, spec.fills, choice_id)
    return Advance()


@dataclass(frozen=True)
class ReviewLine:
    """How the review shows a screen's answer (the line opens the screen to change it)."""

    value: Callable[[ScreenSpec, ScreenContext], str]
    personal: bool = False
    """The value is personal data (UU PDP): never said where others may hear it."""


def always(draft: Draft) -> bool:
    return True


@dataclass(frozen=True)
class RecordingSpec:
    """What a recording screen records."""

    filename: str
    """The file's name in the report (and the key of the draft's recording)."""
    required: bool = True
    """False: the citizen may go on without recording."""


@dataclass(frozen=True)
class ScreenSpec:
    kind: ScreenKind
    step: int = 0
    """Which of the filing steps this screen belongs to (0: not part of the filing flow)."""
    fills: str = ""
    """The draft field its entry or its choice fills."""
    entry: EntrySpec | None = None
    records: RecordingSpec | None = None
    """A recording screen: what it records."""
    choices: ChoiceSource = no_choices
    choose: ChooseAction = store_choice
    review: ReviewLine | None = None
    """Its line on the review; None: not listed there."""
    resolve: Callable[[ScreenContext], str] | None = None
    """What an entry that follows its rule means further: it may fill more of the draft, and
    returns the catalog key of a problem ("" when none; the entry is then accepted)."""
    applies: Callable[[Draft], bool] = always
    """False: the screen is skipped, forward and back."""
    can_go_back: bool = True
    """The Back button is shown (where there is a screen to return to). It only hides the
    button: a Back event (a keypad key) still returns, `Dialog._back` does not ask."""
    can_cancel: bool = True

    def __post_init__(self) -> None:
        """A recording screen says what it records; no other screen records."""
        if (self.kind is ScreenKind.RECORDING) != (self.records is not None):
            raise ValueError(f"a {self.kind} screen with records={self.records!r}")

    def value(self, draft: Draft) -> Any:
        """What the draft holds in the field this screen fills."""
        return getattr(draft, self.fills)

    def label(self, context: ScreenContext, choice_id: str) -> str:
        """The label of this screen's choice `choice_id`; "" when it offers none such."""
        return next((c.label for c in self.choices(context) if c.id == choice_id), "")
