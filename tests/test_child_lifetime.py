"""A child started with `ends_with_this_process` does not outlive its starter: real
processes, the starter killed with SIGKILL (the forwarder beside `kiosk run`: test_touch.py)."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from repo_paths import REPO_ROOT

from kiosk.child_lifetime import ends_with_this_process


def wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def assert_ends(pid: int, within_s: float, why: str) -> None:
    """`pid` ends within `within_s` seconds; killed in any case, so no test leaves it behind."""
    try:
        assert wait_for(lambda: not running(pid), within_s), why
    finally:
        if running(pid):
            os.kill(pid, signal.SIGKILL)


def running(pid: int) -> bool:
    """`pid` is a live process (a zombie has ended: only its exit status is left)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    state = stat.rsplit(")", 1)[1].split()[0]
    return state not in ("Z", "X")


def test_a_child_ends_when_the_thread_that_started_it_ends():
    started: list[subprocess.Popen] = []
    starter = threading.Thread(
        target=lambda: started.append(
            subprocess.Popen(["sleep", "60"], preexec_fn=ends_with_this_process())
        )
    )
    starter.start()
    starter.join()
    [child] = started
    try:
        assert child.wait(timeout=5) == -signal.SIGTERM
    finally:
        child.kill()


STARTER = """
import os, subprocess, sys, time
from kiosk.child_lifetime import ends_with_this_process

guard = ends_with_this_process()

def late_guard():
    with open(sys.argv[1], "w") as pid_file:
        pid_file.write(str(os.getpid()))
    time.sleep(2)  # the test kills this child's starter meanwhile
    guard()

subprocess.Popen(["sleep", "60"], preexec_fn=late_guard)
"""


def test_a_child_whose_starter_died_before_it_could_be_told_does_not_run(tmp_path):
    """The race: the starter is killed after the fork, before prctl() in the child, so no
    signal will come; the child sees that its parent is gone and ends before the exec."""
    pid_file = tmp_path / "child.pid"
    starter = subprocess.Popen([sys.executable, "-c", STARTER, str(pid_file)], cwd=REPO_ROOT)
    try:
        assert wait_for(lambda: pid_file.exists() and pid_file.read_text(), 20)
        child = int(pid_file.read_text())
    finally:
        starter.kill()
        starter.wait()
    assert_ends(child, 5, "the child ran on without its starter")
