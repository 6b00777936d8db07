"""The dialog: one citizen's session, moved by events, described by views.

`Dialog.handle(event)` changes the state and returns the `View` to render;
`Dialog.view()` returns it again (a face's "repeat"). Everything the citizen
entered lives in one `Draft` and is dropped when the report is stored, the
citizen cancels or finishes, or the session times out. What a screen does is its
spec (kiosk/engine/screens.py): the dialog acts by the kind of the screen and by the
move a choice makes, and builds the view with kiosk/engine/view_builder.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.engine.draft import Draft, SpokenPart
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
from kiosk.engine.places import place_of
from kiosk.engine.ports import DialogServices, FollowUpResult, SavingFailed
from kiosk.engine.screen_spec import (
    Act,
    Advance,
    Begin,
    Edit,
    EntrySpec,
    Finish,
    Move,
    Open,
    RecordingSpec,
    ScreenContext,
    ScreenSpec,
    Start,
)
from kiosk.engine.screens import (
    COMPLAINT_RECORDING,
    PLACE_RECORDING,
    SCREENS,
    Screen,
    next_in_flow,
)
from kiosk.engine.session_settings import SessionSettings
from kiosk.engine.timer import IdleTimer
from kiosk.engine.view import ScreenKind, View
from kiosk.engine.view_builder import build_view
from kiosk.i18n import has_text, text
from kiosk.receipt import format_code, normalize_code
from kiosk.report import Attachment, FieldError, Place
from kiosk.report_rules import validate


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
        self.notice_timer = IdleTimer(self.timer.settings)
        """How long the notice that a session ended stays, for the next citizen."""
        self._reset()

    # -- state ------------------------------------------------------------------------------

    def _reset(self) -> None:
        self._references: dict[str, list[dict]] = {}
        """Reference lists read in this session (see `ScreenContext`)."""
        self.language = self.default_language
        self.screen = Screen.WELCOME
        self.history: list[Screen] = []
        self.draft = Draft()
        self.error = ""
        self.notice = ""
        self.notice_timer.stop()
        self.receipt_code = ""
        self.receipt_due = ""
        """The date LAPOR! verifies the stored report by, as a sentence (receipt)."""
        self.follow_up: FollowUpResult | None = None
        self.return_to_review = False
        self.audio = False
        self.action = ""
        self.timer.stop()

    @property
    def _spec(self) -> ScreenSpec:
        return SCREENS[self.screen]

    def _context(self) -> ScreenContext:
        return ScreenContext(self.draft, self.language, self.services, self._references)

    def _go(self, screen: str, remember: bool = True) -> None:
        if remember and screen != self.screen:
            self.history.append(self.screen)
        self.screen = Screen(screen)
        self.error = ""

    def _advance(self) -> None:
        """After answering a filing screen: the next one, or back to the review when editing."""
        self.draft.answered.add(self.screen)
        self._go(next_in_flow(self.screen, self.draft, editing=self.return_to_review))

    # -- events -----------------------------------------------------------------------------

    def handle(self, event: Event) -> View:
        now = self.clock()
        if isinstance(event, Tick):
            self._tick(now)
            return self.view()
        if self.timer.deadline is not None:
            receipt = self._spec.kind is ScreenKind.RECEIPT
            self.timer.start(now, self.timer.settings.receipt_timeout_s if receipt else None)
        self.notice = ""
        self.notice_timer.stop()
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

    def _tick(self, now: float) -> None:
        """The session times out; the notice that it did goes after a while, so that the
        citizen who walks up next never finds it."""
        if self.timer.expired(now):
            stored = self._spec.kind is ScreenKind.RECEIPT  # nothing was lost
            self._reset()
            if not stored:
                self.notice = text("ui.timeout_ended", self.language)
                self.notice_timer.start(now, self.timer.settings.notice_s)
        elif self.notice_timer.expired(now):
            self.notice = ""
            self.notice_timer.stop()

    def _back(self) -> None:
        """The previous screen that still applies (an answer may have ruled some out)."""
        while self.history:
            self.screen = self.history.pop()
            if self._spec.applies(self.draft):
                break
        else:
            return
        self.error = ""
        if self._spec.kind is ScreenKind.REVIEW:
            self.return_to_review = True

    def _choose(self, choice_id: str) -> None:
        spec = self._spec
        if choice_id in {choice.id for choice in spec.choices(self._context())}:
            self._make(spec.choose(spec, self.draft, choice_id))

    def _make(self, move: Move) -> None:
        match move:
            case Advance():
                self._advance()
            case Open(screen):
                self._go(screen)
            case Edit(screen):
                self.return_to_review = True
                self._go(screen)
            case Begin(screen):
                self.draft = Draft(audio=self.audio, city_known=self.services.city() is not None)
                self.return_to_review = False
                self._go(screen)
            case Start(language, screen):
                self.language = language
                self.timer.start(self.clock())
                self._go(screen, remember=False)
            case Finish():
                self._reset()
            case Act(action):
                self.action = action

    def _recorded(self, event: Recorded) -> None:
        if self._spec.kind is not ScreenKind.RECORDING:
            return
        filename = self._spec.records.filename
        attachment = Attachment(filename, "audio/flac", event.flac)
        self.draft.recordings[filename] = SpokenPart(
            attachment, event.seconds, event.transcript, event.problem
        )
        self.error = text(event.problem, self.language) if event.problem else ""

    def _type(self, value: str) -> None:
        spec = self._spec
        if spec.entry is None:
            return
        if spec.entry.digits_only:
            value = "".join(char for char in value if char.isdigit())
        setattr(self.draft, spec.fills, value)
        self.error = ""  # the citizen is correcting it

    def _next(self) -> None:
        spec = self._spec
        match spec.kind:
            case ScreenKind.CHOICE if self.screen in self.draft.answered:
                self._advance()
            case ScreenKind.ENTRY if spec.entry is not None:
                self._check_entry(spec, spec.entry)
            case ScreenKind.RECORDING:
                self._next_after_recording(spec.records)
            case ScreenKind.REVIEW:
                self._save()
            case ScreenKind.LOOKUP:
                self._look_up()

    def _unusable_recording(self) -> Screen | None:
        """The screen of a recording that failed its checks and was not chosen to be sent."""
        return next(
            (
                screen
                for screen, spec in SCREENS.items()
                if spec.records
                and spec.applies(self.draft)
                and (part := self.draft.recordings.get(spec.records.filename))
                and not part.usable
            ),
            None,
        )

    def _next_after_recording(self, records: RecordingSpec) -> None:
        """On, once the recording is usable (or, where it may be skipped, none was made); a
        recording that failed its checks goes only by the explicit "send as it is"."""
        part = self.draft.recordings.get(records.filename)
        if part is None and records.required:
            self.error = text("recording.required", self.language)
        elif part is not None and not part.usable:
            problem = text(part.problem, self.language)
            self.error = text("recording.not_usable", self.language, problem=problem)
        else:
            self._advance()

    def _check_entry(self, spec: ScreenSpec, entry: EntrySpec) -> None:
        typed = spec.value(self.draft)
        if not typed.strip() and entry.may_be_empty(self.draft):
            self._advance()
            return
        problem = entry.rule.check_entry(typed, self.services.today())
        if problem:
            self.error = self._what_to_type(problem)
            return
        unresolved = spec.resolve(self._context()) if spec.resolve else ""
        if unresolved:
            self.error = text(unresolved, self.language)
            return
        self._advance()

    def _what_to_type(self, problem: FieldError) -> str:
        """An entry's error as what to do, in the words and format of the screen's prompt
        (`screen.<id>.error.<key>`); where the screen has none, the field and the rule broken
        (`FieldError.describe`, as `kiosk submit` says it)."""
        key = f"screen.{self.screen}.error.{problem.key}"
        if has_text(key):
            return text(key, self.language, **problem.params)
        return problem.describe(self.language)

    def _look_up(self) -> None:
        code = normalize_code(self.draft.track_code)
        if code is None:
            self.error = text("code.invalid", self.language)
            return
        result = self.services.track(code, self.language)
        if result.problem:
            self.error = result.sentence
            return
        self.follow_up = result
        self._go(Screen.TRACK_RESULT)

    def _put_in_what_was_said(self, context: ScreenContext, place: Place) -> None:
        """What a touch session types, an audio session says: the texts say where the
        recordings are, and what a recogniser heard in them."""
        draft, language = self.draft, self.language
        category = SCREENS[Screen.CATEGORY].label(context, str(draft.category_id))
        draft.title = text("recording.title", language, category=category)
        texts = [text("recording.content", language)]
        complaint = draft.recordings.get(COMPLAINT_RECORDING.filename)
        if complaint and complaint.sent_anyway:  # by the citizen's choice
            texts.append(text("recording.sent_anyway", language))
        if complaint and complaint.transcript:  # the recording stays attached either way
            texts.append(text("recording.transcript", language, transcript=complaint.transcript))
        detail = draft.recordings.get(PLACE_RECORDING.filename)
        if not place.code:  # no place chosen: the complaint's recording names it
            draft.location = text("recording.location", language)
        elif detail is not None:
            draft.location = text("recording.place_detail", language)
            if detail.transcript:
                texts.append(
                    text("recording.place_transcript", language, transcript=detail.transcript)
                )
        draft.content = "\n\n".join(texts)

    def _save(self) -> None:
        unusable = self._unusable_recording()
        if unusable is not None:  # re-recorded from the review, and left: never sent as it is
            self.return_to_review = True
            self._go(unusable)
            self._next_after_recording(SCREENS[unusable].records)  # says why, what to do
            return
        today = self.services.today()
        context = self._context()
        place = place_of(self.draft, context.city())
        if self.draft.audio:
            self._put_in_what_was_said(context, place)
        report = self.draft.to_report(self.language, today, place)
        problems = validate(report, today)
        if problems:
            self.error = problems[0].describe(self.language)
            return
        try:
            code = self.services.save_report(report)
        except SavingFailed:
            self.error = text("ui.saving_failed", self.language)
            return
        kind = SCREENS[Screen.CLASSIFICATION].label(context, self.draft.classification)
        self.draft = Draft()  # stored durably: nothing personal stays in memory
        self.history.clear()
        self.receipt_code = code
        self.receipt_due = self.services.verification_due(self.language)
        printed = self.services.print_receipt(format_code(code), kind, self.language)
        self.notice = text(printed, self.language) if printed else ""
        self.timer.start(self.clock(), self.timer.settings.receipt_timeout_s)
        self._go(Screen.RECEIPT, remember=False)

    # -- the view ---------------------------------------------------------------------------

    def view(self) -> View:
        return build_view(self, self._context(), self.timer.warning(self.clock()))
