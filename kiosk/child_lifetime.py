"""Child processes that end with the process that started them, even a killed one.

Linux's `PR_SET_PDEATHSIG`: the kernel sends the child SIGTERM when its parent ends,
however it ends (SIGKILL, a crash). The child itself needs to know nothing of it.
"""

from __future__ import annotations

import ctypes
import os
import signal
from collections.abc import Callable

PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal this process gets when the thread that started it ends."""

_libc = ctypes.CDLL(None, use_errno=True)  # loaded here: nothing may be loaded after a fork


def ends_with_this_process() -> Callable[[], None]:
    """A `preexec_fn` for a child that must not outlive the process starting it.

    The kernel signals the child when the *thread* that started it ends, so start it
    from a thread that lives as long as the child should (the main thread, or one that
    owns the child). Runs between fork and exec, where only async-signal-safe work is
    sound: no import, no lock, no logging; a few system calls, a check, an exit.
    """
    parent = os.getpid()

    def in_child() -> None:
        # A handler of the parent's (the kiosk stops on SIGTERM) would only note the signal,
        # and the note is gone with the exec: until then, the default kills.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
        if os.getppid() != parent:  # it ended before prctl: no signal will ever come
            os._exit(0)

    return in_child
