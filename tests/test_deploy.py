"""Deployment: the installer into a temporary root, the systemd units checked by
systemd-analyze, and the watchdog notifications a service sends."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from repo_paths import REPO_ROOT

from lapor_sim.process import SimulatorProcess

UNITS = sorted((REPO_ROOT / "hardware" / "systemd").glob("*.service"))


def test_install_and_update_keep_the_queue(tmp_path):
    data = tmp_path / "var" / "lib" / "lapor-kiosk"
    data.mkdir(parents=True)
    (data / "kiosk.sqlite3").write_bytes(b"the reports")
    for _ in range(2):  # an install, then an update
        result = subprocess.run(
            ["sh", str(REPO_ROOT / "hardware" / "install.sh"), "--root", str(tmp_path),
             "--no-venv"], capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "opt" / "lapor-kiosk" / "kiosk" / "cli" / "__init__.py").is_file()
    for unit in UNITS:
        assert (tmp_path / "etc" / "systemd" / "system" / unit.name).is_file()
    assert (data / "kiosk.sqlite3").read_bytes() == b"the reports"
    assert not list((tmp_path / "opt").glob("lapor-kiosk.*"))  # no half-done copies left


def test_install_from_a_copy_that_is_no_git_checkout(tmp_path):
    """A tarball or a USB stick (or a terminal without git): the whole folder is installed."""
    source = tmp_path / "source"
    shutil.copytree(REPO_ROOT / "hardware", source / "hardware")
    shutil.copytree(REPO_ROOT / "kiosk" / "cli", source / "kiosk" / "cli")
    root = tmp_path / "root"
    result = subprocess.run(
        ["sh", str(source / "hardware" / "install.sh"), "--root", str(root), "--no-venv"],
        capture_output=True, text=True, timeout=120, cwd=REPO_ROOT,  # cwd: inside a checkout
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (root / "opt" / "lapor-kiosk" / "kiosk" / "cli" / "__init__.py").is_file()
    assert (root / "opt" / "lapor-kiosk" / "hardware" / "install.sh").is_file()
    for unit in UNITS:
        assert (root / "etc" / "systemd" / "system" / unit.name).is_file()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_the_units_pass_systemd_analyze_verify(tmp_path):
    kiosk = Path(sys.executable).with_name("kiosk")
    for unit in UNITS:
        checked = tmp_path / unit.name
        text = unit.read_text().replace("/opt/lapor-kiosk/.venv/bin/kiosk", str(kiosk))
        checked.write_text(text.replace("User=kiosk", "User=root"))  # no kiosk user here
        result = subprocess.run(
            ["systemd-analyze", "verify", str(checked)], capture_output=True, text=True
        )
        assert result.returncode == 0 and result.stderr == "", result.stderr
    assert "WatchdogSec=" in UNITS[0].read_text() and "Restart=always" in UNITS[0].read_text()


def test_the_forwarder_tells_systemd_it_is_ready_and_alive(tmp_path):
    address = str(tmp_path / "notify.sock")
    with (
        socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener,
        SimulatorProcess(config_path=tmp_path / "kiosk.toml") as sim,
    ):
        listener.bind(address)
        listener.settimeout(10)
        forwarder = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--config", str(sim.config_path), "forward"],
            cwd=REPO_ROOT, env={**os.environ, "NOTIFY_SOCKET": address},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            messages = {listener.recv(256).decode() for _ in range(4)}
        finally:
            forwarder.terminate()
            forwarder.wait(timeout=30)
    assert {"READY=1", "WATCHDOG=1"} <= messages
