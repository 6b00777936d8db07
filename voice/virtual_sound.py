"""Sound devices where there is no sound card (CI, benchmarks): a private PulseAudio null sink.

What is played to its default output can be recorded from its default input (the
sink's monitor). The recipe is ../shared/reference/test-recipes.md, verified on Debian 12.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

SETTLE_S = 2.2
"""The first two seconds after the daemon starts are lost: wait them out."""


@contextmanager
def virtual_sound() -> Iterator[dict[str, str]]:
    """Start PulseAudio with a null sink; yields the environment that points at it."""
    if shutil.which("pulseaudio") is None:
        raise RuntimeError("pulseaudio is missing: install the Debian package pulseaudio")
    folder = Path(tempfile.mkdtemp(prefix="kiosk-pulse-"))
    socket = folder / "pulse.sock"
    recipe = resources.files("voice").joinpath("null-sink.pa").read_text("utf-8")
    (folder / "pa.pa").write_text(recipe.format(socket=socket))
    environment = {
        "PULSE_SERVER": f"unix:{socket}",
        "PULSE_RUNTIME_PATH": str(folder / "run"),
    }
    daemon_env = {**os.environ, **environment}
    daemon = subprocess.Popen(
        ["pulseaudio", "--daemonize=no", "-n", "-F", str(folder / "pa.pa"),
         "--exit-idle-time=-1", "--use-pid-file=false"],
        env=daemon_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 15
        while subprocess.run(
            ["pactl", "info"], env=daemon_env, capture_output=True, check=False
        ).returncode:
            if daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("PulseAudio did not start")
            time.sleep(0.05)
        time.sleep(SETTLE_S)
        yield environment
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def with_sound_environment() -> Iterator[None]:
    """Run the body with a virtual sound device in `os.environ` (PortAudio reads it at import)."""
    with virtual_sound() as environment:
        saved = {name: os.environ.get(name) for name in environment}
        os.environ.update(environment)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
