"""An audio face on one screen, without sound: a dialog of one screen stands in for the
engine and a speaker that writes down what it says stands in for the voice."""

from dataclasses import dataclass, field, replace

from kiosk.audio.face import AudioFace
from kiosk.engine.events import Choose, Event, Next, Type
from kiosk.engine.view import View


@dataclass
class OneScreenDialog:
    """The engine's part for one screen: typing changes the entry; a choice or going on is
    written down and leaves the screen."""

    view_now: View
    now: float = 0.0
    events: list[Event] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def view(self) -> View:
        return self.view_now

    def handle(self, event: Event) -> View:
        if isinstance(event, Type):
            self.view_now = replace(
                self.view_now, entry=replace(self.view_now.entry, value=event.value)
            )
        elif isinstance(event, Choose | Next):
            self.events.append(event)
            self.view_now = replace(self.view_now, screen="next", choices=(), entry=None)
        return self.view_now


class WrittenSpeaker:
    """Says nothing aloud: each utterance written down (a tone as `<tone>`)."""

    def __init__(self) -> None:
        self.said: list[str] = []

    def say(self, words: str, language: str = "id") -> None:
        self.said.append(words)

    def tone(self) -> None:
        self.said.append("<tone>")

    def stop(self) -> None: ...

    def wait(self) -> None: ...


def face_on(view: View, overheard: bool = False) -> AudioFace:
    face = AudioFace(OneScreenDialog(view), WrittenSpeaker(), recorder=None, overheard=overheard)
    face.start()
    return face
