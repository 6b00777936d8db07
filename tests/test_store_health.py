"""A store that knows when it is damaged or missing, and the way back from damage."""

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import make_report, voice_attachment
from test_cli import GOOD, run, stored_count

from kiosk import outbox
from kiosk.config import load_config
from kiosk.db import connect
from kiosk.store import save_report
from kiosk.store_health import StoreDamaged, StoreMissing, integrity_problems, marker_path
from kiosk.store_recovery import recover
from lapor_sim.config_writer import write_kiosk_config
from lapor_sim.options import SimulatorOptions

PAGE = 4096


def filled_store(path: Path, reports: int = 120) -> list[str]:
    conn = connect(path)
    try:
        uuids = [
            save_report(conn, make_report(n, attachments=(voice_attachment(),) * (n % 2)), 1).uuid
            for n in range(reports)
        ]
        outbox.mark_delivered(conn, uuids[0], "1000001", None)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return uuids


def damage(path: Path, page: int) -> None:
    """Overwrite page number `page` (from 1), as a torn write on an SD card would."""
    with path.open("r+b") as file:
        file.seek(PAGE * (page - 1))
        file.write(b"\xde\xad" * (PAGE // 2))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_store_is_marked_and_then_may_not_vanish(tmp_path):
    store = tmp_path / "kiosk.sqlite3"
    connect(store).close()
    assert marker_path(store).exists()
    store.unlink()
    with pytest.raises(StoreMissing, match=r"missing.*since.*kiosk\.sqlite3\.since"):
        connect(store)
    assert not store.exists()  # no fresh store was made in its place
    store.write_bytes(b"")
    with pytest.raises(StoreMissing, match=r"empty \(0 bytes\)"):
        connect(store)
    marker_path(store).unlink()  # the technician starts afresh on purpose
    connect(store).close()


def test_a_store_made_by_an_older_version_gets_its_marker(tmp_path):
    store = tmp_path / "kiosk.sqlite3"
    filled_store(store, 3)
    marker_path(store).unlink()
    connect(store).close()
    assert marker_path(store).exists()


def test_a_damaged_store_is_refused_and_left_untouched(tmp_path):
    store = tmp_path / "kiosk.sqlite3"
    filled_store(store)
    damage(store, root_page(store, "outbox_complaint"))
    before = digest(store)
    with pytest.raises(StoreDamaged, match=r"damaged.*kiosk store recover"):
        connect(store)
    assert digest(store) == before


def test_a_file_that_is_not_a_store_is_damaged_too(tmp_path):
    store = tmp_path / "kiosk.sqlite3"
    store.write_bytes(b"not a database at all" * 500)
    with pytest.raises(StoreDamaged):
        connect(store)


def root_page(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        query = "SELECT rootpage FROM sqlite_master WHERE name = ?"
        return conn.execute(query, (name,)).fetchone()[0]
    finally:
        conn.close()


def leaf_pages(path: Path, table: str) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        query = "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno"
        return [row[0] for row in conn.execute(query, (table,))]
    finally:
        conn.close()


def test_recover_keeps_every_readable_report_and_never_posts_one_blindly(tmp_path):
    store = tmp_path / "kiosk.sqlite3"
    uuids = filled_store(store)
    damage(store, root_page(store, "outbox_complaint"))  # an index: every row readable
    damage(store, root_page(store, "outbox"))  # and the queue's first page: its rows are lost

    recovered = recover(store)

    assert (recovered.reports, recovered.lost) == (len(uuids), 0)
    assert recovered.requeued > 0
    assert recovered.damaged_copy.exists()
    conn = connect(store)  # whole again: opens without complaint
    try:
        assert integrity_problems(conn) == []
        states = {item.report_uuid: item.state for item in outbox.listing(conn)}
        assert set(states) == set(uuids)  # every report is still on its way ...
        # ... and one whose queue row was lost (the delivered one among them) is looked up
        # at LAPOR! before anything is posted.
        assert list(states.values()).count("sending") == recovered.requeued
        assert states[uuids[0]] in ("delivered", "sending")
    finally:
        conn.close()


def test_recover_counts_reports_it_could_not_read_and_leaves_no_queue_row_without_one(tmp_path):
    store = tmp_path / "kiosk.sqlite3"
    filled_store(store)
    damage(store, leaf_pages(store, "reports")[1])  # some reports are lost with it

    recovered = recover(store)

    assert recovered.lost > 0
    conn = connect(store)
    try:
        orphans = conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE report_uuid NOT IN (SELECT uuid FROM reports)"
        ).fetchone()[0]
        assert orphans == 0  # a queue row without its report would keep the forwarder busy
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_recover_leaves_the_store_alone_when_nothing_can_be_read(tmp_path):
    store = tmp_path / "kiosk.sqlite3"
    store.write_bytes(b"\xde\xad" * 20_000)
    with pytest.raises(StoreDamaged, match="no report could be read"):
        recover(store)
    assert store.read_bytes() == b"\xde\xad" * 20_000


@pytest.fixture
def terminal(tmp_path) -> Path:
    path = tmp_path / "kiosk.toml"  # a terminal whose LAPOR! is never reached here
    write_kiosk_config(path, "http://127.0.0.1:9", SimulatorOptions())
    submitted = run("submit", "-", config=path, stdin=json.dumps(GOOD))
    assert submitted.returncode == 0, submitted.stderr
    (tmp_path / "code").write_text(submitted.stdout.split()[0])
    return path


@pytest.mark.parametrize(
    "command",
    [("submit", "-"), ("status",), ("queue", "status"), ("track", "CODE"), ("forward",)],
)
def test_every_command_says_what_is_wrong_with_a_damaged_store(terminal, command):
    store = load_config(terminal).db_path
    damage(store, root_page(store, "outbox_complaint"))
    before = digest(store)
    code = (terminal.parent / "code").read_text()
    command = tuple(code if part == "CODE" else part for part in command)
    result = run(*command, config=terminal, stdin=json.dumps(GOOD | {"title": "Laporan lain"}))
    assert result.returncode == 1, result.stdout
    assert "is damaged" in result.stderr and "kiosk store recover" in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(store) == before  # nothing written into it


def test_every_command_refuses_an_emptied_store(terminal):
    store = load_config(terminal).db_path
    store.write_bytes(b"")
    for command in (("submit", "-"), ("status",), ("forward",)):
        result = run(*command, config=terminal, stdin=json.dumps(GOOD))
        assert result.returncode == 1
        assert "is empty (0 bytes)" in result.stderr and "Traceback" not in result.stderr
    assert store.read_bytes() == b""


def test_store_recover_from_the_command_line(terminal):
    store = load_config(terminal).db_path
    damage(store, root_page(store, "outbox_complaint"))
    result = run("store", "recover", config=terminal)
    assert result.returncode == 0, result.stderr
    assert "1 report(s)" in result.stdout and ".damaged-" in result.stdout
    assert stored_count(terminal) == 1
    checks = json.loads(run("selftest", "--json", config=terminal).stdout)
    assert [check["status"] for check in checks if check["name"] == "store"] == ["ok"]


def test_selftest_names_a_damaged_store_and_still_checks_the_rest(terminal):
    store = load_config(terminal).db_path
    damage(store, root_page(store, "outbox_complaint"))
    result = run("selftest", "--json", config=terminal)
    assert result.returncode == 1
    checks = {check["name"]: check for check in json.loads(result.stdout)}
    store = checks["store"]
    assert store["status"] == "fail" and "kiosk store recover" in store["detail"]
    assert "disk" in checks and "security" in checks


def test_the_forwarder_stops_on_damage_found_while_it_runs(tmp_path):
    """Damage after the store was opened: the next housekeeping says it, and nothing more is
    written (opened here without the check, as a store torn after it was opened)."""
    from kiosk.config import ForwarderConfig
    from kiosk.forwarder import Forwarder

    store = tmp_path / "kiosk.sqlite3"
    filled_store(store)
    damage(store, root_page(store, "outbox_complaint"))
    conn = connect(store, check=False)
    try:
        forwarder = Forwarder(conn, api=None, settings=ForwarderConfig(), retention_s=0)
        before = digest(store)
        with pytest.raises(StoreDamaged, match="kiosk store recover"):
            forwarder.housekeeping()
        assert digest(store) == before  # nothing was wiped into a damaged store
    finally:
        conn.close()
