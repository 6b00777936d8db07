"""A deadline for a whole HTTP call: connect, send, and the complete answer.

Why: requests' `timeout` bounds each socket operation, not the call. A server (or a
middlebox) that trickles one byte a second never times out, and the forwarder's worker
would wait for it forever, holding its share of the outbox.

How: `DeadlineAdapter` (a requests `HTTPAdapter`) gives its connection pools connection
classes that report every socket they use to the `Deadline` running on the same thread (a
context manager around one call). When a deadline passes, one watcher thread, shared by all
calls, shuts those sockets down: the worker's blocked read or write returns at once (an
error, or an early end of the answer), and the caller maps whatever comes to "no answer in
time" (`Deadline.expired`).

- The watcher never touches a connection's own socket object: when a socket is reported,
  the worker's thread duplicates its descriptor, and the watcher calls `shutdown(2)` on the
  duplicate, which acts on the same connection. An SSLSocket's state is therefore only ever
  used by its own thread, and a descriptor number the worker closed (and the system gave to
  another connection) can never be hit: the duplicate is closed when the call ends, under
  the same lock as the watcher's shutdown.
- Keep-alive is untouched: an idle connection in the pool is never shut down while a call
  runs in time; one shut down by an expired call is found dropped and replaced by the pool.
- `Deadline.sent` says whether any byte of the request was written: a call that failed (or
  ran out of time) before that cannot have been processed.

Not covered: a name lookup (getaddrinfo) cannot be interrupted, and each connection
attempt is bounded only by the connect timeout given to requests.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from typing import Any

import requests.adapters
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_current = threading.local()


class Deadline:
    """The deadline of one call made on this thread: `with Deadline(seconds) as deadline:`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.when = time.monotonic() + seconds
        self.sent = False
        """Whether any byte of the request may have left (set before the first write)."""
        self.expired = False
        """Whether the deadline passed (and the call's sockets were shut down) before the
        call ended."""
        self._finished = False
        self._lock = threading.Lock()
        self._watched: list[socket.socket] = []
        self._outer: Deadline | None = None

    def __enter__(self) -> Deadline:
        self._outer = getattr(_current, "deadline", None)
        _current.deadline = self
        _WATCHER.watch(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        _current.deadline = self._outer
        with self._lock:
            self._finished = True
            watched, self._watched = self._watched, []
        for duplicate in watched:
            duplicate.close()

    @property
    def finished(self) -> bool:
        return self._finished

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock`'s connection down if the deadline passes (now, if it has passed)."""
        try:  # fromfd duplicates the descriptor; works for an SSLSocket too
            duplicate = socket.fromfd(sock.fileno(), sock.family, sock.type, sock.proto)
        except OSError:  # already closed: nothing left to interrupt
            return
        with self._lock:
            self._watched.append(duplicate)
            if self.expired:
                _shut(duplicate)

    def expire(self) -> None:
        """Called by the watcher when the deadline passes."""
        with self._lock:
            if self._finished:
                return
            self.expired = True
            for duplicate in self._watched:
                _shut(duplicate)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _running() -> Deadline | None:
    return getattr(_current, "deadline", None)


class _Watcher:
    """One thread expiring the deadlines that pass (a heap: no thread or timer per call)."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: Deadline) -> None:
        with self._wake:
            heapq.heappush(self._heap, (deadline.when, next(self._order), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="http-deadlines", daemon=True
                )
                self._thread.start()
            elif self._heap[0][2] is deadline:
                self._wake.notify()

    def _next_due(self) -> Deadline:
        with self._wake:
            while True:
                while self._heap and self._heap[0][2].finished:
                    heapq.heappop(self._heap)  # ended in time: dropped once it surfaces
                if not self._heap:
                    self._wake.wait()
                    continue
                delay = self._heap[0][0] - time.monotonic()
                if delay <= 0:
                    return heapq.heappop(self._heap)[2]
                self._wake.wait(delay)

    def _run(self) -> None:
        while True:
            self._next_due().expire()


_WATCHER = _Watcher()


class _Watched:
    """Connection behaviour: report each socket used to the running call's deadline."""

    sock: Any

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        if (deadline := _running()) is not None:
            deadline.watch(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline = _running()
        if deadline is not None and self.sock is not None:  # a kept-alive connection
            deadline.watch(self.sock)
        super().request(*args, **kwargs)  # type: ignore[misc]

    def send(self, data: Any) -> None:
        if self.sock is None and self.auto_open:  # type: ignore[attr-defined]
            self.connect()  # type: ignore[attr-defined]  # as http.client would, but first
        if (deadline := _running()) is not None:
            deadline.sent = True
        super().send(data)  # type: ignore[misc]


class WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class DeadlineAdapter(requests.adapters.HTTPAdapter):
    """An HTTPAdapter whose connections (direct or through an HTTP proxy) obey `Deadline`.

    Mount it on a session for `http://` and `https://`; make each call inside a `Deadline`.
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS pools have their own connections
            manager.pool_classes_by_scheme = _POOLS
        return manager
