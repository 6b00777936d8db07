"""The `kiosk` command as a technician runs it: real processes, real files, real simulator."""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy
import pytest
import soundfile
from repo_paths import REPO_ROOT

from kiosk.config import load_config
from kiosk.db import connect
from kiosk.receipt import format_code, normalize_code
from lapor_sim.process import SimulatorProcess

GOOD = {
    "classification": "aspirasi",
    "title": "Perpanjang jam layanan MPP",
    "content": "Mohon jam layanan Mal Pelayanan Publik diperpanjang sampai pukul 18.00 tiap hari.",
    "date_of_incident": "2026-11-20",
    "location": "MPP Jakarta Selatan",
    "category": "9",
    "institution_id": None,
    "is_anonymous": False,
    "is_secret": False,
    "reporter": {"name": "Agus Salim", "phone": "0813 2222 3333", "email": "agus@contoh.id"},
    "attachments": [],
    "language": "id",
}


def run(*args: str, config: Path | None = None, stdin: str | None = None, env=None, **kwargs):
    command = [sys.executable, "-m", "kiosk"]
    if config:
        command += ["--config", str(config)]
    environment = {**os.environ, **(env or {})}
    environment.pop("KIOSK_CONFIG", None)
    return subprocess.run(
        [*command, *args],
        cwd=REPO_ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        **kwargs,
    )


@pytest.fixture
def offline_config(tmp_path) -> Path:
    """A terminal with a store but no API configured (offline)."""
    path = tmp_path / "kiosk.toml"
    path.write_text('[terminal]\nnumber = 12\n\n[data]\ndir = "data"\n')
    return path


@pytest.fixture
def sim(tmp_path):
    with SimulatorProcess(config_path=tmp_path / "sim" / "kiosk.toml") as simulator:
        yield simulator


def stored_count(config: Path) -> int:
    conn = connect(load_config(config).db_path)
    try:
        return conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    finally:
        conn.close()


def write_json(folder: Path, name: str, content) -> Path:
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_submit_prints_one_code_a_line(tmp_path, offline_config):
    lines = "\n".join(json.dumps(GOOD | {"title": f"Usulan nomor {n}"}) for n in range(3))
    result = run("submit", str(write_json(tmp_path, "r.jsonl", lines)), config=offline_config)
    assert result.returncode == 0, result.stderr
    codes = result.stdout.split()
    assert len(codes) == 3
    assert all(normalize_code(code) and code.startswith("0012-") for code in codes)
    assert stored_count(offline_config) == 3


def test_submit_from_stdin(offline_config):
    result = run("submit", "-", config=offline_config, stdin=json.dumps(GOOD))
    assert result.returncode == 0 and len(result.stdout.split()) == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (GOOD | {"title": ""}, "Judul laporan: wajib diisi."),
        (GOOD | {"content": "x" * 5001}, "Isi laporan: terlalu panjang"),
        (GOOD | {"title": "Judul\x1b[31m merah"}, "karakter yang tidak diizinkan"),
        (GOOD | {"date_of_incident": "2099-01-01"}, "tidak boleh di masa depan"),
        (GOOD | {"reporter": {"phone": "0812"}}, "Nomor telepon: tidak valid"),
        ('{"title": ', "not valid JSON"),
        ("[1, 2]", "Laporan: harus berupa objek JSON."),
    ],
)
def test_bad_input_exits_2_and_stores_nothing(tmp_path, offline_config, content, expected):
    good = run("submit", "-", config=offline_config, stdin=json.dumps(GOOD))
    assert good.returncode == 0
    # A valid report followed by a bad one: all or nothing, the first is not stored either.
    batch = json.dumps(GOOD) + "\n" + (content if isinstance(content, str) else json.dumps(content))
    result = run("submit", str(write_json(tmp_path, "bad.jsonl", batch)), config=offline_config)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "nothing was stored" in result.stderr
    assert result.stdout == ""
    assert stored_count(offline_config) == 1  # what was stored before is untouched


def test_empty_file(tmp_path, offline_config):
    result = run("submit", str(write_json(tmp_path, "empty.json", "\n")), config=offline_config)
    assert result.returncode == 2 and "empty input; nothing was stored" in result.stderr


def test_messages_in_english_on_request(tmp_path, offline_config):
    bad = write_json(tmp_path, "bad.json", GOOD | {"title": ""})
    result = run("submit", str(bad), "--lang", "en", config=offline_config)
    assert result.returncode == 2 and "Title: is required." in result.stderr


def test_missing_config(tmp_path):
    result = run("queue", "status", config=tmp_path / "nope.toml")
    assert result.returncode == 2
    assert "Configuration file not found" in result.stderr


def test_broken_config(tmp_path):
    path = write_json(tmp_path, "k.toml", "[terminal]\nnumber = 'satu'\n")
    result = run("queue", "status", config=path)
    assert result.returncode == 2 and "[terminal] number: expected int" in result.stderr


def test_track_wrong_check_digit_is_not_valid(offline_config):
    code = run("submit", "-", config=offline_config, stdin=json.dumps(GOOD)).stdout.strip()
    digits = normalize_code(code)
    typo = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    result = run("track", typo, config=offline_config)
    assert result.returncode == 2
    assert "Kode laporan tidak valid" in result.stdout
    ok = run("track", code, config=offline_config)
    assert ok.returncode == 0
    assert "tersimpan di terminal" in ok.stdout  # queued, offline terminal


def test_forward_without_credentials_is_a_config_error(offline_config):
    run("submit", "-", config=offline_config, stdin=json.dumps(GOOD))
    result = run("forward", "--once", config=offline_config)
    assert result.returncode == 2 and "credentials are not configured" in result.stderr
    assert stored_count(offline_config) == 1


def test_unreachable_api_keeps_reports_queued(sim):
    run("submit", "-", config=sim.config_path, stdin=json.dumps(GOOD))
    sim.stop()
    result = run("forward", "--once", config=sim.config_path)
    assert result.returncode == 1
    assert "cannot be reached" in result.stderr and "stay queued" in result.stderr
    status = json.loads(run("queue", "status", "--json", config=sim.config_path).stdout)
    assert status["queued"] == 1


def test_refused_credentials_are_reported_and_never_printed(sim):
    credentials = sim.config_path.with_name("kiosk.credentials.toml")
    credentials.write_text('auth_key = "kunci-salah-rahasia"\ntoken = "token-salah-rahasia"\n')
    run("submit", "-", config=sim.config_path, stdin=json.dumps(GOOD))
    result = run("-v", "forward", "--once", config=sim.config_path)
    assert result.returncode == 1
    assert "refused the credentials" in result.stderr
    assert "rahasia" not in result.stderr + result.stdout
    assert (
        json.loads(run("queue", "status", "--json", config=sim.config_path).stdout)["queued"] == 1
    )


def cache_categories(config: Path, items: list[dict]) -> None:
    """The terminal's cached category list, as a sync long ago left it."""
    conn = connect(load_config(config).db_path)
    try:
        conn.execute(
            "INSERT OR REPLACE INTO refdata (kind, items_json, fetched_at) VALUES (?, ?, ?)",
            ("categories", json.dumps(items), time.time()),
        )
    finally:
        conn.close()


def test_forward_track_and_retry_against_the_simulator(sim):
    code = run("submit", "-", config=sim.config_path, stdin=json.dumps(GOOD)).stdout.strip()
    # The terminal's list still has a category LAPOR! has dropped since: LAPOR! refuses it.
    cache_categories(sim.config_path, [{"id": 999, "name": "Kategori yang sudah dihapus"}])
    rejected = run(
        "submit", "-", config=sim.config_path, stdin=json.dumps(GOOD | {"category": "999"})
    ).stdout.strip()
    result = run("forward", "--until-empty", config=sim.config_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "queued": 0, "sending": 0, "delivered": 1, "rejected": 1, "needs_review": 0
    }  # fmt: skip
    listing = run("queue", "list", config=sim.config_path).stdout
    assert f"{rejected}  rejected" in listing and "category_id" in listing

    [complaint] = sim.complaints()
    sim.advance(complaint["complaint_id"])
    tracked = json.loads(run("track", code, "--json", config=sim.config_path).stdout)
    assert tracked["status"]["status_name"] == "Dalam Proses"
    assert tracked["sentence"].startswith("Laporan Anda sedang ditindaklanjuti oleh")
    by_id = run("track", str(complaint["complaint_id"]), config=sim.config_path)
    assert by_id.returncode == 0 and "sedang ditindaklanjuti" in by_id.stdout

    # Offline: the last known status, with its date.
    sim.stop()
    offline = json.loads(run("track", code, "--json", config=sim.config_path).stdout)
    assert offline["offline"] is True
    assert "Jaringan tidak tersedia" in offline["sentence"]
    assert offline["status"]["status_name"] == "Dalam Proses"

    retried = run("queue", "retry", rejected, config=sim.config_path)
    assert retried.returncode == 0 and "queued again" in retried.stdout
    again = run("queue", "retry", code, config=sim.config_path)
    assert again.returncode == 1 and "delivered" in again.stderr


def test_second_forwarder_is_refused(sim):
    from kiosk.forwarder import acquire_lock

    with acquire_lock(load_config(sim.config_path).data.dir):
        result = run("forward", "--once", config=sim.config_path)
    assert result.returncode == 3 and "another forwarder" in result.stderr


def test_full_disk_gives_a_clear_error_and_loses_nothing(tmp_path, offline_config):
    first = run("submit", "-", config=offline_config, stdin=json.dumps(GOOD))
    assert first.returncode == 0
    noise = numpy.random.default_rng(7).integers(-8000, 8000, 70 * 16000, dtype=numpy.int16)
    soundfile.write(tmp_path / "besar.flac", noise, 16000)  # about 2 MB: noise hardly packs
    big = write_json(tmp_path, "big.json", GOOD | {"attachments": ["besar.flac"]})
    data = load_config(offline_config).data.dir
    limit = max(path.stat().st_size for path in data.iterdir()) + 200_000

    def limit_file_size():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = run("submit", str(big), config=offline_config, preexec_fn=limit_file_size)
    assert result.returncode == 1
    assert "the store cannot be written" in result.stderr
    assert "Traceback" not in result.stderr
    assert stored_count(offline_config) == 1
    conn = connect(load_config(offline_config).db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_queue_status_human_readable(offline_config):
    run("submit", "-", config=offline_config, stdin=json.dumps(GOOD))
    out = run("queue", "status", config=offline_config).stdout
    assert "queued        1" in out


def test_bench_queue_prints_the_figures():
    result = run("bench", "queue", "--json", "--reports", "20")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    for key in ("enqueue_p50_ms", "enqueue_p95_ms", "forward_per_s", "raw_post_per_s"):
        assert figures[key] > 0
    # The ratio is of the unrounded rates: from the rounded ones it may differ in the 3rd digit.
    ratio = figures["forward_per_s"] / figures["raw_post_per_s"]
    assert abs(figures["forward_vs_raw"] - ratio) < 0.005
    assert figures["reports"] == 20


def test_demo_runs_the_whole_pipeline():
    result = run("demo", env={"DISPLAY": "", "WAYLAND_DISPLAY": ""})  # the text run
    assert result.returncode == 0, result.stderr
    assert "3 laporan menunggu jaringan" in result.stdout
    assert "Semua laporan terkirim" in result.stdout
    assert "Laporan Anda sudah selesai ditindaklanjuti." in result.stdout
    assert "(salah ketik): Kode laporan tidak valid" in result.stdout
    assert "LAPOR! simulator menyimpan 3 laporan." in result.stdout


def test_codes_are_shown_formatted(offline_config):
    code = run("submit", "-", config=offline_config, stdin=json.dumps(GOOD)).stdout.strip()
    assert code == format_code(normalize_code(code))


def test_no_report_in_a_list_is_bad_input(tmp_path, offline_config):
    result = run("submit", str(write_json(tmp_path, "none.json", "[]")), config=offline_config)
    assert result.returncode == 2 and "no report in the input" in result.stderr


def test_no_configuration_at_all_is_refused(tmp_path):
    env = {"KIOSK_DATA_DIR": ""}
    result = run("queue", "status", env=env)
    if Path("/etc/lapor-kiosk/kiosk.toml").exists():
        pytest.skip("this machine is a provisioned terminal")
    assert result.returncode == 2 and "no configuration" in result.stderr


def test_plain_http_only_to_this_machine(tmp_path):
    path = write_json(tmp_path, "k.toml", '[lapor]\nbase_url = "http://lapor.example.go.id"\n')
    result = run("queue", "status", config=path)
    assert result.returncode == 2 and "must be https://" in result.stderr


def test_the_store_is_private(offline_config):
    assert run("submit", "-", config=offline_config, stdin=json.dumps(GOOD)).returncode == 0
    data = load_config(offline_config).data.dir
    assert data.stat().st_mode & 0o777 == 0o700
    for path in data.iterdir():
        assert path.stat().st_mode & 0o077 == 0, f"{path.name} is readable by others"


def test_refdata_show_lists_ids_and_names(offline_config):
    everything = run("refdata", "show", config=offline_config)
    assert everything.returncode == 0
    lines = everything.stdout.splitlines()
    assert "categories: 10 (bundled)" in lines and "locations: 31 (bundled)" in lines
    assert any(line.split() == ["4", "Infrastruktur", "dan", "Jalan"] for line in lines)
    one = run("refdata", "show", "institutions", config=offline_config).stdout
    assert one.startswith("institutions: 10 (bundled)\n") and "Dinas Kesehatan" in one
    assert "categories" not in one and "Jakarta" not in one  # no other list
    listed = json.loads(
        run("refdata", "show", "--json", "categories", config=offline_config).stdout
    )
    assert list(listed) == ["categories"] and listed["categories"]["synced_at"] is None
    assert listed["categories"]["items"][0] == {"id": 1, "name": "Kesehatan", "name_en": "Health"}


def test_refdata_show_prints_a_synced_list_and_escapes_its_names(offline_config):
    cache_categories(offline_config, [{"id": 77, "name": "Baru\x1b[31m dari LAPOR!"}])
    shown = run("refdata", "show", "categories", config=offline_config)
    assert "(bundled)" not in shown.stdout and "\x1b" not in shown.stdout
    assert "77  Baru\\x1b[31m dari LAPOR!" in shown.stdout
    submitted = run(
        "submit", "-", config=offline_config, stdin=json.dumps(GOOD | {"category": "baru"})
    )
    assert submitted.returncode == 0, submitted.stderr


def test_refdata_sync_takes_no_list_name(offline_config):
    result = run("refdata", "sync", "categories", config=offline_config)
    assert result.returncode == 2 and "unrecognized arguments: categories" in result.stderr


def test_status_loads_no_simulator_http_speech_or_kivy(offline_config):
    """Each verb imports what it works with only when it runs."""
    program = (
        "import sys; from kiosk.cli import main; code = main(sys.argv[1:]);"
        " heavy = ('lapor_sim', 'http.server', 'requests', 'kivy', 'numpy', 'sounddevice');"
        " print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy));"
        " sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", program, "--config", str(offline_config), "status"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


def test_lapor_sim_verb_hands_its_options_to_the_simulator():
    shown = run("lapor-sim", "--help")
    assert shown.returncode == 0
    assert shown.stdout.startswith("usage: kiosk lapor-sim") and "--answer-shape" in shown.stdout
    refused = run("lapor-sim", "--fail-rate", "2")
    assert refused.returncode == 2 and "--fail-rate must be between 0 and 1" in refused.stderr
    assert run("status", "--fail-rate", "2").returncode == 2  # only lapor-sim passes them on


@pytest.mark.parametrize("verb", [["demo"], ["lapor-sim"], ["bench", "queue"]])
def test_without_the_simulator_the_verbs_that_run_it_say_how_to_install_it(verb):
    program = (
        "import sys; sys.modules['lapor_sim'] = None; from kiosk.cli import main;"
        " sys.exit(main(sys.argv[1:]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", program, *verb],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"kiosk {' '.join(verb)} needs the LAPOR! simulator" in result.stderr
    assert "pip install -e tools/lapor-sim" in result.stderr


def test_the_touch_driver_needs_no_pytest():
    """`kiosk bench ui` drives the kiosk where the test extras are not installed."""
    program = "import sys; sys.modules['pytest'] = None; import kiosk.touch.driver"
    environment = {**os.environ, "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1", "DISPLAY": ""}
    result = subprocess.run(
        [sys.executable, "-c", program],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
    )
    assert result.returncode == 0, result.stderr


def test_a_pi_class_budget_pins_one_core_and_caps_its_share():
    """In a child: the slow-down `kiosk bench --cpu-share` applies (root and cgroups needed;
    where the machine refuses them the test is skipped, saying why); its cgroup goes with it."""
    probe = (
        "import os; from kiosk.cpu_limit import limit_cpu, CpuLimitUnavailable\n"
        "try:\n    how = limit_cpu(0.5)\nexcept CpuLimitUnavailable as error:\n"
        "    print('unavailable', error); raise SystemExit\n"
        "print(len(os.sched_getaffinity(0)), f'kiosk-bench-{os.getpid()}' in"
        " open('/proc/self/cgroup').read(), how.split('cgroup ')[1].rstrip(')'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, timeout=30
    )
    if result.stdout.startswith("unavailable"):
        pytest.skip(result.stdout)
    cores, inside, group = result.stdout.split()
    assert (cores, inside) == ("1", "True"), result.stderr
    assert not Path(group).exists()  # removed when the process ended
    refused = run("bench", "voice", "--cpu-share", "2")
    assert refused.returncode != 0 and "at most 1" in refused.stderr


def test_the_version_is_the_installed_one():
    from importlib.metadata import version

    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"kiosk {version('lapor-kiosk')}"
