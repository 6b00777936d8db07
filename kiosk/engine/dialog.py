"""The dialog: one citizen's session, moved by events, described by views.

`Dialog.handle(event)` changes the state and returns the `View` to render;
`Dialog.view()` returns it again (a face's "repeat"). Everything the citizen
entered lives in one `Draft` and is dropped when the report is stored, the
citizen cancels or finishes, or the session times out.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import timedelta

from kiosk.engine.draft import Draft
from kiosk.engine.events import (
    Back,
    Cancel,
    Choose,
    Event,
    MoreTime,
    Next,
    Recorded,
    Tick,
    Type,
    UseAudio,
)
from kiosk.engine.screens import (
    FILING_STEPS,
    REVIEW_ITEMS,
    SCREENS,
    next_in_flow,
)
from kiosk.engine.services import DialogServices
from kiosk.engine.timer import IdleTimer, SessionSettings
from kiosk.engine.view import Choice, Entry, View
from kiosk.i18n import LANGUAGES, text
from kiosk.receipt import format_code, normalize_code
from kiosk.report import (
    CONTENT_LIMITS,
    LOCATION_LIMITS,
    NAME_LIMITS,
    TITLE_LIMITS,
    Classification,
    FieldError,
    check_date,
    check_phone,
    check_text,
    normalize_phone,
    validate,
)
from kiosk.store_health import StoreError
from kiosk.tracking import TrackResult

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
CHOICE_SCREENS_SETTING = {
    "classification": "classification",
    "date": "date_choice",
    "identity": "identity",
    "privacy": "privacy",
}
"""Choice screens whose choice id is stored as it is in the draft attribute named here."""


class Dialog:
    def __init__(
        self,
        services: DialogServices,
        settings: SessionSettings | None = None,
        default_language: str = "id",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.services = services
        self.default_language = default_language
        self.clock = clock
        self.timer = IdleTimer(settings or SessionSettings())
        self._reset()

    # -- state ------------------------------------------------------------------------------

    def _reset(self, notice: str = "") -> None:
        self._references: dict[str, list[dict]] = {}
        """Reference lists read for this session: every view needs them, they change between
        sessions (the forwarder syncs them), so they are read once a session."""
        self.language = self.default_language
        self.screen = "welcome"
        self.history: list[str] = []
        self.draft = Draft()
        self.error = ""
        self.notice = notice
        self.typed_code = ""
        self.receipt_code = ""
        self.track_result: TrackResult | None = None
        self.return_to_review = False
        self.audio = False
        self.action = ""
        self.timer.stop()

    def _go(self, screen: str, remember: bool = True) -> None:
        if remember and screen != self.screen:
            self.history.append(self.screen)
        self.screen = screen
        self.error = ""

    def _advance(self) -> None:
        """After answering a filing screen: the next one, or back to the review when editing."""
        self.draft.answered.add(self.screen)
        following = next_in_flow(self.screen, self.draft)
        if self.return_to_review and following in self.draft.answered:
            following = "review"
        self._go(following)

    # -- events -----------------------------------------------------------------------------

    def handle(self, event: Event) -> View:
        now = self.clock()
        if isinstance(event, Tick):
            if self.timer.expired(now):
                stored = self.screen == "receipt"  # its report is safe: nothing was lost
                self._reset()
                self.notice = "" if stored else text("ui.timeout_ended", self.language)
            return self.view()
        if self.timer.deadline is not None:
            seconds = self.timer.settings.receipt_timeout_s if self.screen == "receipt" else None
            self.timer.start(now, seconds)
        self.notice = ""
        self.action = ""
        match event:
            case UseAudio():
                # A report begun by touch goes on as typed: only the next one is recorded.
                self.audio = True
            case Recorded():
                self._recorded(event)
            case Cancel():
                self._reset()
            case Back():
                self._back()
            case Choose(choice_id):
                self._choose(choice_id)
            case Type(value):
                self._type(value)
            case Next():
                self._next()
            case MoreTime():
                pass  # the activity above already moved the deadline
        return self.view()

    def _back(self) -> None:
        """The previous screen that still applies (an answer may have ruled some out)."""
        while self.history:
            self.screen = self.history.pop()
            if SCREENS[self.screen].applies(self.draft):
                break
        else:
            return
        self.error = ""
        if self.screen == "review":
            self.return_to_review = True

    def _choose(self, choice_id: str) -> None:
        spec = SCREENS[self.screen]
        if spec.kind == "entry" or choice_id not in {choice.id for choice in self._choices()}:
            return
        handler = getattr(self, f"_choose_{self.screen}", None)
        if handler:
            handler(choice_id)
            return
        setattr(self.draft, CHOICE_SCREENS_SETTING[self.screen], choice_id)
        if self.screen == "identity" and self.draft.is_anonymous:
            self.draft.name = self.draft.phone = ""  # not collected when not needed
            self.draft.answered -= {"name", "phone"}
        self._advance()

    def _choose_welcome(self, language: str) -> None:
        self.language = language
        self.timer.start(self.clock())
        self._go("menu", remember=False)

    def _choose_menu(self, choice_id: str) -> None:
        self.draft = Draft(audio=self.audio)
        self.return_to_review = False
        self._go("classification" if choice_id == "file" else "track_code")

    def _choose_category(self, choice_id: str) -> None:
        self.draft.category_id = int(choice_id)
        self._advance()

    def _choose_agency(self, choice_id: str) -> None:
        self.draft.institution_id = None if choice_id == "skip" else int(choice_id)
        self._advance()

    def _choose_review(self, choice_id: str) -> None:
        self.return_to_review = True
        self._go(choice_id)

    def _choose_recording(self, choice_id: str) -> None:
        self.action = choice_id  # `record` or `listen`: the face has the microphone

    def _recorded(self, event: Recorded) -> None:
        if self.screen != "recording":
            return
        self.draft.attachments = [event.attachment]
        self.draft.recording_seconds = event.seconds
        self.draft.transcript = event.transcript
        self.error = text(event.problem, self.language) if event.problem else ""

    def _choose_receipt(self, choice_id: str) -> None:
        self._reset()

    def _choose_track_result(self, choice_id: str) -> None:
        if choice_id == "finish":
            self._reset()
            return
        self.typed_code = ""
        self._go("track_code")

    def _type(self, value: str) -> None:
        spec = SCREENS[self.screen]
        if spec.entry is None:
            return
        if spec.entry.kind in ("digits", "date", "code"):
            value = "".join(char for char in value if char.isdigit())
        if self.screen == "track_code":
            self.typed_code = value
        else:
            self.draft.set_entry(self.screen, value)
        self.error = ""  # the citizen is correcting it

    def _next(self) -> None:
        spec = SCREENS[self.screen]
        if spec.kind == "choice" and self.screen in self.draft.answered:
            self._advance()
        elif spec.kind == "review":
            self._save()
        elif spec.kind == "recording":
            if self.draft.attachments:
                self._advance()
            else:
                self.error = text("recording.required", self.language)
        elif spec.kind == "entry" and self.screen == "track_code":
            self._look_up()
        elif spec.kind == "entry":
            problem = self._check_entry()
            if problem:
                self.error = problem.describe(self.language)
            else:
                self._advance()

    def _check_entry(self) -> FieldError | None:
        value = self.draft.entry_value(self.screen).strip()
        match self.screen:
            case "title":
                return check_text("title", value, TITLE_LIMITS)
            case "content":
                return check_text("content", value, CONTENT_LIMITS, multiline=True)
            case "location":
                return check_text("location", value, LOCATION_LIMITS)
            case "name":
                return check_text("reporter.name", value, NAME_LIMITS)
            case "phone":
                return check_phone(normalize_phone(value)) if value else None
            case "date_entry":
                incident = self.draft.incident_date(self.services.today())
                if len(value) != 8 or incident is None:
                    return FieldError("date_of_incident", "date_format")
                return check_date(incident, self.services.today())
        return None

    def _look_up(self) -> None:
        code = normalize_code(self.typed_code)
        if code is None:
            self.error = text("code.invalid", self.language)
            return
        result = self.services.track(code, self.language)
        if result.problem:
            self.error = result.sentence
            return
        self.track_result = result
        self._go("track_result")

    def _save(self) -> None:
        today = self.services.today()
        if self.draft.audio:  # what a touch session types, an audio session says
            category = self._choice_label("category", str(self.draft.category_id))
            self.draft.title = text("recording.title", self.language, category=category)
            self.draft.content = text("recording.content", self.language)
            if self.draft.transcript:  # the recording stays attached either way
                self.draft.content += "\n\n" + text(
                    "recording.transcript", self.language, transcript=self.draft.transcript
                )
            self.draft.location = text("recording.location", self.language)
        report = self.draft.to_report(self.language, today)
        problems = validate(report, today)
        if problems:
            self.error = problems[0].describe(self.language)
            return
        try:
            code = self.services.save_report(report)
        except StoreError:
            self.error = text("ui.saving_failed", self.language)
            return
        kind = self._choice_label("classification", self.draft.classification)
        self.draft = Draft()  # stored durably: nothing personal stays in memory
        self.history.clear()
        self.receipt_code = code
        printed = self.services.print_receipt(format_code(code), kind, self.language)
        self.notice = text(printed, self.language) if printed else ""
        self.timer.start(self.clock(), self.timer.settings.receipt_timeout_s)
        self._go("receipt", remember=False)

    # -- the view ---------------------------------------------------------------------------

    def view(self) -> View:
        spec = SCREENS[self.screen]
        language = self.language
        step = spec.step
        entry = None
        if spec.entry is not None:
            value = (
                self.typed_code
                if self.screen == "track_code"
                else self.draft.entry_value(self.screen)
            )
            entry = Entry(
                spec.entry.kind,
                value,
                spec.entry.max_length,
                spec.entry.masked,
                spec.entry.personal,
            )
        code = ""
        if self.screen == "receipt":
            code = format_code(self.receipt_code)
        elif self.screen == "track_result" and self.track_result and self.track_result.item:
            code = format_code(self.track_result.item.code)
        return View(
            screen=self.screen,
            language=language,
            title=text(f"screen.{self.screen}.title", language),
            prompt=text(f"screen.{self.screen}.prompt", language, code=code),
            help=text(f"screen.{self.screen}.help", language),
            progress=text("ui.progress", language, step=step, steps=FILING_STEPS) if step else "",
            choices=self._choices(),
            entry=entry,
            lines=self._lines(),
            code=code,
            error=self.error,
            notice=self.notice,
            can_go_back=bool(self.history) and self.screen not in ("receipt", "track_result"),
            can_cancel=self.screen not in ("welcome", "receipt", "track_result"),
            can_go_next=spec.kind in ("entry", "review", "recording")
            or self.screen in self.draft.answered,
            next_label=text("choice.confirm" if spec.kind == "review" else "ui.next", language),
            timeout_warning=self.timer.warning(self.clock()),
            action=self.action,
            audio=self.audio,
        )

    def _choices(self, screen: str = "") -> tuple[Choice, ...]:
        """The choices of `screen` (default: the current one) in the session's language."""
        language = self.language
        match screen or self.screen:
            case "welcome":
                return tuple(Choice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES)
            case "menu":
                return self._labelled(("file", "track"))
            case "classification":
                return self._labelled([item.value for item in Classification], hints=True)
            case "category":
                return self._reference_choices("categories")
            case "agency":
                # "Skip" first: most citizens do not know the agency, and it needs no scrolling.
                return (self._labelled(("skip",))[0], *self._reference_choices("institutions"))
            case "date":
                today = self.services.today()
                return tuple(
                    Choice(choice_id, text(f"choice.{choice_id}", language), hint)
                    for choice_id, hint in (
                        ("today", today.strftime("%d-%m-%Y")),
                        ("yesterday", (today - timedelta(days=1)).strftime("%d-%m-%Y")),
                        ("other_date", ""),
                    )
                )
            case "identity":
                return self._labelled(("named", "anonymous"), hints=True)
            case "privacy":
                return self._labelled(("public", "secret"), hints=True)
            case "review":
                return tuple(
                    Choice(
                        item,
                        text(f"review.{item}", language),
                        self._review_value(item),
                        personal=item == "identity",
                    )
                    for item in REVIEW_ITEMS
                    if SCREENS[item].applies(self.draft)
                )
            case "recording":
                return self._labelled(
                    ("listen", "record") if self.draft.attachments else ("record",)
                )
            case "receipt":
                return self._labelled(("finish",))
            case "track_result":
                return self._labelled(("track_again", "finish"))
        return ()

    def _labelled(self, ids: Iterable[str], hints: bool = False) -> tuple[Choice, ...]:
        return tuple(
            Choice(
                choice_id,
                text(f"choice.{choice_id}", self.language),
                text(f"choice.{choice_id}_hint", self.language) if hints else "",
            )
            for choice_id in ids
        )

    def _reference_choices(self, kind: str) -> tuple[Choice, ...]:
        name_key = "name_en" if self.language == "en" else "name"
        return tuple(
            Choice(str(item["id"]), str(item.get(name_key) or item["name"]))
            for item in self._reference(kind)
        )

    def _reference(self, kind: str) -> list[dict]:
        if kind not in self._references:
            self._references[kind] = self.services.reference(kind)
        return self._references[kind]

    def _choice_label(self, screen: str, choice_id: str) -> str:
        labels = {choice.id: choice.label for choice in self._choices(screen)}
        return labels.get(choice_id, "")

    def _review_value(self, item: str) -> str:
        draft = self.draft
        empty = text("ui.empty_value", self.language)
        match item:
            case "category":
                return self._choice_label("category", str(draft.category_id))
            case "agency":
                chosen = "skip" if draft.institution_id is None else str(draft.institution_id)
                return self._choice_label("agency", chosen)
            case "title" | "location":
                return getattr(draft, item) or empty
            case "content":
                return draft.content if len(draft.content) <= 120 else draft.content[:117] + "..."
            case "date":
                if draft.date_choice in ("today", "yesterday"):  # said shortly, read exactly
                    return text(f"choice.{draft.date_choice}", self.language)
                incident = draft.incident_date(self.services.today())
                return incident.strftime("%d-%m-%Y") if incident else empty
            case "recording":
                seconds = round(draft.recording_seconds)
                return text("recording.summary", self.language, seconds=seconds)
            case "identity":
                label = self._choice_label("identity", draft.identity)
                details = ", ".join(part for part in (draft.name, draft.phone) if part)
                return f"{label}: {details}" if details and not draft.is_anonymous else label
        setting = CHOICE_SCREENS_SETTING[item]
        return self._choice_label(item, getattr(draft, setting))

    def _lines(self) -> tuple[str, ...]:
        if self.screen != "track_result" or self.track_result is None:
            return ()
        result = self.track_result
        lines = [result.sentence]
        if result.status:
            lines += [
                f"{followup.date} - {followup.institution}: {followup.content}"
                for followup in result.status.followups
            ]
        return tuple(lines)
