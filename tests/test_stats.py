"""Figures for the city: `kiosk stats` and the metrics count reports per week, category,
kecamatan and state from a real store, and never show anything of one report."""

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import make_report
from test_cli import run

from kiosk import stats
from kiosk.config import load_config
from kiosk.db import connect, transaction
from kiosk.report import Place
from kiosk.store import save_report

# (place, category, filed at (UTC), outbox state)
FILED = (
    (Place("32.73.02.1004", "Kota Bandung", "Coblong", "Dago"), 4, "2026-11-23T03:00:00+00:00",
     "delivered"),
    # Sunday 18:30 UTC is Monday 01:30 in Bandung (UTC+7): week 49 there, 48 in UTC.
    (Place("32.73.02", "Kota Bandung", "Coblong"), 4, "2026-11-29T18:30:00+00:00", "queued"),
    (Place("32.73.01.1001", "Kota Bandung", "Sukasari", "Gegerkalong"), 1,
     "2026-12-02T05:00:00+00:00", "rejected"),
    (Place(), None, "2026-11-10T05:00:00+00:00", "needs_review"),  # the place as text only
    (Place("32.73", "Kota Bandung"), 2, "2026-12-02T06:00:00+00:00", "queued"),  # kota only
    (Place("32.04.05", "Kabupaten Bandung", "Cileunyi"), 1, "2026-12-03T01:00:00+00:00",
     "delivered"),
)  # fmt: skip
BANDUNG = {"TZ": "Asia/Jakarta"}


@pytest.fixture
def terminal(tmp_path) -> Path:
    """A terminal of Kota Bandung whose store holds the FILED reports; one of them wiped."""
    config = tmp_path / "kiosk.toml"
    config.write_text('[terminal]\nnumber = 12\n\n[data]\ndir = "data"\n')
    conn = connect(load_config(config).db_path)
    try:
        for number, (place, category, filed_at, state) in enumerate(FILED):
            stored = save_report(conn, make_report(number, place=place, category_id=category), 12)
            with transaction(conn):
                conn.execute(
                    "UPDATE reports SET created_at = ? WHERE uuid = ?", (filed_at, stored.uuid)
                )
                conn.execute(
                    "UPDATE outbox SET state = ? WHERE report_uuid = ?", (state, stored.uuid)
                )
        with transaction(conn):
            conn.execute("UPDATE reports SET personal_wiped_at = '2026-12-03' WHERE rowid = 1")
    finally:
        conn.close()
    return config


def personal_data(config: Path) -> list[str]:
    """Everything of one report the figures must never show."""
    conn = connect(load_config(config).db_path)
    try:
        rows = conn.execute(
            "SELECT uuid, code, title, content, location, reporter_name, reporter_phone,"
            " reporter_email FROM reports"
        ).fetchall()
    finally:
        conn.close()
    return [value for row in rows for value in row if value]


def counts(tallies) -> dict[str, int]:
    return {tally.key: tally.count for tally in tallies}


def test_counts_by_kecamatan_category_and_state(terminal):
    conn = connect(load_config(terminal).db_path)
    try:
        found = stats.figures(conn, "32.73")
    finally:
        conn.close()
    assert found.total == len(FILED)
    assert found.counts["kecamatan"] == (
        stats.Tally("32.73.02", "Coblong", 2),
        stats.Tally("unknown", "tidak diketahui", 2),
        stats.Tally("32.73.01", "Sukasari", 1),
        stats.Tally("outside", "luar kota", 1),
    )
    assert found.counts["category"] == (
        stats.Tally("1", "Kesehatan", 2),
        stats.Tally("4", "Infrastruktur dan Jalan", 2),
        stats.Tally("2", "Pendidikan", 1),
        stats.Tally("unknown", "tidak diketahui", 1),
    )
    assert counts(found.counts["state"]) == {
        "queued": 2, "sending": 0, "delivered": 2, "rejected": 1, "needs_review": 1,
    }  # fmt: skip
    for tallies in found.counts.values():
        assert sum(tally.count for tally in tallies) == found.total


@pytest.mark.parametrize(
    ("place_code", "key"),
    [
        ("32.73.02.1004", "32.73.02"),
        ("32.73.02", "32.73.02"),
        ("32.73", "unknown"),
        ("", "unknown"),
        ("32.04.05", "outside"),
        ("32.7", "outside"),
        ("32.730.01", "outside"),
    ],
)
def test_kecamatan_key(place_code, key):
    assert stats.kecamatan_key(place_code, "32.73") == key


def test_json_weeks_in_local_time_and_since(terminal):
    everything = run("stats", "--json", config=terminal, env=BANDUNG)
    assert everything.returncode == 0, everything.stderr
    found = json.loads(everything.stdout)
    assert found["since"] is None and found["total"] == len(FILED)
    assert found["counts"]["week"] == [
        {"key": "2026-W46", "name": "", "count": 1},
        {"key": "2026-W48", "name": "", "count": 1},
        {"key": "2026-W49", "name": "", "count": 4},
    ]
    # 30 November in Bandung starts at 17:00 UTC the day before: the Sunday-night report counts.
    recent = json.loads(
        run("stats", "--json", "--since", "2026-11-30", config=terminal, env=BANDUNG).stdout
    )
    assert recent["since"] == "2026-11-30" and recent["total"] == 4
    assert {item["key"]: item["count"] for item in recent["counts"]["kecamatan"]} == {
        "32.73.02": 1, "32.73.01": 1, "unknown": 1, "outside": 1,
    }  # fmt: skip
    in_utc = json.loads(
        run("stats", "--json", "--since", "2026-11-30", config=terminal, env={"TZ": "UTC"}).stdout
    )
    assert in_utc["total"] == 3


def test_csv_and_text_in_english(terminal):
    table = run("stats", "--csv", "--lang", "en", config=terminal, env=BANDUNG)
    assert table.returncode == 0, table.stderr
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert list(rows[0]) == ["dimension", "key", "name", "count"]
    assert {row["dimension"] for row in rows} == set(stats.DIMENSIONS)
    for dimension in stats.DIMENSIONS:
        assert sum(int(row["count"]) for row in rows if row["dimension"] == dimension) == 6
    assert {"dimension": "category", "key": "1", "name": "Health", "count": "2"} in rows
    assert {"dimension": "kecamatan", "key": "unknown", "name": "unknown", "count": "2"} in rows

    text = run("stats", "--since", "2026-12-01", config=terminal, env=BANDUNG)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["reports", "since", "2026-12-01", "3"]
    assert "kecamatan:" in lines and ["32.73.01", "1", "Sukasari"] in map(str.split, lines)


def test_a_bad_date_is_refused(terminal):
    refused = run("stats", "--since", "30-11-2026", config=terminal)
    assert refused.returncode == 2 and "--since" in refused.stderr


def test_no_personal_data_in_any_form(terminal):
    outputs = [
        run("stats", *options, config=terminal, env=BANDUNG).stdout
        for options in ((), ("--json",), ("--csv",))
    ]
    secrets = personal_data(terminal)
    assert "Budi Santoso" in secrets and "Dago" not in " ".join(outputs)  # kelurahan: too fine
    for secret in secrets:
        for output in outputs:
            assert secret not in output, f"{secret!r} leaked"


def test_the_metrics_carry_the_counts_and_nothing_personal(terminal, tmp_path):
    from prometheus_client import generate_latest
    from prometheus_client.core import CollectorRegistry

    from kiosk.health import HealthCollector

    config = load_config(terminal, env={})
    registry = CollectorRegistry()
    registry.register(HealthCollector(config, lambda: connect(config.db_path, check=False)))
    metrics = generate_latest(registry).decode()
    for series in (
        'kiosk_reports_by_kecamatan{kecamatan="Coblong",kecamatan_code="32.73.02"} 2.0',
        'kiosk_reports_by_kecamatan{kecamatan="tidak diketahui",kecamatan_code="unknown"} 2.0',
        'kiosk_reports_by_kecamatan{kecamatan="luar kota",kecamatan_code="outside"} 1.0',
        'kiosk_reports_by_category{category="Kesehatan",category_id="1"} 2.0',
        'kiosk_reports_by_category{category="tidak diketahui",category_id="unknown"} 1.0',
        'kiosk_queue_reports{state="delivered"} 2.0',
    ):
        assert series in metrics
    for secret in personal_data(terminal):
        assert secret not in metrics, f"{secret!r} leaked"
