"""systemd's notify protocol (sd_notify): READY once started, WATCHDOG while alive.

Without NOTIFY_SOCKET (not under systemd) every call does nothing. A service whose
process hangs stops sending WATCHDOG=1 and systemd restarts it (`WatchdogSec=`).
"""

from __future__ import annotations

import os
import socket


def notify(message: str) -> bool:
    """Send one notification; False when not running under systemd (or it cannot be sent)."""
    address = os.environ.get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as channel:
            channel.sendto(message.encode(), address)
    except OSError:
        return False
    return True
