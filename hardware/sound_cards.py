"""Which sound cards the kernel has now, read from /proc/asound without opening any device.

For fleet health: reading procfs never disturbs a stream the kiosk is playing (probing
through PortAudio would open the devices, and a busy one would look missing). A USB
headset or sound card that is unplugged disappears from here at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ASOUND = Path("/proc/asound")
VIRTUAL_DEVICES = ("", "default", "sysdefault", "pulse", "pipewire", "dmix")
"""Device names that stand for "whatever card the system uses": present if any card is."""
_CARD_LINE = re.compile(r"^\s*(\d+) \[(\S+)\s*\]: .* - (.+)$")


@dataclass(frozen=True)
class SoundCard:
    number: int
    id: str
    """ALSA's short id, e.g. `Headphones`."""
    name: str
    """The name PortAudio starts its device names with, e.g. `bcm2835 Headphones`."""
    playback: tuple[int, ...]
    """Numbers of its playback devices (`pcmNp`)."""
    capture: tuple[int, ...]
    """Numbers of its capture devices (`pcmNc`)."""


def sound_cards(root: Path = ASOUND) -> list[SoundCard]:
    try:
        lines = (root / "cards").read_text("utf-8").splitlines()
    except OSError:  # no ALSA at all
        return []
    cards = []
    for line in lines:
        match = _CARD_LINE.match(line)
        if not match:
            continue
        number = int(match[1])
        folder = root / f"card{number}"

        def devices(kind: str, folder: Path = folder) -> tuple[int, ...]:
            return tuple(sorted(int(p.name[3:-1]) for p in folder.glob(f"pcm*{kind}")))

        cards.append(SoundCard(number, match[2], match[3].strip(), devices("p"), devices("c")))
    return cards


def device_present(name: str, direction: str, cards: list[SoundCard]) -> bool:
    """Whether the configured device `name` ("output" or "input") has its card plugged in."""
    kind = "playback" if direction == "output" else "capture"
    usable = [card for card in cards if getattr(card, kind)]
    if name.strip().lower() in VIRTUAL_DEVICES:
        return bool(usable)
    hardware = re.search(r"hw:(\d+),(\d+)", name)  # "hw:1,0" or PortAudio's "... (hw:1,0)"
    if hardware:
        card, device = int(hardware[1]), int(hardware[2])
        return any(c.number == card and device in getattr(c, kind) for c in usable)
    wanted = name.split(":")[0].strip().lower()  # PortAudio: "CARD NAME: PCM NAME (hw:N,M)"
    return any(wanted == card.id.lower() or wanted in card.name.lower() for card in usable)
