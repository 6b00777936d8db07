"""What the audio face says for a view: short prompts, the details one HELP press away.

Numbers, dates and codes are written as digits here; `voice.pronounce` says them
the Indonesian way (codes digit by digit, in groups).
"""

from __future__ import annotations

from kiosk.engine.screens import Screen
from kiosk.engine.view import Choice, ScreenKind, View
from kiosk.i18n import text

DIGIT_KEYS = "1234567890"
"""The choice a digit key picks: 1 is the first, 0 the tenth."""


def choice_key(index: int) -> str:
    return DIGIT_KEYS[index] if index < len(DIGIT_KEYS) else ""


def item(
    choice: Choice,
    index: int,
    language: str,
    detailed: bool = False,
    first_contact: bool = False,
    overheard: bool = False,
) -> str:
    """`1: Pengaduan.`; `Tekan 1: Pengaduan.` where the citizen learns the keys (or in detail)."""
    key = choice_key(index)
    hint = _hint(choice, language, overheard)
    label = f"{choice.label}: {hint}" if detailed and hint else choice.label
    if not key:
        return _sentence(label)
    if detailed or (first_contact and index == 0):
        return text("audio.press", language, digit=key, label=label)
    return _sentence(f"{key}: {label}")


def _hint(choice: Choice, language: str, overheard: bool) -> str:
    """A choice's hint, unless it is personal and others may hear it."""
    return text("audio.hidden", language) if overheard and choice.personal else choice.hint


def _review_item(choice: Choice, language: str, overheard: bool) -> str:
    """The value alone (its name is one HELP away); named when the value is not said."""
    if overheard and choice.personal:
        return f"{choice.label}: {text('audio.hidden', language)}"
    return _sentence(choice.hint)


def _sentence(words: str) -> str:
    return words if words.endswith((".", "?", "!")) else f"{words}."


def screen(view: View, progress: bool = True, overheard: bool = False) -> str:
    """Orientation, title, what is wrong, what to do, and the choices.

    On a plain choice screen the numbered choices are the prompt; its sentence is
    one HELP press away, with the details of every choice on a second press. Without
    `progress` the step is not said (it is the one just said). When `overheard` (no
    headphones), personal values are not said.
    """
    language = view.language
    if view.kind is ScreenKind.RECORDING and len(view.choices) > 1:  # just recorded: what next
        return " ".join(filter(None, (view.error, text("audio.recorded_next", language))))
    parts = [view.notice] if view.notice else []
    if view.progress and progress:
        parts.append(_sentence(view.progress))
    parts.append(_sentence(view.title))
    if view.error:
        parts.append(view.error)
    if view.kind is ScreenKind.RECEIPT:
        parts.append(text("audio.receipt", language, code=view.code))
    elif view.entry is not None or view.kind in (ScreenKind.RECORDING, ScreenKind.STATUS):
        parts.append(view.prompt)
    parts += list(view.lines)
    if view.kind is ScreenKind.REVIEW:  # the values in order; their names are one HELP away
        parts += [_review_item(choice, language, overheard) for choice in view.choices]
        parts.append(text("audio.review", language))
    elif view.kind is ScreenKind.RECORDING:
        pass  # the prompt says which key records
    elif view.choices and view.choices[0].id == "skip":
        # An optional list (the agency): offer the skip, read the rest only on request.
        parts.append(item(view.choices[0], 0, language))
        parts.append(text("audio.more_choices", language, count=len(view.choices) - 1))
    else:
        first_contact = view.screen == Screen.WELCOME
        parts += [
            item(choice, index, language, first_contact=first_contact)
            for index, choice in enumerate(view.choices)
        ]
    if view.entry is not None and not view.entry.numeric:
        parts.append(text("audio.touch_only", language))
    elif view.entry is not None:
        parts.append(text("audio.entry", language))
        if view.entry.value and overheard and view.entry.personal:
            parts.append(text("audio.entered_hidden", language, count=len(view.entry.value)))
        elif view.entry.value:
            parts.append(text("audio.entered", language, value=" ".join(view.entry.value)))
    return " ".join(parts)


def help_text(view: View, detailed: bool, overheard: bool = False) -> str:
    """HELP once: the help text; twice: every choice with its details too."""
    parts = [view.help]
    if detailed:
        parts += [
            item(choice, index, view.language, True, overheard=overheard)
            for index, choice in enumerate(view.choices)
        ]
        parts.append(text("audio.keys", view.language))
    return " ".join(parts)
