"""Speech out: say a text sentence by sentence, stop at once on any key, keep a transcript.

The first sentence is rendered and starts playing while the rest render in a
thread. Rate and volume belong to the citizen and go back to the defaults
for the next one (`reset`). Without an audio device the speaker still renders
and writes the transcript, and says why it is silent (`unavailable`).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TextIO

import numpy as np

from voice.playback import AudioUnavailable, Utterance
from voice.settings import PlaybackSettings, SpeechSettings
from voice.tts import Audio, Renderer, SpeechUnavailable, sentences

log = logging.getLogger("voice.speaker")


class Speaker:
    def __init__(
        self,
        renderer: Renderer,
        settings: SpeechSettings | None = None,
        playback: PlaybackSettings | None = None,
        transcript: TextIO | None = None,
        play_audio: bool = True,
    ) -> None:
        self.renderer = renderer
        self.settings = settings or SpeechSettings()
        self.playback = playback or PlaybackSettings()
        self.transcript = transcript
        self.play_audio = play_audio
        self.unavailable = ""
        """Why the speaker is silent (no device, device gone); empty when it is heard."""
        self.said: list[tuple[str, str]] = []
        """(text, language) of every utterance, kept only while a transcript is written."""
        self.last_utterance: Utterance | None = None
        self._rendering: threading.Thread | None = None
        self._generation = 0
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """A new citizen: default rate and volume, and nothing of the last one in memory."""
        self.rate_wpm = self.settings.rate_wpm
        self.volume = self.settings.volume
        self.renderer.forget()

    def change_rate(self, steps: int) -> None:
        low, high = self.settings.rate_range_wpm
        self.rate_wpm = min(high, max(low, self.rate_wpm + steps * self.settings.rate_step_wpm))

    def next_rate(self) -> None:
        """One step faster; from the fastest back to the slowest (one key for the rate)."""
        low, high = self.settings.rate_range_wpm
        if self.rate_wpm >= high:
            self.rate_wpm = low
        else:
            self.change_rate(1)

    def change_volume(self, steps: int) -> None:
        self.volume = min(1.0, max(0.1, self.volume + steps * self.settings.volume_step))

    def _voice(self, language: str) -> str:
        """The espeak-ng voice for a session's language (Indonesian when unknown)."""
        return language if language in ("id", "en") else self.settings.voice

    def say(self, text: str, language: str = "id") -> None:
        """Interrupt whatever is being said and start saying `text`."""
        self.stop()
        parts = sentences(text)
        if not parts:
            return
        if self.transcript is not None:
            self.said.append((text, language))
        with self._lock:
            self._generation += 1
            generation = self._generation
        voice = self._voice(language)
        try:
            first = self.renderer.render(parts[0], voice, self.rate_wpm)
        except SpeechUnavailable as error:  # say so, never crash the face
            log.warning("speech failed: %s", error)
            self.unavailable = str(error)
            return
        utterance = self._open(first)
        self.last_utterance = utterance
        if len(parts) == 1:
            self._finish(utterance, text, [first])
            return
        self._rendering = threading.Thread(
            target=self._render_rest,
            args=(generation, utterance, text, parts[1:], voice, first),
            daemon=True,
        )
        self._rendering.start()

    def _open(self, first: Audio) -> Utterance | None:
        if not self.play_audio:
            return None
        try:
            utterance = Utterance(first.sample_rate, self.volume, self.playback)
        except AudioUnavailable as error:
            if not self.unavailable:
                log.warning("speech is silent: %s", error)
            self.unavailable = str(error)
            return None
        self.unavailable = ""
        utterance.add(first)
        return utterance

    def _render_rest(
        self,
        generation: int,
        utterance: Utterance | None,
        text: str,
        rest: list[str],
        voice: str,
        first: Audio,
    ) -> None:
        rendered = [first]
        for sentence in rest:
            if generation != self._generation:  # interrupted: what is left is never heard
                break
            try:
                audio = self.renderer.render(sentence, voice, self.rate_wpm)
            except SpeechUnavailable as error:
                log.warning("speech failed: %s", error)
                break
            rendered.append(audio)
            if utterance is not None:
                utterance.add(audio)
        self._finish(utterance, text, rendered)

    def _finish(self, utterance: Utterance | None, text: str, rendered: list[Audio]) -> None:
        if utterance is not None:
            utterance.finish()
        seconds = sum(audio.seconds for audio in rendered)
        with self._lock:
            if self.transcript is not None:
                elapsed = time.monotonic() - self._started
                self.transcript.write(f"{elapsed:8.2f}s {seconds:5.1f}s  {text}\n")
                self.transcript.flush()

    def tone(self, hertz: float = 880.0, seconds: float = 0.15) -> None:
        """A short beep: before recording, and for each digit of a secret (never spoken)."""
        self.stop()
        rate = 22050
        t = np.arange(int(seconds * rate)) / rate
        fade = np.minimum(1.0, np.minimum(t, seconds - t) / 0.01)  # no clicks at the edges
        samples = (np.sin(2 * np.pi * hertz * t) * fade * 12000).astype(np.int16)
        utterance = self._open(Audio(samples, rate))
        if utterance is not None:
            utterance.finish()
            self.last_utterance = utterance

    def stop(self) -> None:
        """Silence, now (a key was pressed)."""
        with self._lock:
            self._generation += 1
        if self.last_utterance is not None:
            self.last_utterance.stop()
            self.last_utterance = None

    def seconds_in_full(self) -> float:
        """How long everything said would take to hear to its end (interrupted or not)."""
        total = 0.0
        for text, language in self.said:
            voice = self._voice(language)
            total += sum(
                self.renderer.render(part, voice, self.rate_wpm).seconds for part in sentences(text)
            )
        return total

    def wait(self, timeout: float = 60.0) -> None:
        """Until the current utterance is rendered (and transcribed) and played to its end."""
        if self._rendering is not None:
            self._rendering.join(timeout)
        if self.last_utterance is not None:
            self.last_utterance.done.wait(timeout)
