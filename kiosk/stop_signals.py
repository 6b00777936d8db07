"""SIGTERM and SIGINT that set a `threading.Event`, safely.

Why not `signal.signal(SIGTERM, lambda *_: stop.set())`: a Python signal handler runs in the
main thread between two of its bytecodes, and `Event.set` takes a lock that is not
re-entrant. A second signal arriving while the first handler is inside `set` (the kernel's
parent-death signal can come more than once) runs `set` again, which waits for ever for
the lock its own thread holds: the process hangs instead of stopping. Here the handler only
writes a byte to a pipe, and a small thread turns it into `stop.set()`.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """While inside, SIGTERM or SIGINT sets `stop`; the former handlers come back after."""
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)  # a flood of signals never blocks the handler

    def relay() -> None:
        while os.read(read_end, 64):  # until b"": the handlers are gone, the pipe closed
            stop.set()
        os.close(read_end)

    def note(_number: int, _frame: object) -> None:
        with suppress(BlockingIOError):  # the pipe is full of earlier notes: known already
            os.write(write_end, b"s")

    threading.Thread(target=relay, name="stop-signals", daemon=True).start()
    previous = {number: signal.signal(number, note) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        os.close(write_end)
