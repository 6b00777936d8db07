"""`kiosk.delivery`: the configured workers against the real simulator, to each end."""

import threading
from contextlib import closing

from conftest import make_report

from kiosk import outbox
from kiosk.config import load_config
from kiosk.db import connect
from kiosk.delivery import Until, deliver
from kiosk.store import save_report
from lapor_sim.process import SimulatorProcess


def test_every_worker_delivers_its_shard_until_nothing_waits(tmp_path):
    with SimulatorProcess(config_path=tmp_path / "kiosk.toml") as sim:
        config = load_config(sim.config_path, env={})
        with closing(connect(config.db_path)) as conn:
            for number in range(5):
                save_report(conn, make_report(number), config.terminal.number)
            forwarders = deliver(config)
            assert len(forwarders) == config.forwarder.workers
            assert outbox.counts(conn)["delivered"] == 5
        assert len(sim.complaints()) == 5


def test_one_pass_sends_what_is_due_and_a_set_stop_ends_the_service(tmp_path):
    with SimulatorProcess(config_path=tmp_path / "kiosk.toml") as sim:
        config = load_config(sim.config_path, env={})
        with closing(connect(config.db_path)) as conn:
            save_report(conn, make_report(), config.terminal.number)
            deliver(config, Until.ONE_PASS)
            assert outbox.counts(conn)["delivered"] == 1
            save_report(conn, make_report(2), config.terminal.number)
            stop = threading.Event()
            stop.set()  # as a signal before the first pass: the service ends at once
            deliver(config, Until.STOPPED, stop)
            assert outbox.counts(conn)["queued"] == 1
        assert len(sim.complaints()) == 1
