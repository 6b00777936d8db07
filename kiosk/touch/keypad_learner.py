"""The keypad-learning window: asks for each key (shown and spoken), records its Kivy key code.

Keys are read exactly as the kiosk reads them (SDL2 through Kivy), so a learned map
matches what the kiosk will see. `kiosk.touch.run` sets Kivy up, then opens it.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from kivy.app import App
from kivy.core.window import Window
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import BooleanProperty, DictProperty, StringProperty

from kiosk.audio.keypad_learning import KeypadLearning
from kiosk.config import KioskConfig
from kiosk.i18n import text
from kiosk.touch.display import with_panel_density
from kiosk.touch.theme import theme_properties

log = logging.getLogger("kiosk.keypad")


def key_label(name: str, language: str) -> str:
    """How a key is called to a person: "angka 5", "Bantuan"."""
    if name.isdigit():
        return text("keypad.digit", language, digit=name)
    return text(f"keypad.key.{name}", language)


class KeypadLearner(App):
    colors = DictProperty()
    sizes = DictProperty()
    labels = DictProperty()
    heading = StringProperty()
    prompt = StringProperty()
    feedback = StringProperty()
    can_skip = BooleanProperty(False)

    def __init__(self, config: KioskConfig, out: Path, **kwargs) -> None:
        super().__init__(**kwargs)
        config = with_panel_density(config)
        self.kiosk_config = config
        self.out = out
        self.language = config.terminal.default_language
        self.learning = KeypadLearning()
        self.saved = False
        self.speaker = None
        self.colors, self.sizes = theme_properties(config.touch.pixels_per_mm)
        self.labels = {
            name: text(f"keypad.{name}", self.language) for name in ("skip", "restart", "cancel")
        }
        self.heading = text("keypad.title", self.language)
        self.title = self.heading

    def build(self):
        Builder.load_string(resources.files("layouts").joinpath("keypad.kv").read_text("utf-8"))
        Window.bind(on_key_down=self._on_key_down)
        return Factory.LearnerRoot()

    def on_start(self) -> None:
        self._speaker_on()
        self._ask()
        print("keypad learning: window open, press each key when asked", flush=True)

    def _speaker_on(self) -> None:
        """Speak the prompts too (the technician looks at the keypad); silent if it cannot."""
        from kiosk.audio.devices import speaker_for
        from voice.tts import SpeechUnavailable

        try:
            self.speaker = speaker_for(self.kiosk_config)
        except SpeechUnavailable as error:
            log.warning("prompts are not spoken: %s", error)

    def _ask(self, feedback: str = "") -> None:
        if self.learning.done:
            self.stop_learning(saved=True)
            return
        key = key_label(self.learning.asked, self.language)
        self.prompt = text("keypad.press", self.language, name=key)
        self.can_skip = self.learning.can_skip
        optional = text("keypad.optional", self.language) if self.can_skip else ""
        self.feedback = " ".join(part for part in (feedback, optional) if part)
        if self.speaker is not None:
            self.speaker.say(f"{feedback} {self.prompt}. {optional}".strip(), self.language)

    def _on_key_down(self, _window, keycode: int, *_args) -> bool:
        already = self.learning.press(keycode)
        feedback = ""
        if already:
            feedback = text("keypad.already", self.language, name=key_label(already, self.language))
        self._ask(feedback)
        return True

    def skip(self) -> None:
        if self.learning.skip():
            self._ask()

    def restart(self) -> None:
        self.learning = KeypadLearning()
        self._ask()

    def stop_learning(self, saved: bool) -> None:
        if saved:
            self.out.write_text(self.learning.as_toml(), encoding="utf-8")
            self.out.chmod(0o644)  # the kiosk user reads it; there is nothing secret in it
            self.saved = True
            if self.speaker is not None:
                self.speaker.say(text("keypad.saved", self.language), self.language)
                self.speaker.wait()
        self.stop()
