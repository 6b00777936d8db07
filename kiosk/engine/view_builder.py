"""The `View` of the dialog's current screen, built from its spec and the session's state."""

from __future__ import annotations

from typing import Protocol

from kiosk.engine.ports import FollowUpResult
from kiosk.engine.screen_spec import ScreenContext, ScreenSpec
from kiosk.engine.screens import FILING_STEPS, SCREENS, Screen
from kiosk.engine.view import Entry, ScreenKind, View
from kiosk.i18n import text
from kiosk.receipt import format_code

NEXT_ALWAYS = frozenset(
    (ScreenKind.ENTRY, ScreenKind.LOOKUP, ScreenKind.RECORDING, ScreenKind.REVIEW)
)
"""Kinds of screen whose Next is always offered (it checks, looks up, or stores); a choice
screen offers it once answered."""


class DialogState(Protocol):
    """The session's state a view shows, beside its draft and language (the dialog)."""

    screen: Screen
    history: list[Screen]
    error: str
    notice: str
    action: str
    audio: bool
    receipt_code: str
    receipt_due: str
    follow_up: FollowUpResult | None


def build_view(state: DialogState, context: ScreenContext, timeout_warning: int) -> View:
    """`timeout_warning`: seconds left before the session is wiped, 0 when no warning is due."""
    spec = SCREENS[state.screen]
    language = context.language
    code = _code(spec, state)
    return View(
        screen=state.screen,
        kind=spec.kind,
        language=language,
        title=text(f"screen.{state.screen}.title", language),
        prompt=text(f"screen.{state.screen}.prompt", language, code=code),
        help=text(f"screen.{state.screen}.help", language),
        progress=(
            text("ui.progress", language, step=spec.step, steps=FILING_STEPS) if spec.step else ""
        ),
        choices=spec.choices(context),
        entry=_entry(spec, context),
        lines=_lines(spec, state),
        code=code,
        error=state.error,
        notice=state.notice,
        can_go_back=bool(state.history) and spec.can_go_back,
        can_cancel=spec.can_cancel,
        can_go_next=spec.kind in NEXT_ALWAYS or state.screen in context.draft.answered,
        next_label=text(
            "choice.confirm" if spec.kind is ScreenKind.REVIEW else "ui.next", language
        ),
        timeout_warning=timeout_warning,
        action=state.action,
        audio=state.audio,
    )


def _entry(spec: ScreenSpec, context: ScreenContext) -> Entry | None:
    if spec.entry is None:
        return None
    return Entry(
        spec.entry.kind,
        spec.value(context.draft),
        spec.entry.rule.max_length,
        spec.entry.masked,
        spec.entry.personal,
    )


def _code(spec: ScreenSpec, state: DialogState) -> str:
    """The receipt code shown big (receipt) or the one asked about (status), formatted."""
    if spec.kind is ScreenKind.RECEIPT:
        return format_code(state.receipt_code)
    if spec.kind is ScreenKind.STATUS and state.follow_up and state.follow_up.code:
        return format_code(state.follow_up.code)
    return ""


def _lines(spec: ScreenSpec, state: DialogState) -> tuple[str, ...]:
    """Read-only text: the date due on the receipt; the status and answers on the follow-up."""
    if spec.kind is ScreenKind.RECEIPT and state.receipt_due:
        return (state.receipt_due,)
    follow_up = state.follow_up
    if spec.kind is not ScreenKind.STATUS or follow_up is None:
        return ()
    answers = (
        f"{answer.date} - {answer.institution}: {answer.content}" for answer in follow_up.answers
    )
    return (follow_up.sentence, *answers)
