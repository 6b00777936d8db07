"""What a face shows or speaks: one immutable `View` a screen, and the kind of that screen.

A leaf of the engine: the screens' specs (kiosk/engine/screen_spec.py) build on it, and the
faces read it without loading them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

EntryKind = Literal["text", "multiline", "digits", "phone", "date", "code"]


class ScreenKind(StrEnum):
    """What a screen asks for, and so what `Next` does on it."""

    CHOICE = "choice"
    """One of its choices; `Next` goes on once one was chosen."""
    ENTRY = "entry"
    """Typed text; `Next` checks it by its rule and goes on."""
    RECORDING = "recording"
    """The complaint spoken (an audio session); `Next` goes on once it is recorded."""
    REVIEW = "review"
    """Every answer once more, each a choice that opens its screen; `Next` stores the report."""
    LOOKUP = "lookup"
    """A receipt code typed; `Next` looks its report up."""
    RECEIPT = "receipt"
    """The report is stored: its code. The screen has its own time-out, and its end loses
    nothing."""
    STATUS = "status"
    """Where a report stands."""


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    hint: str = ""
    """A second line with more detail (shown small, spoken after the label)."""
    personal: bool = False
    """The hint holds personal data (UU PDP): never said where others may hear it."""


@dataclass(frozen=True)
class Entry:
    """The value the citizen is typing on this screen."""

    kind: EntryKind
    value: str
    max_length: int
    masked: bool = False
    """Show dots and speak tones instead of the characters (secrets)."""
    personal: bool = False
    """Personal data (UU PDP): a face never says it where others may hear it."""

    @property
    def numeric(self) -> bool:
        """Digits only: a numeric pad (or the tactile keypad) is enough."""
        return self.kind in ("digits", "phone", "date", "code")


@dataclass(frozen=True)
class View:
    screen: str
    """Screen id, e.g. `title`; faces may style by it, never branch the flow on it."""
    kind: ScreenKind = field(kw_only=True)
    """What the screen asks for: a face that treats a kind of screen its own way asks this."""
    language: str
    title: str
    prompt: str
    help: str
    progress: str = ""
    """`Langkah 2 dari 6` in the filing flow, else empty."""
    choices: tuple[Choice, ...] = ()
    entry: Entry | None = None
    lines: tuple[str, ...] = ()
    """Read-only text: the review, the status of a report, the agencies' answers."""
    code: str = ""
    """The receipt code shown big (receipt) or asked about (status), formatted."""
    error: str = ""
    notice: str = ""
    """A message that is not an error (e.g. the session ended)."""
    can_go_back: bool = False
    can_cancel: bool = False
    can_go_next: bool = False
    next_label: str = ""
    """What going on means here: `Lanjut`, or `Kirim laporan` on the review."""
    action: str = ""
    """What the face must do now that the engine cannot: `record` or `listen` (audio)."""
    audio: bool = False
    """An audio session: the face speaks everything."""
    timeout_warning: int = 0
    """Seconds left before the session is wiped; 0 when no warning is due."""
