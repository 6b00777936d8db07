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
class Tick:
    """Time passed; the engine checks its time-outs (not activity)."""


Event = Choose | Type | Next | Back | Cancel | MoreTime | Tick
