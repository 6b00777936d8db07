"""The touch kiosk with its forwarder beside it, as `kiosk run` and `kiosk demo` start it."""

from __future__ import annotations

from kiosk.config import KioskConfig
from kiosk.supervisor import ForwarderProcess
from kiosk.touch.run import run_touch_kiosk


def run_kiosk_with_forwarder(
    config: KioskConfig, with_forwarder: bool = True, windowed: bool = False
) -> None:
    forwarder = None
    if with_forwarder and config.source is not None:
        config.data.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        forwarder = ForwarderProcess(config.source, config.data.dir / "forwarder.log").start()
    try:
        run_touch_kiosk(config, windowed=windowed)  # SIGINT and SIGTERM stop it cleanly
    finally:
        if forwarder is not None:
            forwarder.stop()
