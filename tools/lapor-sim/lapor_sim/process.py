"""Run the LAPOR! simulator as a real subprocess, for the demo, benchmarks and tests (stdlib only).

    with SimulatorProcess("--fail-rate", "0.2", "--seed", "7", config_path=tmp / "k.toml") as sim:
        requests.post(sim.url + "/complaints/complaint", headers=sim.headers, json=...)
        assert sim.complaints()[0]["status_name"] == "Belum Terverifikasi"
        sim.advance(sim.complaints()[0]["complaint_id"])

API: `.url`, `.config_path`, `.headers` (auth headers the simulator accepts), `.complaints()`,
`.stats()` (requests, `faults` and `creates_stored`), `.advance(id)`, `.stop()` (also on
leaving `with`; returns the exit code) and `.output()` (everything the simulator printed on
stdout and stderr so far).
"""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from kiosk.child_lifetime import ends_with_this_process
from kiosk.demo_settings import DEFAULT_AUTH_KEY, DEFAULT_TOKEN

LISTENING = re.compile(rb"lapor-sim listening on (http://\S+)")


class SimulatorProcess:
    """`python -m lapor_sim --port 0 [options] [--write-config PATH]`, from the repo root."""

    def __init__(
        self, *options: str, config_path: Path | str | None = None, timeout_s: float = 10.0
    ) -> None:
        self.options = list(options)
        self.config_path = Path(config_path) if config_path is not None else None
        self.timeout_s = timeout_s
        self.url = ""
        self._process: subprocess.Popen[bytes] | None = None
        self._stdout = b""
        self._stderr = b""
        self._stderr_path: Path | None = None

    @property
    def headers(self) -> dict[str, str]:
        """The `auth` and `token` headers matching `--auth-key` / `--token` (or their defaults)."""
        key = self._option("--auth-key", DEFAULT_AUTH_KEY)
        return {"auth": f"Bearer {key}", "token": self._option("--token", DEFAULT_TOKEN)}

    def _option(self, name: str, default: str) -> str:
        if name in self.options[:-1]:
            return self.options[self.options.index(name) + 1]
        return default

    def start(self) -> SimulatorProcess:
        """Start and wait for the listening line; RuntimeError (with stderr) if it never comes."""
        command = [sys.executable, "-m", "lapor_sim", "--port", "0", *self.options]
        if self.config_path is not None:
            command += ["--write-config", str(self.config_path)]
        descriptor, name = tempfile.mkstemp(prefix="lapor-sim-", suffix=".log")
        self._stderr_path = Path(name)
        with os.fdopen(descriptor, "ab") as stderr:
            self._process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=stderr,
                preexec_fn=ends_with_this_process(),  # a killed demo or test leaves no server
            )
        match = self._wait_for_listening()
        if match is None:
            self.stop()
            raise RuntimeError(f"simulator did not start:\n{self.output()}")
        self.url = match.group(1).decode()
        return self

    def _wait_for_listening(self) -> re.Match[bytes] | None:
        assert self._process is not None and self._process.stdout is not None
        deadline = time.monotonic() + self.timeout_s
        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            while b"\n" not in self._stdout and time.monotonic() < deadline:
                if selector.select(timeout=max(0.0, deadline - time.monotonic())):
                    chunk = os.read(self._process.stdout.fileno(), 4096)
                    if not chunk:
                        break
                    self._stdout += chunk
        return LISTENING.search(self._stdout)

    def stop(self) -> int | None:
        """SIGTERM, then kill after 5 s; returns the exit code (None if never started)."""
        if self._process is None:
            return None
        if self._process.returncode is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                rest, _ = self._process.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                rest, _ = self._process.communicate()
            self._stdout += rest
        if self._stderr_path is not None:
            self._stderr = self._stderr_path.read_bytes()
            self._stderr_path.unlink()
            self._stderr_path = None
        return self._process.returncode

    def output(self) -> str:
        """Everything printed so far: stdout, then stderr (still readable after `stop`)."""
        stderr = self._stderr_path.read_bytes() if self._stderr_path else self._stderr
        return (self._stdout + stderr).decode("utf-8", "replace")

    def _call(self, method: str, path: str) -> Any:
        data = b"" if method == "POST" else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        with urllib.request.urlopen(request, timeout=self.timeout_s) as answer:
            return json.load(answer)

    def complaints(self) -> list[dict[str, Any]]:
        """Every stored report (`GET /_sim/complaints`)."""
        return self._call("GET", "/_sim/complaints")["complaints"]

    def stats(self) -> dict[str, Any]:
        """Requests per path and injected faults (`GET /_sim/stats`)."""
        return self._call("GET", "/_sim/stats")

    def advance(self, complaint_id: int) -> dict[str, Any]:
        """Move a report to its next status; returns the new detail (`results`)."""
        return self._call("POST", f"/_sim/complaints/{complaint_id}/advance")["results"]

    def __enter__(self) -> SimulatorProcess:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
