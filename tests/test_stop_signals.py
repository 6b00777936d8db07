"""A burst of stop signals stops a process; it never hangs it (real processes, real signals)."""

import os
import signal
import subprocess
import sys

import pytest
from repo_paths import REPO_ROOT

CHILD = """
import threading
from kiosk.stop_signals import stop_on_signals
stop = threading.Event()
with stop_on_signals(stop):
    print("ready", flush=True)
    while not stop.wait(0.001):  # busy with the Event, as the forwarder's loop is
        pass
print("stopped", flush=True)
"""


@pytest.mark.parametrize("burst", [1, 500])
def test_stop_signals_in_a_burst_stop_the_process(burst):
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline() == "ready\n"
        for _ in range(burst):  # the kernel's parent-death signal may come more than once
            os.kill(child.pid, signal.SIGTERM)
        ended = child.wait(timeout=10)  # a hang (the lock taken twice) times out here
        if burst == 1:
            assert (ended, child.stdout.read()) == (0, "stopped\n")
        else:  # signals after the stop meet the default handler again: ended either way
            assert ended in (0, -signal.SIGTERM)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
