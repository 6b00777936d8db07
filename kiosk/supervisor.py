"""Keeps the forwarder running beside the touch kiosk (`kiosk run`, `kiosk demo`).

On a provisioned terminal systemd does this job (hardware/systemd/); this is for
a kiosk started by hand: the forwarder is restarted when it dies and stopped
when the kiosk stops, also when the kiosk is killed (SIGKILL, a crash): the
kernel then sends it SIGTERM (kiosk/child_lifetime.py), and it stops as it does
for systemd.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

from kiosk.child_lifetime import ends_with_this_process

log = logging.getLogger(__name__)
RESTART_CHECK_S = 2.0
STOP_GRACE_S = 3.0
"""How long a forwarder may take to stop on SIGTERM before it is killed (any step it was
in resumes at its next start: delivery is built for crashes)."""


class ForwarderProcess:
    def __init__(self, config_path: Path, log_path: Path) -> None:
        self.command = [sys.executable, "-m", "kiosk", "--config", str(config_path), "forward"]
        self.log_path = log_path
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        """Held while a forwarder is started, so that `stop` never misses one."""
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="forwarder-watch", daemon=True)

    def start(self) -> ForwarderProcess:
        self._watcher.start()
        return self

    def _watch(self) -> None:
        """Start the forwarder, and again whenever it has ended, until `stop`.

        Every forwarder is started from this thread, which lives until the kiosk stops
        (see `ends_with_this_process`).
        """
        while True:
            with self._lock:
                if self._stopping.is_set():
                    return
                if self._process is None or self._process.poll() is not None:
                    try:
                        self._process = self._spawn()
                    except OSError as error:  # no log file, no fork: tried again shortly
                        log.error("the forwarder cannot be started: %s", error)
                        self._process = None
            if self._stopping.wait(RESTART_CHECK_S):
                return

    def _spawn(self) -> subprocess.Popen:
        with self.log_path.open("ab") as log:
            return subprocess.Popen(
                self.command,
                stdout=log,
                stderr=log,
                start_new_session=True,  # a Ctrl+C meant for the kiosk is not the forwarder's
                # systemd watches the kiosk, not its forwarder: its notes are not the kiosk's
                env={name: value for name, value in os.environ.items() if name != "NOTIFY_SOCKET"},
                preexec_fn=ends_with_this_process(),
            )

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
