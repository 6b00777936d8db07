"""What a face tells the engine. Every event except `Tick` counts as the citizen's activity."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Choose:
    """The citizen chose the choice with this id."""

    choice_id: str


@dataclass(frozen=True)
class Type:
    """The entry's whole value is now `value` (faces keep the cursor; the engine the value)."""

    value: str


@dataclass(frozen=True)
class Next:
    """Accept the entry (or the screen) and go on."""


@dataclass(frozen=True)
class Back:
    """Go to the previous screen; what was entered stays."""


@dataclass(frozen=True)
class Cancel:
    """End the session: everything entered is wiped."""


@dataclass(frozen=True)
class MoreTime:
    """The citizen asked for more time after a time-out warning."""


@dataclass(frozen=True)
class UseAudio:
    """The session is an audio session (a keypad key or headphones started it)."""


@dataclass(frozen=True)
class Recorded:
    """What the citizen said on a recording screen (the complaint, the place's detail),
    recorded and encoded by the face."""

    flac: bytes
    """The recording, as FLAC."""
    seconds: float
    problem: str = ""
    """Catalog key of what is wrong with it (`recording.too_quiet`), empty when it is fine."""
    transcript: str = ""
    """What a recogniser heard in it (read back to the citizen), empty without one."""


@dataclass(frozen=True)
class Tick:
    """Time passed; the engine checks its time-outs (not activity)."""


Event = Choose | Type | Next | Back | Cancel | MoreTime | Tick | UseAudio | Recorded
