"""Delivery against a misbehaving network and API: the real simulator on 127.0.0.1, asked to
redirect, trickle, lag and answer in odd shapes, and a wall clock moved by libfaketime.

The promise under test: no credential or report leaves for another host, no complaint is
stored twice, no worker is held past its deadline, no odd answer ends the forwarder, and a
clock jump delays nothing by more than the back-off.
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import make_report
from repo_paths import REPO_ROOT
from test_adapter import ScriptedServer

from kiosk import outbox, refdata
from kiosk.adapters.lapor_v3 import LaporV3Client
from kiosk.config import ForwarderConfig, LaporConfig, Secret, load_config
from kiosk.db import connect
from kiosk.forwarder import Forwarder, kiosk_reference
from kiosk.store import save_report
from lapor_sim.process import SimulatorProcess


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def deliver_with(tmp_path):
    """Start a simulator with `options`; give it, a store and a forwarder bound to it."""
    opened = []

    def start(*options: str, lapor=None, **settings):
        sim = SimulatorProcess(*options, config_path=tmp_path / "kiosk.toml").start()
        config = load_config(sim.config_path)
        conn = connect(config.db_path)
        api = LaporV3Client(replace(config.lapor, **(lapor or {})), config.terminal.id)
        forwarder = Forwarder(conn, api, replace(config.forwarder, **settings), 86400.0)
        opened.append((sim, forwarder))
        return sim, conn, forwarder

    yield start
    for sim, forwarder in opened:
        forwarder.close()
        sim.stop()


@pytest.fixture
def server():
    """A scripted LAPOR! on 127.0.0.1 (tests/test_adapter.py), closed after the test."""
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


def references_at(sim: SimulatorProcess) -> list[str]:
    """The kiosk reference of every complaint the simulator stored (one per copy)."""
    return [
        tag.lstrip("#")
        for complaint in sim.complaints()
        for tag in complaint["tags_raw"].split()
        if tag.startswith("#kiosk-")
    ]


# -- redirects: nothing goes to another host --------------------------------------------------


class Recorder(ThreadingHTTPServer):
    """A server on 127.0.0.1 that notes every request it receives (it must receive none)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _note(self) -> None:
                recorder.requests.append(f"{self.command} {self.path} {dict(self.headers)}")
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _note

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.mark.parametrize("status", ["301", "302", "303", "307", "308"])
def test_a_redirect_is_a_configuration_problem_and_nothing_reaches_its_target(deliver_with, status):
    target = Recorder()
    try:
        sim, conn, forwarder = deliver_with(
            "--redirect-to", target.url, "--redirect-status", status
        )
        stored = save_report(conn, make_report(), 1)
        forwarder.run_once()
        item = outbox.get(conn, stored.uuid)
        assert item.state == "queued", "a redirected create was not sent anywhere"
        assert "redirect to 127.0.0.1" in item.last_error and "base_url" in item.last_error
        assert outbox.api_state(conn) == "misconfigured"
        assert target.requests == [], "a request followed the redirect"
        assert sim.complaints() == []
    finally:
        target.shutdown()
        target.server_close()


# -- odd answers: reconciled, never "delivered" on a guess, never a dead forwarder ------------


@pytest.mark.parametrize("shape", ["empty-id", "empty-list-for-map", "null-data"])
def test_a_create_answered_without_a_real_id_is_reconciled_not_delivered(deliver_with, shape):
    sim, conn, forwarder = deliver_with("--answer-shape", shape)
    stored = save_report(conn, make_report(), 1)
    forwarder.run_once()
    item = outbox.get(conn, stored.uuid)
    assert item.state == "sending", "an answer without an id must not count as delivered"
    assert "complaint" in item.last_error or "shape" in item.last_error
    assert references_at(sim) == [kiosk_reference(stored.uuid)]


@pytest.mark.parametrize(
    "options",
    [
        ("--answer-shape", "id-renamed"),  # the id under another name is taken
        # Two lookups a grace period apart (0.5 s) must both miss before a re-post; this
        # search shows a complaint 0.8 s after its create.
        ("--drop-response-rate", "1.0", "--search-lag-s", "0.8"),
    ],
    ids=["id-renamed", "search-lag"],
)
def test_delivered_once_with_its_id(deliver_with, options):
    sim, conn, forwarder = deliver_with(*options)
    stored = save_report(conn, make_report(), 1)
    forwarder.run(until_empty=True)
    item = outbox.get(conn, stored.uuid)
    [complaint] = sim.complaints()
    assert (item.state, item.complaint_id) == ("delivered", str(complaint["complaint_id"]))


def test_a_lookup_hit_without_an_id_means_arrived_and_is_never_posted_again(deliver_with):
    sim, conn, forwarder = deliver_with(
        "--drop-response-rate", "1.0", "--answer-shape", "id-missing-in-search"
    )
    stored = save_report(conn, make_report(), 1)
    forwarder.run(until_empty=True)
    item = outbox.get(conn, stored.uuid)
    assert (item.state, item.complaint_id) == ("delivered", None)
    assert references_at(sim) == [kiosk_reference(stored.uuid)]


def test_re_posting_is_bounded_and_then_staff_decide(deliver_with):
    """A search that never shows the complaint: at most `max_create_posts` copies, then
    parked with the reason (it used to be posted again every grace period, without end)."""
    sim, conn, forwarder = deliver_with("--drop-response-rate", "1.0", "--search-lag-s", "3600")
    stored = save_report(conn, make_report(), 1)
    forwarder.run(until_empty=True)
    item = outbox.get(conn, stored.uuid)
    assert item.state == "needs_review"
    assert "posted 3 time(s)" in item.last_error and kiosk_reference(stored.uuid) in item.last_error
    assert references_at(sim) == [kiosk_reference(stored.uuid)] * 3
    assert outbox.requeue(conn, stored.uuid)  # staff checked: the count starts anew
    assert outbox.get(conn, stored.uuid).create_posts == 0


def test_one_odd_answer_does_not_stop_the_others(server, tmp_path):
    """The first create is answered in a shape nobody expects, the second normally: both are
    handled in the same pass, the first waits to be reconciled."""
    server.script["POST /complaints/complaint"] = [
        (200, {}, {"success": True, "results": [], "data": None}),
        (200, {}, {"success": True, "complaint_id": 501}),
    ]
    forwarder = scripted_forwarder(server, tmp_path, reconcile_grace_s=60)
    conn = forwarder.conn
    odd, fine = (save_report(conn, make_report(number), 1) for number in (1, 2))
    assert forwarder.run_once() == 2
    assert outbox.get(conn, odd.uuid).state == "sending"
    assert (outbox.get(conn, fine.uuid).state, outbox.get(conn, fine.uuid).complaint_id) == (
        "delivered",
        "501",
    )
    forwarder.close()


@pytest.mark.parametrize(
    "answer",
    [
        {"success": True, "results": []},
        {"success": True, "results": {"data": None}},
        {"success": True, "results": {"data": [{"id": None, "name": 5}, "x", 7]}},
        [1, 2, 3],
    ],
)
def test_reference_lists_of_the_wrong_shape_keep_the_lists_and_the_forwarder(
    server, tmp_path, answer
):
    for path in ("/masters/institutions/external", "/masters/categories", "/masters/locations"):
        server.script[f"GET {path}"] = [(200, {}, answer)]
    server.script["POST /complaints/complaint"] = [(200, {}, {"complaint_id": 77})]
    forwarder = scripted_forwarder(server, tmp_path)
    conn = forwarder.conn
    bundled = refdata.get(conn, "institutions").items
    stored = save_report(conn, make_report(), 1)
    forwarder.housekeeping()  # used to raise at every start: nothing was ever delivered
    forwarder.run_once()
    assert outbox.get(conn, stored.uuid).state == "delivered"
    assert refdata.get(conn, "institutions").items == bundled
    forwarder.close()


# -- a trickling server costs one report its deadline, not a worker ---------------------------


def test_a_trickling_answer_costs_its_deadline_and_the_report_is_reconciled(tmp_path):
    port, db = str(free_port()), str(tmp_path / "sim.sqlite3")
    config_path = tmp_path / "kiosk.toml"
    with SimulatorProcess(
        "--port", port, "--db", db, "--trickle-bytes-per-s", "2", config_path=config_path
    ):
        config = load_config(config_path)
        conn = connect(config.db_path)
        api = LaporV3Client(replace(config.lapor, timeout_s=1.0), config.terminal.id)
        forwarder = Forwarder(conn, api, config.forwarder, 86400.0)
        stored = save_report(conn, make_report(), 1)
        started = time.monotonic()
        forwarder.run_once()
        took = time.monotonic() - started
        item = outbox.get(conn, stored.uuid)
        assert item.state == "sending" and "within 1 s" in item.last_error
        assert took < 5, f"the worker was held {took:.1f} s by an answer of ~150 bytes at 2 B/s"
    with SimulatorProcess("--port", port, "--db", db) as sim:  # the same LAPOR!, now healthy
        forwarder.run(until_empty=True)
        item = outbox.get(conn, stored.uuid)
        assert references_at(sim) == [kiosk_reference(stored.uuid)]
        assert item.state == "delivered"
    forwarder.close()


# -- a wall clock that jumps (libfaketime) ----------------------------------------------------


def kiosk_command(config: Path, *args: str, shift: str = "") -> list[str]:
    command = [sys.executable, "-m", "kiosk", "--config", str(config), *args]
    return ["faketime", "-f", shift, *command] if shift else command


@pytest.mark.parametrize(
    ("failing_at", "delivering_at"), [("+365d", ""), ("", "+365d"), ("", "-365d"), ("-365d", "")]
)
def test_a_clock_jump_delays_nothing_by_more_than_the_back_off(tmp_path, failing_at, delivering_at):
    """A failure under one wall clock, the retry under another a year away: the retry still
    comes after the back-off (4 s here), neither a year late nor early."""
    port, config_path = str(free_port()), tmp_path / "kiosk.toml"
    env = {**os.environ, "FAKETIME_DONT_FAKE_MONOTONIC": "1"}  # the boot clock stays true
    failing = ("--port", port, "--fail-rate", "1.0", "--retry-after-s", "4")
    with SimulatorProcess(*failing, config_path=config_path):
        settings = config_path.read_text()
        for old, new in (("backoff_initial_s = 0.05", "backoff_initial_s = 4.0"),
                         ("backoff_max_s = 0.5", "backoff_max_s = 4.0"),
                         ("jitter = 0.25", "jitter = 0.0")):  # fmt: skip
            settings = settings.replace(old, new)
        config_path.write_text(settings)
        reports = tmp_path / "r.json"
        reports.write_text(json.dumps(make_report_json()))
        submit = kiosk_command(config_path, "submit", str(reports))
        subprocess.run(submit, cwd=REPO_ROOT, check=True, capture_output=True)
        failed = subprocess.run(
            kiosk_command(config_path, "forward", "--once", shift=failing_at),
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    failed_at = time.monotonic()
    assert failed.returncode == 1, failed.stderr  # LAPOR! could not take it
    with SimulatorProcess("--port", port) as sim:
        delivered = subprocess.run(
            kiosk_command(config_path, "forward", "--until-empty", shift=delivering_at),
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        took = time.monotonic() - failed_at
        assert delivered.returncode == 0, delivered.stderr
        assert json.loads(delivered.stdout.splitlines()[-1])["delivered"] == 1
        assert len(sim.complaints()) == 1
    assert took >= 3.0, f"the retry came {took:.1f} s after the failure, before its back-off"


def make_report_json() -> dict:
    return {
        "classification": "pengaduan",
        "title": "Trotoar rusak di depan pasar",
        "content": "Trotoar di depan pasar berlubang besar dan membahayakan pejalan kaki.",
        "date_of_incident": "2026-11-20",
        "location": "Pasar Minggu",
        "category": "4",
        "reporter": {"name": "", "phone": "", "email": ""},
    }


# -- metrics are optional equipment ------------------------------------------------------------


def test_a_taken_metrics_port_does_not_stop_delivery(tmp_path):
    with socket.socket() as taken, SimulatorProcess(config_path=tmp_path / "kiosk.toml") as sim:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config_path = sim.config_path
        config_path.write_text(
            config_path.read_text() + f'\n[metrics]\nlisten = "127.0.0.1:{port}"\n'
        )
        reports = tmp_path / "r.json"
        reports.write_text(json.dumps(make_report_json()))
        subprocess.run(
            kiosk_command(config_path, "submit", str(reports)), cwd=REPO_ROOT, check=True
        )
        forward = subprocess.run(
            kiosk_command(config_path, "forward", "--until-empty"),
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert forward.returncode == 0, forward.stderr
        assert f"cannot serve metrics on 127.0.0.1:{port}" in forward.stderr
        assert len(sim.complaints()) == 1


# -- the systemd watchdog is fed only while every worker is on time ----------------------------


def test_a_stuck_worker_starves_the_watchdog(tmp_path, monkeypatch, caplog):
    """Worker 0 hangs in a step (standing in for a call that outlives its deadline: with the
    whole-call deadline no real call does); worker 1 keeps delivering. systemd must stop
    hearing WATCHDOG=1 so that it restarts the service; the log names the stuck worker."""
    from kiosk import forwarder as forwarding

    monkeypatch.setattr(forwarding, "PROGRESS_MARGIN_S", 0.3)
    monkeypatch.setattr(forwarding, "HEALTH_CHECK_S", 0.05)
    heard: list[tuple[float, str]] = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as systemd:
        systemd.bind(str(tmp_path / "notify"))
        systemd.settimeout(0.1)
        monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "notify"))
        listening = threading.Event()
        listening.set()

        def listen() -> None:
            while listening.is_set():
                with contextlib.suppress(TimeoutError):
                    heard.append((time.monotonic(), systemd.recv(64).decode()))

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        server = ScriptedServer()
        stop = threading.Event()
        lapor = LaporConfig(base_url=server.url, auth_key=Secret("k"), token=Secret("t"))

        def make(shard):
            conn = connect(tmp_path / "kiosk.sqlite3")
            settings = ForwarderConfig(poll_interval_s=0.05)  # worker 1 passes 20 times a second
            return Forwarder(conn, LaporV3Client(lapor, "T"), settings, 86400.0, shard)

        def action(worker: Forwarder) -> None:
            if worker.shard.index == 0:
                worker._expect_progress(0.0)
                time.sleep(2.0)  # hung
                stop.set()
            else:
                worker.run(stop=stop)

        started = time.monotonic()
        forwarding.run_workers(2, make, action, stop)
        listening.clear()
        listener.join()
        server.close()
    fed = [at - started for at, message in heard if message == "WATCHDOG=1"]
    assert ("READY=1" in [message for _, message in heard]) and fed, "never fed at all"
    assert not [at for at in fed if 0.6 < at < 1.9], f"fed while a worker was stuck: {fed}"
    assert "forwarder worker 0 is stuck" in caplog.text


# -- no tight loops, no endless re-posts -------------------------------------------------------


def scripted_forwarder(server: ScriptedServer, tmp_path: Path, lookup: bool = False, **settings):
    conn = connect(tmp_path / "kiosk.sqlite3")
    lapor = LaporConfig(
        base_url=server.url, auth_key=Secret("k"), token=Secret("t"), reference_lookup=lookup
    )
    return Forwarder(conn, LaporV3Client(lapor, "T"), ForwarderConfig(**settings), 86400.0)


def run_for(forwarder: Forwarder, seconds: float) -> None:
    stop = threading.Event()
    threading.Timer(seconds, stop.set).start()
    forwarder.run(stop=stop)


def test_retry_after_zero_and_an_outage_do_not_make_a_tight_loop(server, tmp_path):
    """`Retry-After: 0` on every call, 20 reports waiting: the kiosk waits at least
    backoff_initial_s (0.5 s) between tries and the others wait with it (it used to send
    about a thousand requests a second)."""
    server.script["POST /complaints/complaint"] = [(429, {"Retry-After": "0"}, {})]
    forwarder = scripted_forwarder(
        server, tmp_path, backoff_initial_s=0.5, poll_interval_s=0.05, jitter=0.0
    )
    for number in range(20):
        save_report(forwarder.conn, make_report(number), 1)
    run_for(forwarder, 1.2)
    creates = server.calls.count("POST /complaints/complaint")
    assert 1 <= creates <= 4, f"{creates} creates in 1.2 s"
    forwarder.close()


def test_server_errors_without_lookups_are_posted_a_bounded_number_of_times(server, tmp_path):
    """A gateway that answers 502 (perhaps after storing): without lookups the create is
    posted again, but at most max_create_posts (3) times; then staff decide."""
    server.script["POST /complaints/complaint"] = [(502, {}, {"message": "Bad gateway"})]
    forwarder = scripted_forwarder(server, tmp_path, backoff_initial_s=0.01, jitter=0.0)
    stored = save_report(forwarder.conn, make_report(), 1)
    forwarder.run(until_empty=True)
    item = outbox.get(forwarder.conn, stored.uuid)
    assert item.state == "needs_review" and "posted 3 time(s)" in item.last_error
    assert server.calls.count("POST /complaints/complaint") == 3
    forwarder.close()


def test_a_technicians_retry_of_a_queued_report_keeps_its_count_of_posts(server, tmp_path):
    forwarder = scripted_forwarder(server, tmp_path)
    stored = save_report(forwarder.conn, make_report(), 1)
    outbox.mark_sending(forwarder.conn, stored.uuid, forwarder.clock, 60.0)
    outbox.mark_not_sent(forwarder.conn, stored.uuid)  # queued again, but it was posted
    assert outbox.requeue(forwarder.conn, stored.uuid)
    assert outbox.get(forwarder.conn, stored.uuid).create_posts == 1
    forwarder.close()


def test_refusals_nested_without_end_and_names_no_terminal_can_print_stop_nothing(server, tmp_path):
    nested = "[" * 600 + '"terlalu dalam"' + "]" * 600  # parses; a reader recursing dies
    refusal = ('{"errors": {"title": ' + nested + "}}").encode()
    server.script["POST /complaints/complaint"] = [(400, {}, refusal)]
    odd_name = {"success": True, "results": {"data": [{"id": 1, "name": "Dinas \ud800"}]}}
    for path in ("/masters/institutions/external", "/masters/categories", "/masters/locations"):
        server.script[f"GET {path}"] = [(200, {}, odd_name)]
    forwarder = scripted_forwarder(server, tmp_path)
    stored = save_report(forwarder.conn, make_report(), 1)
    forwarder.housekeeping()
    forwarder.run_once()
    item = outbox.get(forwarder.conn, stored.uuid)
    assert item.state == "rejected" and "HTTP 400" in item.last_error
    assert refdata.get(forwarder.conn, "institutions").items[0]["name"] == "Dinas \ud800"
    forwarder.close()
