"""The forwarder against the real LAPOR! simulator on 127.0.0.1: each delivery path once."""

import hashlib
import time
from dataclasses import replace

import pytest
from conftest import make_report, voice_attachment

from kiosk import outbox
from kiosk.adapters.base import Unavailable
from kiosk.adapters.lapor_v3 import LaporV3Client
from kiosk.config import load_config
from kiosk.db import connect
from kiosk.forwarder import Forwarder, ForwarderBusy, acquire_lock, kiosk_reference
from kiosk.store import save_report
from lapor_sim.process import SimulatorProcess


@pytest.fixture
def make_setup(tmp_path):
    """Start a simulator with `options`; give a store, a client and a forwarder bound to it."""
    opened = []

    def start(*options: str, **settings):
        sim = SimulatorProcess(*options, config_path=tmp_path / "kiosk.toml").start()
        config = load_config(sim.config_path)
        lapor = replace(config.lapor, **settings.pop("lapor", {}))
        forwarder_settings = replace(config.forwarder, **settings)
        conn = connect(config.db_path)
        api = LaporV3Client(lapor, config.terminal.id)
        opened.append((sim, conn, api))
        return sim, conn, Forwarder(conn, api, forwarder_settings, 86400.0)

    yield start
    for sim, conn, api in opened:
        api.close()
        conn.close()
        sim.stop()


def test_report_with_voice_recording_is_delivered_once(make_setup):
    sim, conn, forwarder = make_setup()
    recording = voice_attachment(4096)
    stored = save_report(conn, make_report(attachments=(recording,)), 1)
    forwarder.run(until_empty=True)

    item = outbox.get(conn, stored.uuid)
    assert item.state == "delivered"
    [complaint] = sim.complaints()
    assert str(complaint["complaint_id"]) == item.complaint_id
    assert kiosk_reference(stored.uuid) in complaint["tags_raw"]
    assert kiosk_reference(stored.uuid) in complaint["content"]
    assert complaint["title"] == stored.report.title
    assert complaint["nameUser"] == "Budi Santoso"
    [uploaded] = complaint["attachment_files"]
    assert uploaded["sha256"] == hashlib.sha256(recording.data).hexdigest()
    assert uploaded["content_type"] == "audio/ogg"


def test_anonymous_report_sends_no_identity(make_setup):
    sim, conn, forwarder = make_setup()
    save_report(
        conn, make_report(is_anonymous=True, reporter=make_report().reporter.__class__()), 1
    )
    forwarder.run(until_empty=True)
    [complaint] = sim.complaints()
    assert complaint["is_anonymous"] is True
    assert not complaint.get("nameUser") and not complaint.get("phoneUser")


def test_validation_error_is_rejected_with_reason_and_can_be_retried(make_setup):
    sim, conn, forwarder = make_setup()
    stored = save_report(conn, make_report(category_id=999), 1)
    forwarder.run(until_empty=True)
    item = outbox.get(conn, stored.uuid)
    assert item.state == "rejected"
    assert "category_id" in item.last_error and "400" in item.last_error
    assert sim.complaints() == []
    assert outbox.api_errors(conn) == {"rejected": 1}  # for fleet health
    outbox.requeue(conn, stored.uuid)
    assert outbox.get(conn, stored.uuid).state == "queued"


def test_server_errors_are_retried_and_retry_after_is_honoured(make_setup):
    sim, conn, forwarder = make_setup("--fail-rate", "1.0", "--retry-after-s", "7", "--seed", "3")
    stored = save_report(conn, make_report(), 1)
    before = time.time()
    for _ in range(6):
        conn.execute("UPDATE outbox SET wait_boot = ''")  # due now
        forwarder.run_once()
    item = outbox.get(conn, stored.uuid)
    assert item.attempts >= 3  # every pass failed (a reconciliation wait is not an attempt)
    assert any(code in item.last_error for code in ("500", "503", "429"))
    if "HTTP 500" in item.last_error:
        # A gateway may answer 500 after storing: reconcile before posting again.
        assert item.state == "sending"
    else:  # 429 and 503 say "not now" and carry Retry-After: 7
        assert item.state == "queued" and item.create_sent_at is None
        assert item.next_attempt_at >= before + 6.5
    assert isinstance(forwarder.last_failure, Unavailable)
    assert sim.complaints() == []
    assert outbox.api_errors(conn) == {"unavailable": item.attempts}


def test_unanswered_create_is_reconciled_not_posted_again(make_setup):
    sim, conn, forwarder = make_setup("--drop-response-rate", "1.0")
    stored = save_report(conn, make_report(), 1)
    forwarder.run_once()
    item = outbox.get(conn, stored.uuid)
    assert item.state == "sending" and item.create_sent_at is not None
    forwarder.run(until_empty=True)  # waits out the grace period, then looks the reference up
    item = outbox.get(conn, stored.uuid)
    assert item.state == "delivered"
    [complaint] = sim.complaints()
    assert str(complaint["complaint_id"]) == item.complaint_id


def test_unanswered_create_without_lookup_is_parked_for_review(make_setup):
    sim, conn, forwarder = make_setup(
        "--drop-response-rate", "1.0", lapor={"reference_lookup": False}
    )
    stored = save_report(conn, make_report(), 1)
    forwarder.run(until_empty=True)
    item = outbox.get(conn, stored.uuid)
    assert item.state == "needs_review"
    assert kiosk_reference(stored.uuid) in item.last_error
    assert len(sim.complaints()) == 1  # stored once; the kiosk did not post it again


def test_unreachable_api_keeps_reports_queued(make_setup):
    sim, conn, forwarder = make_setup()
    sim.stop()
    stored = save_report(conn, make_report(), 1)
    forwarder.run_once()
    item = outbox.get(conn, stored.uuid)
    assert item.state == "queued" and item.attempts == 1
    assert "cannot connect" in item.last_error
    assert isinstance(forwarder.last_failure, Unavailable)


def test_only_one_forwarder_per_data_directory(tmp_path):
    with acquire_lock(tmp_path), pytest.raises(ForwarderBusy):
        acquire_lock(tmp_path)
    with acquire_lock(tmp_path):  # released when the holder closed it
        pass


def test_failed_lookup_keeps_the_report_sending(make_setup):
    sim, conn, forwarder = make_setup("--drop-response-rate", "1.0")
    stored = save_report(conn, make_report(), 1)
    forwarder.run_once()
    assert outbox.get(conn, stored.uuid).state == "sending"
    sim.stop()  # LAPOR! unreachable while the kiosk wants to reconcile
    conn.execute("UPDATE outbox SET wait_boot = '', create_sent_at = 0")  # grace over
    forwarder.run_once()
    item = outbox.get(conn, stored.uuid)
    assert item.state == "sending", "a failed lookup must never make the report postable"
    assert item.create_sent_at == 0
    assert "cannot connect" in item.last_error


def test_an_answered_create_is_written_before_anything_else(make_setup):
    """A crash right after LAPOR!'s answer loses nothing: the answer is already durable, seen
    from another connection (another process) before the forwarder takes its next step."""
    sim, conn, forwarder = make_setup(reconcile_grace_s=0.0)
    stored = save_report(conn, make_report(), 1)
    [item] = outbox.due(conn, forwarder.clock)
    assert forwarder.deliver(item)
    other = connect(load_config(sim.config_path).db_path)
    seen = outbox.get(other, stored.uuid)
    other.close()
    [complaint] = sim.complaints()
    assert seen.state == "delivered" and seen.complaint_id == str(complaint["complaint_id"])
