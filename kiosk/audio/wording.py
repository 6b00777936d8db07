"""What the audio face says for a view: short prompts, the details one HELP press away.

Numbers, dates and codes are written as digits here; `voice.pronounce` says them
the Indonesian way (codes digit by digit, in groups).
"""

from __future__ import annotations

from kiosk import receipt
from kiosk.audio import pages
from kiosk.audio.pages import PAGE_SIZE
from kiosk.engine.screens import Screen
from kiosk.engine.view import Choice, Entry, ScreenKind, View
from kiosk.i18n import has_text, text

EXPLAINED_CHOICES = 2
"""A list this short is read with each choice's hint (named or anonymous, public or secret:
what each means is the question)."""


def item(
    choice: Choice,
    key: str,
    language: str,
    detailed: bool = False,
    first_contact: bool = False,
    overheard: bool = False,
    hinted: bool = False,
) -> str:
    """`1: Pengaduan.`; `Tekan 1: Pengaduan.` where the citizen learns the keys (or in detail,
    with its hint; `hinted`: with its hint only). `key` is the digit that picks it ("" for
    none)."""
    hint = _hint(choice, language, overheard)
    label = f"{choice.label}: {hint}" if (detailed or hinted) and hint else choice.label
    if not key:
        return _sentence(label)
    if detailed or (first_contact and key == "1"):
        return text("audio.press", language, digit=key, label=label)
    return _sentence(f"{key}: {label}")


def _hint(choice: Choice, language: str, overheard: bool) -> str:
    """A choice's hint, unless it is personal and others may hear it."""
    return text("audio.hidden", language) if overheard and choice.personal else choice.hint


def _review_item(choice: Choice, key: str, language: str, overheard: bool) -> str:
    """`1: Jenis: Pengaduan.`: the digit that opens the item to change it, its name, its value
    (not said where personal and others may hear)."""
    value = text("audio.hidden", language) if overheard and choice.personal else choice.hint
    return _sentence(f"{key}: {choice.label}: {value}" if key else f"{choice.label}: {value}")


def _sentence(words: str) -> str:
    return words if words.endswith((".", "?", "!")) else f"{words}."


def page(view: View, number: int, start: int = 0) -> str:
    """A page of a long list: which page, its choices (from the one at `start`, if it is on
    the page), then what 0 does: the next page, or back to the first after the last."""
    language = view.language
    count = pages.page_count(view)
    shown = [index for index in pages.on_page(view, number) if index >= start]
    parts = [text("audio.page", language, page=number + 1, pages=count)]
    parts += [item(view.choices[index], pages.key_of(view, index), language) for index in shown]
    parts.append(text("audio.list_end" if number == count - 1 else "audio.next_page", language))
    return " ".join(parts)


def screen(view: View, progress: bool = True, overheard: bool = False, page_number: int = 0) -> str:
    """Orientation, title, what is wrong, what to do, and the choices.

    On a plain choice screen the numbered choices are the prompt; its sentence is
    one HELP press away, with the details of every choice on a second press. A long list
    says one page, `page_number`. Without `progress` the step is not said (it is the one
    just said). When `overheard` (no headphones), personal values are not said.
    """
    language = view.language
    if view.kind is ScreenKind.RECORDING and len(view.choices) > 1:  # just recorded: what next
        ids = {choice.id for choice in view.choices}
        next_keys = [text("audio.recorded_next" if "send_anyway" not in ids else
                          "audio.recorded_problem", language)]  # fmt: skip
        if "no_recording" in ids:  # it may be skipped
            next_keys.append(text("audio.recorded_skip", language))
        return " ".join(filter(None, (view.error, *next_keys)))
    parts = [view.notice] if view.notice else []
    if view.progress and progress:
        parts.append(_sentence(view.progress))
    parts.append(_sentence(_heading(view)))
    if view.error:
        parts.append(view.error)
    if view.kind is ScreenKind.RECEIPT:
        parts.append(text("audio.receipt", language, code=view.code))
    elif view.entry is not None or view.kind is ScreenKind.RECORDING:
        parts.append(view.prompt)
    if view.kind is ScreenKind.STATUS:
        parts += _status(view)
    else:
        parts += list(view.lines)
    if view.kind is ScreenKind.REVIEW:  # each answer with the digit that opens it
        parts += [
            _review_item(choice, pages.key_of(view, index), language, overheard)
            for index, choice in enumerate(view.choices)
        ]
        parts.append(text("audio.review", language))
    elif view.kind is ScreenKind.RECORDING:
        pass  # the prompt says which key records
    elif pages.is_paged(view) and page_number == 0 and pages.head(view) < PAGE_SIZE:
        # A list that may be skipped (the agency): the suggestion and the skip, the rest on 0.
        shown = pages.head(view)
        parts += [item(choice, str(index + 1), language, hinted=True) for index, choice in
                  enumerate(view.choices[:shown])]  # fmt: skip
        parts.append(text("audio.more_choices", language, count=len(view.choices) - shown))
    elif pages.is_paged(view):
        parts += [page(view, page_number), text("audio.letter_jump_hint", language)]
    else:
        first_contact = view.screen == Screen.WELCOME
        explained = len(view.choices) <= EXPLAINED_CHOICES  # a choice between two: its hints
        parts += [
            item(
                choice,
                pages.key_of(view, index),
                language,
                first_contact=first_contact,
                overheard=overheard,
                hinted=explained,
            )
            for index, choice in enumerate(view.choices)
        ]
    if view.entry is not None:
        parts += _entry(view, overheard)
    return " ".join(parts)


def _status(view: View) -> list[str]:
    """A follow-up: the status with its date due first; the agencies' answers one key away."""
    status, *answers = view.lines or ("",)
    parts = [status]
    if answers:
        parts.append(text("audio.answers", view.language, count=len(answers)))
    parts.append(text("audio.code_again", view.language))
    return parts


def answer(view: View, index: int) -> str:
    """A follow-up's agency answer at `index` (from 0, the newest), and what the key does next."""
    answers = view.lines[1:]
    language = view.language
    parts = [text("audio.answer", language, number=index + 1, count=len(answers)), answers[index]]
    last = index == len(answers) - 1
    parts.append(text("audio.answers_again" if last else "audio.next_answer", language))
    return " ".join(_sentence(part) for part in parts)


def code_slowly(view: View) -> str:
    """The receipt code a group at a time, each digit on its own (`0 0 0 1. 5 0 8. ...`)."""
    groups = [" ".join(group) for group in view.code.split("-")]
    return " ".join([text("audio.code_slowly", view.language), *(f"{g}." for g in groups)])


def _heading(view: View) -> str:
    """Where the citizen is: the title; on a choice screen, the question it asks (what
    follows the question, such as advice on the choices, is one HELP away on the screen)."""
    if view.kind is ScreenKind.CHOICE and "?" in view.prompt:
        return view.prompt[: view.prompt.index("?") + 1]
    return view.title


def _entry(view: View, overheard: bool) -> list[str]:
    """How to type on this entry, and what is typed so far (unless personal and overheard)."""
    entry, language = view.entry, view.language
    if entry.kind == "text":
        how, value = text("audio.letters_entry", language), entry.value
    elif entry.numeric:
        how, value = text("audio.entry", language), _digit_groups(entry)
    else:
        return [text("audio.touch_only", language)]
    if entry.value and overheard and entry.personal:
        return [how, text("audio.entered_hidden", language, count=len(entry.value))]
    return [how, text("audio.entered", language, value=value)] if entry.value else [how]


DIGIT_GROUPS = {"phone": (4, 4, 4, 4), "date": (2, 2, 4), "code": receipt.GROUPS}
"""How typed digits are grouped when said back, as they are written."""


def _digit_groups(entry: Entry) -> str:
    """Typed digits one by one, a pause between groups: `0 8 1 2, 3 4`."""
    groups, rest = [], entry.value
    for size in DIGIT_GROUPS.get(entry.kind, ()):
        if not rest:
            break
        groups.append(rest[:size])
        rest = rest[size:]
    groups += [rest] if rest else []
    return ", ".join(" ".join(group) for group in groups)


def read_back(view: View, overheard: bool) -> str:
    """Typed text said back before it is taken: the letters counted where others may hear."""
    entry, language = view.entry, view.language
    if overheard and entry.personal:
        letters = len(entry.value.replace(" ", ""))
        return text("audio.read_back_hidden", language, count=letters)
    return text("audio.read_back", language, value=entry.value)


def help_text(view: View, detailed: bool, overheard: bool = False, page_number: int = 0) -> str:
    """HELP once: the help text (on a long list, how its pages and the letter jump work);
    twice: every choice with its details too (of a long list, those on `page_number`)."""
    spoken_help = f"screen.{view.screen}.audio_help"  # where the screen's help is visual
    parts = [text(spoken_help, view.language) if has_text(spoken_help) else view.help]
    if pages.is_paged(view):
        parts.append(text("audio.pages_help", view.language))
    if detailed:
        parts += [
            item(view.choices[index], pages.key_of(view, index), view.language, True,
                 overheard=overheard)
            for index in pages.on_page(view, page_number)
        ]  # fmt: skip
        parts.append(text("audio.keys", view.language))
    return " ".join(parts)
