"""Fleet health: `kiosk status` and the Prometheus endpoint, after reports are queued and
delivered; neither shows credentials nor personal data."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from kiosk.simulator.process import REPO_ROOT, SimulatorProcess

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
        for _ in range(2):
            assert kiosk(sim.config_path, "submit", "-", input=json.dumps(REPORT)).returncode == 0
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
    assert "kiosk_oldest_undelivered_seconds 0.0" in metrics
    assert "delivered" in delivered.stdout and "'queued': 0" in delivered.stdout
    credentials = sim.config_path.with_name("kiosk.credentials.toml").read_text()
    secrets = [REPORT["reporter"]["name"], REPORT["reporter"]["phone"]]
    secrets += [line.split('"')[1] for line in credentials.splitlines() if '"' in line]
    everything = metrics + delivered.stdout + log + json.dumps(queued)
    for secret in secrets:
        assert secret not in everything, f"{secret!r} leaked"
    assert os.path.exists(sim.config_path)
