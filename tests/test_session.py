"""The session both faces share, without Kivy: the touch app's clock stands in as a loop run
by hand (calls from threads queued, repeating timers noted)."""

import queue
from collections.abc import Callable

import pytest

from kiosk.config import DataConfig, KioskConfig
from kiosk.engine.events import Cancel, Choose
from kiosk.face_state import model_state
from kiosk.session import LETTER_TICK_S, TICK_S, WATCHDOG_S, KioskSession, MainLoop
from kiosk.terminal import TerminalServices
from voice.recorder import Recording


class HandLoop:
    def __init__(self) -> None:
        self.timers: dict[float, Callable[[], None]] = {}
        self.calls: queue.Queue[Callable[[], None]] = queue.Queue()
        self.loop = MainLoop(self.calls.put, lambda seconds, f: self.timers.update({seconds: f}))

    def run_next(self) -> None:
        """The next call another thread handed to the loop (waiting for it)."""
        self.calls.get(timeout=30)()


@pytest.fixture
def hand():
    return HandLoop()


@pytest.fixture
def views():
    """Every view the session showed."""
    return []


@pytest.fixture
def gone():
    """How many views had been shown each time the session said a citizen had gone."""
    return []


@pytest.fixture
def session(tmp_path, hand, views, gone):
    services = TerminalServices(KioskConfig(data=DataConfig(dir=tmp_path)))
    session = KioskSession(
        services.config,
        services,
        on_view=views.append,
        on_new_citizen=lambda: gone.append(len(views)),
        loop=hand.loop,
    )
    session.start()
    yield session
    services.close()


def test_a_touch_only_session_never_loads_speech(session, hand, views):
    assert set(hand.timers) == {TICK_S, LETTER_TICK_S, WATCHDOG_S}
    session.send(Choose("id"))
    hand.timers[TICK_S]()  # nothing changed: nothing drawn again
    assert [view.screen for view in views] == ["welcome", "menu"]
    assert session.face is None
    assert model_state(session.services.conn) == ("none", "")  # no model installed


def test_the_first_key_makes_the_audio_face_and_loads_the_model_beside_it(session, hand, views):
    session.press("5")
    assert session.face is not None and session.audio_active()
    assert views[-1].screen == "welcome"  # the first key only starts the audio session
    hand.run_next()  # the model loaded, on the loop: there is none here
    assert session.face.listener is None and session.face.speech.notices == []  # nothing said
    session.press("1")
    assert views[-1].screen == "menu"  # the screen follows the keypad


def test_headphones_start_an_audio_session_and_a_stop_drops_the_citizen(session, views):
    session.headphones_changed(True)
    face = session.face
    assert views[-1].audio and not face.overheard
    session.send(Choose("id"))
    session.send(Choose("file"))
    assert face.view.screen == "classification"  # the face followed the touch screen
    session.headphones_changed(False)
    assert face.overheard  # others may hear from now on
    voice = Recording(b"fLaC", 6.0, "")
    session.send(face.recordings.stored("complaint", voice, ""))  # as the recorder keeps one
    assert face.recordings.kept == {"complaint": voice}
    session.drop_citizen()
    assert session.dialog.view().screen == "welcome" and not face.recordings.kept


def test_the_session_says_once_that_a_citizen_has_gone_whichever_face_ended(
    session, hand, views, gone
):
    session.send(Choose("id"))
    session.send(Cancel())  # the touch screen ends the session
    assert gone == [2] and views[-1].screen == "welcome"  # said before the welcome screen
    session.send(Cancel())
    assert gone == [2]  # still the same nobody
    session.press("5")  # the keypad begins the next session
    hand.run_next()  # the speech model loaded (there is none here)
    session.press("1")
    session.press("HOME")  # and ends it (on the menu: nothing to ask)
    assert len(gone) == 2 and views[-1].screen == "welcome"
