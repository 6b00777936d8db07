"""The LAPOR! simulator, driven over real HTTP as a subprocess (see `lapor_sim.process`)."""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import re
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from repo_paths import REPO_ROOT

from kiosk.config import load_config
from kiosk.demo_settings import DEFAULT_TOKEN
from lapor_sim import SimulatorOptions, start_simulator
from lapor_sim.cli import add_arguments
from lapor_sim.process import SimulatorProcess
from lapor_sim.shapes import SHAPE_NAMES

LAPOR_DATE = re.compile(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}")
REFERENCE_DEFAULTS = json.loads((REPO_ROOT / "kiosk/data/reference_defaults.json").read_text())
BINARY = bytes(range(256)) * 40 + b"\r\n--boundary-lookalike\r\n\r\n"


def complaint_body(**changes: Any) -> dict[str, Any]:
    body = {
        "title": "Lampu jalan mati",
        "content": "Lampu penerangan di Jl. Kenanga mati sejak seminggu. Ref K0001-0001",
        "channel": 99,
        "classification_id": 1,
        "category_id": 4,
        "disposition_id": 101,
        "location_id": 327302,
        "date_of_incident": (date.today() - timedelta(days=3)).isoformat(),
        "tags_raw": "#kiosk #K0001-0001",
        "is_anonymous": False,
        "is_secret": True,
        "is_new_user_slider": True,
        "nameUser": "Budi Santoso",
        "emailUser": "",
        "phoneUser": "081234567890",
        "attachments": "[]",
    }
    body.update(changes)
    return body


def upload(api: requests.Session, url: str, *files: tuple[str, bytes, str]) -> requests.Response:
    parts = [("attachments[]", file) for file in files]
    return api.post(f"{url}/complaints/complaint/file", files=parts, timeout=10)


def create(api: requests.Session, url: str, **changes: Any) -> int:
    answer = api.post(f"{url}/complaints/complaint", json=complaint_body(**changes), timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()["complaint_id"]


def detail(api: requests.Session, url: str, complaint_id: int) -> dict[str, Any]:
    answer = api.get(f"{url}/complaints/{complaint_id}/complaint", timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


@pytest.fixture(scope="module")
def sim():
    with SimulatorProcess() as process:
        yield process


@pytest.fixture(scope="module")
def api(sim: SimulatorProcess):
    with requests.Session() as session:
        session.headers.update(sim.headers)
        yield session


def test_refuses_missing_or_wrong_credentials(sim: SimulatorProcess) -> None:
    url = f"{sim.url}/masters/institutions/external?page_size=1000"
    good_auth, good_token = sim.headers["auth"], sim.headers["token"]
    for headers in (
        {},
        {"auth": good_auth},
        {"token": good_token},
        {"auth": "Bearer wrong-key", "token": good_token},
        {"auth": good_auth, "token": "11111111-1111-4111-8111-111111111111"},
        {"auth": "sim-dev-key", "token": good_token},
    ):
        answer = requests.get(url, headers=headers, timeout=5)
        assert answer.status_code == 401, headers
        assert answer.json() == {"success": False, "message": "Unauthorized"}
    accepted = requests.get(url, headers={"Authorization": good_auth, "token": good_token})
    assert accepted.status_code == 200


def test_upload_then_create_with_those_attachments(sim: SimulatorProcess, api) -> None:
    photo = ("jalan rusak ü.jpg", BINARY, "image/jpeg")
    voice = ("keluhan.ogg", b"OggS" + BINARY[:100], "audio/ogg")
    answer = upload(api, sim.url, photo, voice)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == "application/json"
    docs = answer.json()["results"]["docs"]
    assert [(d["name"], d["size"]) for d in docs] == [
        ("jalan rusak ü.jpg", len(BINARY)),
        ("keluhan.ogg", 104),
    ]
    ids = [d["id"] for d in docs]
    body = complaint_body(attachments=json.dumps(ids), title="Jalan berlubang")

    created = api.post(f"{sim.url}/complaints/complaint", json=body, timeout=5)

    assert created.status_code == 200, created.text
    result = created.json()
    assert result["success"] is True
    assert result["complaint_id"] >= 1_000_001
    assert result["data"] == {"complaint_id": result["complaint_id"]}
    assert re.fullmatch(r"LAP\d{7}", result["tracking_id"])
    stored = next(c for c in sim.complaints() if c["complaint_id"] == result["complaint_id"])
    assert {key: stored[key] for key in body} == body
    assert stored["tracking_id"] == result["tracking_id"]
    assert stored["status_name"] == "Belum Terverifikasi"
    assert LAPOR_DATE.fullmatch(stored["created_at"])
    files = stored["attachment_files"]
    assert [(f["id"], f["name"], f["content_type"], f["sha256"]) for f in files] == [
        (ids[0], photo[0], "image/jpeg", hashlib.sha256(BINARY).hexdigest()),
        (ids[1], voice[0], "audio/ogg", hashlib.sha256(voice[1]).hexdigest()),
    ]


def test_upload_refuses_no_file_and_a_file_over_20_mb(sim: SimulatorProcess, api) -> None:
    no_file = api.post(f"{sim.url}/complaints/complaint/file", files={"note": (None, "x")})
    assert no_file.status_code == 400
    assert no_file.json()["errors"]["attachments"]
    wrong_field = api.post(
        f"{sim.url}/complaints/complaint/file", files={"file": ("a.jpg", b"x", "image/jpeg")}
    )
    assert wrong_field.status_code == 400

    too_big = upload(api, sim.url, ("besar.mp4", b"\0" * (20 * 1024 * 1024 + 1), "video/mp4"))

    assert too_big.status_code == 400
    assert "20 MB" in too_big.json()["errors"]["attachments"][0]


def test_create_lists_every_failing_field_in_indonesian(sim: SimulatorProcess, api) -> None:
    before = len(sim.complaints())
    body = complaint_body(
        title="",
        date_of_incident=(date.today() + timedelta(days=30)).isoformat(),
        channel=98,
        attachments="[999]",
        classification_id=5,
    )

    answer = api.post(f"{sim.url}/complaints/complaint", json=body, timeout=5)

    assert answer.status_code == 400
    result = answer.json()
    assert result["success"] is False
    assert result["message"] == "Validation failed"
    errors = result["errors"]
    assert sorted(errors) == sorted(
        ["title", "date_of_incident", "channel", "attachments", "classification_id"]
    )
    assert errors["title"] == ["Judul wajib diisi."]
    assert "masa depan" in errors["date_of_incident"][0]
    assert "999" in errors["attachments"][0]
    assert len(sim.complaints()) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "x" * 151}, "title"),
        ({"content": "pendek"}, "content"),
        ({"content": None}, "content"),
        ({"channel": "99"}, "channel"),
        ({"classification_id": True}, "classification_id"),
        ({"category_id": 999}, "category_id"),
        ({"disposition_id": 1}, "disposition_id"),
        ({"location_id": 1}, "location_id"),
        ({"date_of_incident": "25-11-2026"}, "date_of_incident"),
        ({"date_of_incident": "2026-02-30"}, "date_of_incident"),
        ({"is_anonymous": "ya"}, "is_anonymous"),
        ({"nameUser": None, "phoneUser": 812}, "phoneUser"),
        ({"attachments": "4200001,4200002"}, "attachments"),
    ],
)
def test_create_refuses_one_bad_field(sim: SimulatorProcess, api, changes, field) -> None:
    answer = api.post(f"{sim.url}/complaints/complaint", json=complaint_body(**changes))
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == [field]


@pytest.mark.parametrize("secret", [False, True])
def test_an_anonymous_report_may_carry_an_identity_for_follow_up(
    sim: SimulatorProcess, api, secret: bool
) -> None:
    """Anonim hides the reporter from the public; it does not mean "no identity"."""
    body = complaint_body(is_anonymous=True, is_secret=secret, nameUser="", emailUser="")
    answer = api.post(f"{sim.url}/complaints/complaint", json=body, timeout=5)
    assert answer.status_code == 200, answer.text


def test_a_new_reporter_without_any_identity_is_refused(sim: SimulatorProcess, api) -> None:
    body = complaint_body(nameUser="", emailUser="", phoneUser="")
    answer = api.post(f"{sim.url}/complaints/complaint", json=body, timeout=5)
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["is_new_user_slider"]
    assert "nama, email, atau telepon" in answer.json()["errors"]["is_new_user_slider"][0]


def test_create_refuses_a_body_that_is_not_json(sim: SimulatorProcess, api) -> None:
    answer = api.post(f"{sim.url}/complaints/complaint", data=b"title=x", timeout=5)
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["body"]


def test_detail_advances_to_selesai_with_logs_and_followups(sim: SimulatorProcess, api) -> None:
    complaint_id = create(api, sim.url, disposition_id=101)
    fresh = detail(api, sim.url, complaint_id)
    assert fresh["data"]["status_code"] == 1
    assert fresh["data"]["status_name"] == "Belum Terverifikasi"
    assert fresh["data"]["title"] == "Lampu jalan mati"
    assert LAPOR_DATE.fullmatch(fresh["data"]["created_at"])
    assert fresh["data_logs"] == []

    moved = sim.advance(complaint_id)

    assert moved == detail(api, sim.url, complaint_id)
    data = moved["data"]
    assert (data["status_code"], data["status_name"]) == (2, "Dalam Proses")
    assert (data["disposition_id"], data["disposition_name"]) == (101, "Dinas Kesehatan")
    [log] = moved["data_logs"]
    assert log["institution_to_name"] == "Dinas Kesehatan"
    assert (log["status_old"], log["status_new"]) == (
        {"name": "Belum Terverifikasi"},
        {"name": "Dalam Proses"},
    )
    assert LAPOR_DATE.fullmatch(log["date"])

    assert sim.advance(complaint_id)["data"]["status_name"] == "Selesai"
    final = sim.advance(complaint_id)
    assert final["data"]["status_name"] == "Selesai"
    assert len(final["data_logs"]) == 2

    page = api.get(f"{sim.url}/complaints/{complaint_id}/followups?page=1").json()["results"]
    assert page["current_page"] == 1
    assert page["next_page_url"] is None
    texts = [item["content"] for item in page["data"]]
    assert texts[0] == "Laporan Anda sedang ditindaklanjuti oleh Dinas Kesehatan."
    assert len(texts) == 2
    assert "Dinas Kesehatan" in texts[1]
    assert {item["institution_name"] for item in page["data"]} == {"Dinas Kesehatan"}


def test_report_without_target_goes_to_diskominfo(sim: SimulatorProcess, api) -> None:
    complaint_id = create(api, sim.url, disposition_id=None)
    assert detail(api, sim.url, complaint_id)["data"]["disposition_id"] is None
    data = sim.advance(complaint_id)["data"]
    assert data["disposition_name"] == "Dinas Komunikasi dan Informatika"


def test_reject_sets_ditolak_with_the_reason_as_followup(sim: SimulatorProcess, api) -> None:
    complaint_id = create(api, sim.url)
    reason = "Laporan ini bukan kewenangan pemerintah kota."
    reject = f"{sim.url}/_sim/complaints/{complaint_id}/reject"
    answer = requests.post(reject, json={"reason": reason})
    assert answer.json()["results"]["data"]["status_name"] == "Ditolak"
    assert sim.advance(complaint_id)["data"]["status_name"] == "Ditolak"
    followups = api.get(f"{sim.url}/complaints/{complaint_id}/followups").json()["results"]["data"]
    assert [item["content"] for item in followups] == [reason]


def test_unknown_report_is_404(sim: SimulatorProcess, api) -> None:
    for path in ("/complaints/42/complaint", "/complaints/42/followups?page=1"):
        answer = api.get(sim.url + path)
        assert answer.status_code == 404
        assert answer.json() == {"success": False, "message": "Not found"}
    assert requests.post(f"{sim.url}/_sim/complaints/42/advance").status_code == 404


def test_followups_come_ten_per_page(sim: SimulatorProcess, api) -> None:
    complaint_id = create(api, sim.url)
    for number in range(1, 13):
        added = requests.post(
            f"{sim.url}/_sim/complaints/{complaint_id}/followups",
            json={"content": f"Balasan nomor {number}."},
        )
        assert added.status_code == 200

    first = api.get(f"{sim.url}/complaints/{complaint_id}/followups?page=1").json()["results"]
    assert first["current_page"] == 1
    expected = [f"Balasan nomor {n}." for n in range(1, 13)]
    assert [item["content"] for item in first["data"]] == expected[:10]
    assert first["next_page_url"].endswith(f"/complaints/{complaint_id}/followups?page=2")

    second = api.get(first["next_page_url"]).json()["results"]
    assert second["current_page"] == 2
    assert [item["content"] for item in second["data"]] == expected[10:]
    assert second["next_page_url"] is None
    assert api.get(f"{sim.url}/complaints/{complaint_id}/followups?page=0").status_code == 400


def test_masters_are_the_kiosk_reference_defaults(sim: SimulatorProcess, api) -> None:
    def master(path: str) -> list[dict[str, Any]]:
        answer = api.get(f"{sim.url}/masters/{path}?page_size=1000")
        assert answer.status_code == 200
        assert answer.json()["success"] is True
        return answer.json()["results"]["data"]

    assert master("institutions/external") == REFERENCE_DEFAULTS["institutions"]
    assert master("categories") == REFERENCE_DEFAULTS["categories"]
    assert master("categories")[0]["name_en"] == "Health"
    assert master("locations") == REFERENCE_DEFAULTS["locations"]
    templates = master("templates")
    assert len(templates) >= 3
    assert all(isinstance(t["id"], int) and t["name"] for t in templates)


def test_a_report_for_a_kelurahan_office_is_stored_with_its_place(sim: SimulatorProcess, api):
    """ASSUMED: LAPOR! routes to the city's kecamatan and kelurahan offices too; what the
    kiosk sent is what a test reads back."""
    content = (
        "Lampu jalan mati sejak seminggu.\n\nLokasi: depan SD, Kelurahan Dago, Kecamatan"
        " Coblong, Kota Bandung (Kemendagri 32.73.02.1004)"
    )
    complaint_id = create(
        api, sim.url, disposition_id=3273021004, location_id=327302, content=content
    )
    stored = next(c for c in sim.complaints() if c["complaint_id"] == complaint_id)
    assert (stored["disposition_id"], stored["location_id"]) == (3273021004, 327302)
    assert stored["content"] == content
    sim.advance(complaint_id)
    assert detail(api, sim.url, complaint_id)["data"]["disposition_name"] == "Kelurahan Dago"
    unknown = api.post(
        f"{sim.url}/complaints/complaint", json=complaint_body(disposition_id=3273029999)
    )
    assert unknown.status_code == 400 and "disposition_id" in unknown.json()["errors"]


def test_search_finds_a_reference_in_tags_or_content(sim: SimulatorProcess, api) -> None:
    tagged = create(api, sim.url, tags_raw="#kiosk #K0042-7Q", content="Trotoar rusak parah.")
    mentioned = create(api, sim.url, tags_raw="#kiosk", content="Antrean panjang. Ref K0042-8Z")

    def search(reference: str) -> list[dict[str, Any]]:
        answer = api.get(f"{sim.url}/complaints/search", params={"reference": reference})
        assert answer.status_code == 200
        return answer.json()["results"]["data"]

    [found] = search("K0042-7Q")
    assert found["complaint_id"] == tagged
    assert re.fullmatch(r"LAP\d{7}", found["tracking_id"])
    assert [r["complaint_id"] for r in search("K0042-8Z")] == [mentioned]
    assert search("K0042-7") == []
    assert search("K9999-0000") == []


def test_concurrent_creates_get_distinct_ids(sim: SimulatorProcess) -> None:
    def one(number: int) -> int:
        with requests.Session() as api:
            api.headers.update(sim.headers)
            return create(api, sim.url, title=f"Laporan serentak {number}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(one, range(40)))
    assert len(set(ids)) == 40
    stored = {c["complaint_id"]: c["title"] for c in sim.complaints()}
    assert all(stored[i] == f"Laporan serentak {n}" for n, i in enumerate(ids))


def test_connections_stay_alive_and_every_answer_has_a_length(sim: SimulatorProcess) -> None:
    host, port = sim.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    calls = [
        ("GET", "/masters/templates", None, {}),
        ("POST", "/complaints/complaint", b'{"title": ""}', {}),
        ("POST", "/complaints/complaint", b"not json", sim.headers),
        ("GET", "/nowhere", None, sim.headers),
        ("GET", "/masters/templates", None, sim.headers),
    ]
    statuses = []
    sockets = set()
    for method, path, body, headers in calls:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        assert answer.getheader("Content-Length") == str(len(answer.read()))
        statuses.append(answer.status)
        sockets.add(connection.sock)  # http.client drops the socket when told to close
    assert statuses == [401, 401, 400, 404, 200]
    assert len(sockets) == 1
    assert None not in sockets
    connection.close()


def test_fail_rate_one_answers_only_failures_and_stores_nothing() -> None:
    with SimulatorProcess("--fail-rate", "1", "--seed", "3", "--retry-after-s", "4") as sim:
        seen = set()
        with requests.Session() as api:
            api.headers.update(sim.headers)
            for _ in range(10):
                for answer in (
                    upload(api, sim.url, ("a.jpg", b"x", "image/jpeg")),
                    api.post(f"{sim.url}/complaints/complaint", json=complaint_body()),
                    api.get(f"{sim.url}/masters/categories"),
                ):
                    seen.add(answer.status_code)
                    retry_after = answer.headers.get("Retry-After")
                    assert retry_after == (None if answer.status_code == 500 else "4")
                    assert answer.json()["success"] is False
        assert seen == {500, 503, 429}
        assert sim.complaints() == []
        stats = requests.get(f"{sim.url}/_sim/stats").json()
        assert stats["total_requests"] == 30
        assert stats["requests"]["POST /complaints/complaint"] == 10
        assert sum(stats["faults"][code] for code in ("500", "503", "429")) == 30
        assert stats["creates_stored"] == 0


def test_drop_response_stores_the_report_but_never_answers() -> None:
    with SimulatorProcess("--drop-response-rate", "1") as sim, requests.Session() as api:
        api.headers.update(sim.headers)
        assert upload(api, sim.url, ("a.jpg", b"x", "image/jpeg")).status_code == 200
        invalid = api.post(f"{sim.url}/complaints/complaint", json=complaint_body(title=""))
        assert invalid.status_code == 400
        with pytest.raises(requests.ConnectionError):
            create(api, sim.url, title="Hilang")
        [stored] = sim.complaints()
        assert stored["title"] == "Hilang"
        stats = requests.get(f"{sim.url}/_sim/stats").json()
        assert stats["faults"]["dropped_response"] == 1
        assert stats["creates_stored"] == 1


def test_latency_delays_api_calls_only() -> None:
    with SimulatorProcess("--latency-ms", "300") as sim:
        started = time.monotonic()
        requests.get(f"{sim.url}/masters/categories", headers=sim.headers)
        assert time.monotonic() - started >= 0.3
        started = time.monotonic()
        assert requests.get(f"{sim.url}/_sim/health").json() == {"ok": True}
        assert time.monotonic() - started < 0.3


def test_reports_move_on_by_themselves_with_advance_every_s() -> None:
    with SimulatorProcess("--advance-every-s", "0.2") as sim, requests.Session() as api:
        api.headers.update(sim.headers)
        complaint_id = create(api, sim.url)
        deadline = time.monotonic() + 5
        while detail(api, sim.url, complaint_id)["data"]["status_code"] != 3:
            assert time.monotonic() < deadline, "report never reached Selesai"
            time.sleep(0.1)
        assert len(detail(api, sim.url, complaint_id)["data_logs"]) == 2


def test_db_survives_a_restart(tmp_path: Path) -> None:
    database = str(tmp_path / "lapor-sim.sqlite3")
    with SimulatorProcess("--db", database) as sim, requests.Session() as api:
        api.headers.update(sim.headers)
        [doc] = upload(api, sim.url, ("a.jpg", BINARY, "image/jpeg")).json()["results"]["docs"]
        first = create(api, sim.url, attachments=f"[{doc['id']}]")
        sim.advance(first)
        before = sim.complaints()
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    with SimulatorProcess("--db", database) as sim, requests.Session() as api:
        api.headers.update(sim.headers)
        assert sim.complaints() == before
        assert before[0]["status_name"] == "Dalam Proses"
        assert len(detail(api, sim.url, first)["data_logs"]) == 1
        assert create(api, sim.url) == first + 1
        [again] = upload(api, sim.url, ("b.jpg", b"y", "image/jpeg")).json()["results"]["docs"]
        assert again["id"] == doc["id"] + 1


def test_write_config_loads_and_keeps_credentials_private(tmp_path: Path) -> None:
    key = 'k"ey\\Rahasia-123'
    config_path = tmp_path / "conf" / "kiosk-sim.toml"
    with SimulatorProcess("--auth-key", key, "--channel-id", "77", config_path=config_path) as sim:
        config = load_config(config_path)
        assert config.lapor.base_url == sim.url
        assert config.lapor.channel_id == 77
        assert config.lapor.auth_key.reveal() == key
        assert config.lapor.token.reveal() == DEFAULT_TOKEN
        assert config.lapor.reference_lookup is True
        assert config.lapor.timeout_s == 5.0
        assert config.forwarder.poll_interval_s == 0.2
        assert config.terminal.id == "KIOSK-SIM"
        assert config.data.dir == config_path.parent / "kiosk-sim-data"
        assert 'dir = "kiosk-sim-data"' in config_path.read_text()
        secrets = config_path.parent / "kiosk-sim.credentials.toml"
        assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
        with requests.Session() as api:
            api.headers.update({"auth": f"Bearer {key}", "token": DEFAULT_TOKEN})
            assert create(api, sim.url, channel=77) >= 1_000_001
            assert requests.get(f"{sim.url}/masters/categories").status_code == 401
        assert sim.stop() == 0
        output = sim.output()
    assert f"lapor-sim listening on {sim.url}" in output
    assert "POST /complaints/complaint" in output
    assert key not in output
    assert DEFAULT_TOKEN not in output
    assert "Rahasia" not in output


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--fail-rate", "1.5", "--fail-rate"),
        ("--drop-response-rate", "-0.1", "--drop-response-rate"),
        ("--latency-ms", "-1", "--latency-ms"),
        ("--auth-key", "kunci rahasia", "--auth-key"),
        ("--port", "http", "--port"),
        ("--redirect-to", "ftp://127.0.0.1:9", "--redirect-to"),
        ("--redirect-to", "http://127.0.0.1:9/?a=1", "--redirect-to"),
        ("--redirect-status", "300", "--redirect-status"),
        ("--trickle-bytes-per-s", "-1", "--trickle-bytes-per-s"),
        ("--trickle-bytes-per-s", "nan", "--trickle-bytes-per-s"),
        ("--answer-shape", "xml", "--answer-shape"),
        ("--search-lag-s", "-0.5", "--search-lag-s"),
        ("--retry-after-value", "3\r\nSet-Cookie: x=1", "--retry-after-value"),
    ],
)
def test_bad_options_exit_2(option: str, value: str, message: str) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "lapor_sim", "--port", "0", option, value],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert run.returncode == 2
    assert message in run.stderr
    assert run.stdout == ""
    assert "rahasia" not in run.stderr


def test_in_process_simulator() -> None:
    with pytest.raises(ValueError, match="--fail-rate"):
        SimulatorOptions(fail_rate=2)
    simulator = start_simulator(SimulatorOptions(port=0, auth_key="dalam-proses"))
    try:
        assert requests.get(f"{simulator.url}/_sim/health", timeout=5).json() == {"ok": True}
        headers = {"auth": "Bearer dalam-proses", "token": DEFAULT_TOKEN}
        masters = requests.get(f"{simulator.url}/masters/locations", headers=headers, timeout=5)
        assert masters.status_code == 200
    finally:
        simulator.stop()
    simulator.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{simulator.url}/_sim/health", timeout=2)


def test_stats_count_stored_creates_and_report_every_fault(sim: SimulatorProcess, api) -> None:
    before = sim.stats()
    create(api, sim.url)
    invalid = api.post(f"{sim.url}/complaints/complaint", json=complaint_body(title=""))
    assert invalid.status_code == 400

    after = sim.stats()

    assert after["creates_stored"] == before["creates_stored"] + 1
    assert after["faults"] == {
        "500": 0,
        "503": 0,
        "429": 0,
        "dropped_response": 0,
        "redirected": 0,
    }


def test_command_line_offers_every_option_with_its_default() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    defaults = vars(parser.parse_args([]))
    assert all(defaults[f.name] == f.default for f in fields(SimulatorOptions))
    chosen = vars(
        parser.parse_args(["--redirect-status", "301", "--search-lag-s", "0.5", "--db", "x.db"])
    )
    assert (chosen["redirect_status"], chosen["search_lag_s"]) == (301, 0.5)
    assert chosen["db"] == Path("x.db")


@pytest.mark.parametrize(("options", "status"), [((), 307), (("--redirect-status", "308"), 308)])
def test_redirect_to_sends_every_api_call_elsewhere_and_stores_nothing(
    options: tuple[str, ...], status: int
) -> None:
    target = "http://127.0.0.1:9/lapor"
    with (
        SimulatorProcess("--redirect-to", target + "/", *options) as sim,
        requests.Session() as api,
    ):
        api.headers.update(sim.headers)
        answers = {
            "/complaints/complaint": api.post(
                f"{sim.url}/complaints/complaint", json=complaint_body(), allow_redirects=False
            ),
            "/masters/categories?page_size=1000": api.get(
                f"{sim.url}/masters/categories?page_size=1000", allow_redirects=False
            ),
            # Not even authenticated: the redirect comes first, as at a moved API's front door.
            "/complaints/5/complaint": requests.get(
                f"{sim.url}/complaints/5/complaint", allow_redirects=False, timeout=5
            ),
        }
        for path, answer in answers.items():
            assert answer.status_code == status, path
            assert answer.headers["Location"] == target + path
            assert answer.json() == {}
        assert requests.get(f"{sim.url}/_sim/health", allow_redirects=False).status_code == 200
        assert sim.complaints() == []
        stats = sim.stats()
        assert stats["faults"]["redirected"] == 3
        assert stats["creates_stored"] == 0
        assert stats["requests"]["POST /complaints/complaint"] == 1


def _raw_request(sim: SimulatorProcess, method: str, path: str, body: bytes = b"") -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in sim.headers.items()),
    ]
    return "\r\n".join([*lines, "", ""]).encode() + body


def _read_answer(connection: socket.socket) -> list[bytes]:
    """The pieces of one whole answer, as the socket handed them over."""
    pieces: list[bytes] = []
    while True:
        pieces.append(connection.recv(65536))
        assert pieces[-1], "connection closed before the answer was complete"
        head, _, body = b"".join(pieces).partition(b"\r\n\r\n")
        length = re.search(rb"Content-Length: (\d+)", head)
        if length and len(body) >= int(length.group(1)):
            return pieces


def test_trickle_writes_answers_slowly_and_survives_a_hang_up() -> None:
    rate = 400
    with SimulatorProcess("--trickle-bytes-per-s", str(rate)) as sim:
        address = sim.url.removeprefix("http://").split(":")
        with socket.create_connection((address[0], int(address[1])), timeout=5) as connection:
            connection.sendall(_raw_request(sim, "GET", "/masters/templates"))
            started = time.monotonic()
            pieces = _read_answer(connection)
            elapsed = time.monotonic() - started
        answer = b"".join(pieces)
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
        assert json.loads(answer.partition(b"\r\n\r\n")[2])["success"] is True
        assert elapsed >= 0.5 * len(answer) / rate
        assert len(pieces) >= 5
        started = time.monotonic()
        assert sim.stats()["total_requests"] == 1
        assert time.monotonic() - started < 0.5, "test endpoints must not trickle"

        with socket.create_connection((address[0], int(address[1])), timeout=5) as connection:
            body = json.dumps(complaint_body(title="Pelan sekali")).encode()
            connection.sendall(_raw_request(sim, "POST", "/complaints/complaint", body))
            assert connection.recv(8) == b"HTTP/1.1"
            [stored] = sim.complaints()  # stored before the answer began to trickle
            assert stored["title"] == "Pelan sekali"
        deadline = time.monotonic() + 3
        while "client hung up during the answer" not in sim.output():
            assert time.monotonic() < deadline, sim.output()
            time.sleep(0.05)
        assert requests.get(f"{sim.url}/_sim/health", timeout=5).json() == {"ok": True}
        assert sim.stop() == 0
        assert "Traceback" not in sim.output()


def _expected_shapes(
    complaint_id: int, tracking_id: str, hit: dict[str, Any]
) -> dict[str, tuple[Any, Any, Any]]:
    """Per shape: (create answer, search answer, what detail's `results` holds or its data id)."""
    normal_create = {
        "success": True,
        "complaint_id": complaint_id,
        "tracking_id": tracking_id,
        "data": {"complaint_id": complaint_id},
    }
    ids = {"complaint_id": complaint_id, "tracking_id": tracking_id}

    def found(*hits: dict[str, Any]) -> dict[str, Any]:
        return {"success": True, "results": {"data": list(hits)}}

    text = str(complaint_id)
    return {
        "normal": (normal_create, found({**ids, **hit}), complaint_id),
        "empty-list-for-map": (
            {"success": True, "results": [], "data": []},
            {"success": True, "results": []},
            [],
        ),
        "null-data": ({"success": True, "data": None}, {"success": True, "results": None}, None),
        "id-renamed": (
            {
                "success": True,
                "tracking_id": tracking_id,
                "id": complaint_id,
                "data": {"id": complaint_id},
            },
            found({"id": complaint_id, "tracking_id": tracking_id, **hit}),
            complaint_id,
        ),
        "empty-id": (
            {**normal_create, "complaint_id": "", "data": {"complaint_id": ""}},
            found({**ids, **hit}),
            complaint_id,
        ),
        "id-missing-in-search": (normal_create, found(hit), complaint_id),
        "string-numbers": (
            {**normal_create, "complaint_id": text, "data": {"complaint_id": text}},
            found({**ids, "complaint_id": text, **hit}),
            text,
        ),
    }


@pytest.mark.parametrize("shape", SHAPE_NAMES)
def test_answer_shape_changes_the_body_but_still_stores(shape: str) -> None:
    with SimulatorProcess("--answer-shape", shape) as sim, requests.Session() as api:
        api.headers.update(sim.headers)
        created = api.post(f"{sim.url}/complaints/complaint", json=complaint_body(), timeout=5)
        assert created.status_code == 200
        [stored] = sim.complaints()
        complaint_id = stored["complaint_id"]
        searched = api.get(f"{sim.url}/complaints/search", params={"reference": "K0001-0001"})
        detailed = api.get(f"{sim.url}/complaints/{complaint_id}/complaint").json()["results"]
        invalid = api.post(f"{sim.url}/complaints/complaint", json=complaint_body(title=""))

        hit = {"tags_raw": stored["tags_raw"], "content": stored["content"]}
        expected = _expected_shapes(complaint_id, stored["tracking_id"], hit)[shape]
        detail_id = detailed["data"]["id"] if isinstance(detailed, dict) else detailed
        assert (created.json(), searched.json(), detail_id) == expected
        assert searched.status_code == 200
        assert invalid.status_code == 400
        assert invalid.json()["errors"] == {"title": ["Judul wajib diisi."]}
        assert sim.stats()["creates_stored"] == 1


def test_search_lag_hides_a_new_report_for_a_while() -> None:
    lag = 1.0
    with SimulatorProcess("--search-lag-s", str(lag)) as sim, requests.Session() as api:
        api.headers.update(sim.headers)

        def found() -> list[int]:
            answer = api.get(f"{sim.url}/complaints/search", params={"reference": "K0001-0001"})
            return [hit["complaint_id"] for hit in answer.json()["results"]["data"]]

        started = time.monotonic()
        complaint_id = create(api, sim.url)
        assert found() == []
        assert detail(api, sim.url, complaint_id)["data"]["id"] == complaint_id
        while not found():
            assert time.monotonic() - started < lag + 3, "report never became searchable"
            time.sleep(0.05)
        assert time.monotonic() - started >= 0.5 * lag
        assert found() == [complaint_id]


@pytest.mark.parametrize(
    ("value", "raw"),
    [("٣", "٣".encode()), ("bald, später", "bald, später".encode("latin-1"))],
)
def test_retry_after_value_is_sent_verbatim(value: str, raw: bytes) -> None:
    with (
        SimulatorProcess("--fail-rate", "1", "--seed", "3", "--retry-after-value", value) as sim,
        requests.Session() as api,
    ):
        api.headers.update(sim.headers)
        answers = [api.get(f"{sim.url}/masters/categories", timeout=5) for _ in range(10)]
    retried = [a for a in answers if a.status_code in (503, 429)]
    assert retried
    for answer in retried:
        # http.client decodes header bytes as Latin-1; encoding back gives the bytes sent.
        assert answer.headers["Retry-After"].encode("latin-1") == raw
    assert all("Retry-After" not in a.headers for a in answers if a.status_code == 500)
