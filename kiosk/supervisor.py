"""Keeps the forwarder running beside the touch kiosk (`kiosk run`, `kiosk demo`).

On a provisioned terminal systemd does this job (hardware/systemd/); this is for
a kiosk started by hand: the forwarder is restarted when it dies and stopped
when the kiosk stops.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

RESTART_CHECK_S = 2.0


class ForwarderProcess:
    def __init__(self, config_path: Path, log_path: Path) -> None:
        self.command = [sys.executable, "-m", "kiosk", "--config", str(config_path), "forward"]
        self.log_path = log_path
        self._process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="forwarder-watch", daemon=True)

    def start(self) -> ForwarderProcess:
        self._spawn()
        self._watcher.start()
        return self

    def _spawn(self) -> None:
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                self.command, stdout=log, stderr=log, env={**os.environ}, start_new_session=True
            )

    def _watch(self) -> None:
        while not self._stopping.wait(RESTART_CHECK_S):
            if self._process is not None and self._process.poll() is not None:
                self._spawn()

    def stop(self) -> None:
        self._stopping.set()
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
