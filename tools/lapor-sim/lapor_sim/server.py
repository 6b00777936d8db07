"""Running the simulator: bind, serve in a background thread, move reports on over time."""

from __future__ import annotations

import logging
import socket
import threading
from http.server import ThreadingHTTPServer

from lapor_sim.handlers import SimulatorHandler
from lapor_sim.options import SimulatorOptions
from lapor_sim.routes import Context, build_context

logger = logging.getLogger("lapor_sim")


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, options: SimulatorOptions, context: Context) -> None:
        self.context = context
        if ":" in options.host:
            self.address_family = socket.AF_INET6
        super().__init__((options.host, options.port), SimulatorHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}" if ":" in str(host) else f"http://{host}:{port}"


class RunningSimulator:
    """A simulator serving from background threads; `stop()` or leaving `with` ends it."""

    def __init__(self, server: SimulatorServer) -> None:
        self._server = server
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=server.serve_forever, name="lapor-sim")]
        every_s = server.context.options.advance_every_s
        if every_s > 0:
            ticker = threading.Thread(target=self._advance_over_time, args=(every_s,))
            self._threads.append(ticker)
        for thread in self._threads:
            thread.daemon = True
            thread.start()

    @property
    def url(self) -> str:
        """`http://HOST:PORT`, the kiosk's `base_url` for this simulator."""
        return self._server.url

    def _advance_over_time(self, every_s: float) -> None:
        # Look several times per period so a report moves soon after it falls due.
        interval = min(max(every_s / 4, 0.05), 1.0)
        while not self._stopping.wait(interval):
            moved = self._server.context.store.advance_due(every_s)
            if moved:
                logger.info("advanced %d report(s) over time", moved)

    def stop(self) -> None:
        """Stop serving and close the database; calling it again does nothing."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._server.shutdown()
        for thread in self._threads:
            thread.join()
        self._server.server_close()
        self._server.context.store.close()

    def __enter__(self) -> RunningSimulator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_simulator(options: SimulatorOptions) -> RunningSimulator:
    """Bind and start serving; raises OSError when the address cannot be bound."""
    context = build_context(options)
    try:
        server = SimulatorServer(options, context)
    except OSError:
        context.store.close()
        raise
    return RunningSimulator(server)
