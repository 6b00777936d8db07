"""`kiosk submit` as real processes: killed by SIGKILL, contending for the store's lock, fed
hostile attachments and hostile JSON. A file is stored whole or not at all, and a second run
stores nothing new and prints the same codes."""

import json
import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy
import pytest
import soundfile
from repo_paths import REPO_ROOT

from kiosk.config import load_config

REPORTS = 1000
KILLS = 20
EMPTY = {"reports": 0, "outbox": 0, "attachments": 0}
GIVE_UP_AFTER_1_S = (
    "import sys, kiosk.db; kiosk.db.BUSY_TIMEOUT_S = 1.0; from kiosk.cli import main;"
    " sys.exit(main(sys.argv[1:]))"
)
"""`kiosk` with the store's busy timeout cut from 15 s to 1 s, so that a give-up is seen
without waiting 15 s a run (the only thing changed; the lock holder is a real process)."""
HOLD_LOCK = (
    "import sqlite3, sys; conn = sqlite3.connect(sys.argv[1], isolation_level=None);"
    " conn.execute('BEGIN IMMEDIATE'); conn.execute('UPDATE outbox SET attempts = attempts');"
    " print('holding', flush=True); sys.stdin.readline(); conn.execute('COMMIT')"
)
"""A writer that holds the store's write lock until a line comes on its stdin: a slow SD
card's commit, as long as the test needs."""


def kiosk_command(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "kiosk", "--config", str(config), *args]


def submit(config: Path, path: Path | str, *extra: str, timeout: float = 60, **kwargs):
    return subprocess.run(
        kiosk_command(config, "submit", str(path), *extra),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )


def new_terminal(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "kiosk.toml"
    config.write_text('[terminal]\nnumber = 12\n\n[data]\ndir = "data"\n')
    return config


def store_path(config: Path) -> Path:
    return load_config(config, env={}).db_path


def counts(config: Path) -> dict[str, int]:
    """Rows per table, read as any other process would (no store yet: all zero)."""
    path = store_path(config)
    if not path.exists():
        return dict(EMPTY)
    conn = sqlite3.connect(path)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'reports'").fetchone():
            return dict(EMPTY)
        return {
            table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in EMPTY
        }
    finally:
        conn.close()


def stored_codes(config: Path) -> list[str]:
    """The receipt codes in the order the reports were stored, formatted as printed."""
    conn = sqlite3.connect(store_path(config))
    try:
        rows = conn.execute("SELECT code FROM reports ORDER BY rowid").fetchall()
    finally:
        conn.close()
    return [f"{c[:4]}-{c[4:7]}-{c[7:10]}-{c[10]}" for (c,) in rows]


def codes_by_client_id(config: Path, ids: list[str]) -> list[str | None]:
    conn = sqlite3.connect(store_path(config))
    try:
        found = dict(conn.execute("SELECT client_key, code FROM reports").fetchall())
    finally:
        conn.close()
    codes = [found.get(f"id:{client_id}") for client_id in ids]
    return [code and f"{code[:4]}-{code[4:7]}-{code[7:10]}-{code[10]}" for code in codes]


def write_audio(path: Path, seconds: float = 1.0, rate: int = 16000, **options) -> Path:
    samples = (numpy.sin(numpy.arange(int(seconds * rate)) / 5) * 8000).astype(numpy.int16)
    soundfile.write(path, samples, rate, **options)
    return path


def report(number: int, **changes) -> dict:
    raw = {
        "classification": "pengaduan",
        "title": f"Sampah menumpuk di pasar nomor {number}",
        "content": f"Sampah di los {number} Pasar Minggu tidak diangkut sejak tiga hari.",
        "date_of_incident": "2026-11-20",
        "location": "Pasar Minggu, Jakarta Selatan",
        "category": "Lingkungan Hidup",
        "institution_id": 106,
        "reporter": {"name": "Rina Wulandari", "phone": "081311112222", "email": ""},
    }
    return raw | changes


def write_reports(path: Path, reports: list[dict]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in reports))
    return path


def big_file(folder: Path, count: int = REPORTS) -> Path:
    """`count` reports; every other one with its own id, every tenth with a recording."""
    write_audio(folder / "rekaman.ogg", format="OGG", subtype="VORBIS")
    reports = [
        report(
            n,
            **({"id": str(uuid.UUID(int=n + 1))} if n % 2 else {}),
            **({"attachments": ["rekaman.ogg"]} if n % 10 == 0 else {}),
        )
        for n in range(count)
    ]
    return write_reports(folder / "laporan.jsonl", reports)


def full_counts(count: int = REPORTS) -> dict[str, int]:
    return {"reports": count, "outbox": count, "attachments": count // 10}


# -- killed mid-submit -----------------------------------------------------------------------


def watch_the_lock(process: subprocess.Popen, store: Path, until_taken: bool) -> list[float]:
    """When `process` was seen holding the store's write lock (a probe could not take it):
    until it is first seen, or until the process ends. The probe takes the free lock for an
    instant, as any other writer would."""
    probe = sqlite3.connect(f"file:{store}?mode=rw", uri=True, timeout=0, isolation_level=None)
    seen: list[float] = []
    try:
        while process.poll() is None and not (until_taken and seen):
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
            except sqlite3.OperationalError:
                seen.append(time.monotonic())
            time.sleep(0.001)
    finally:
        probe.close()
    return seen


def submit_process(config: Path, path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        kiosk_command(config, "submit", str(path)),
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def new_store(folder: Path) -> Path:
    config = new_terminal(folder)
    created = subprocess.run(
        kiosk_command(config, "queue", "status"), cwd=REPO_ROOT, stdout=subprocess.DEVNULL
    )
    assert created.returncode == 0
    return config


@pytest.mark.slow
def test_a_submit_killed_at_random_moments_stores_the_whole_file_or_nothing(tmp_path):
    """Every other kill comes at a random moment of the whole run; the others at a random
    moment from when the submit takes the write lock (its one transaction) to a while after
    its commit."""
    reports = big_file(tmp_path)
    calibration = new_store(tmp_path / "calibration")
    started = time.monotonic()
    process = submit_process(calibration, reports)
    locked = watch_the_lock(process, store_path(calibration), until_taken=False)
    assert process.wait(timeout=60) == 0 and locked
    whole_run_s, writing_s = time.monotonic() - started, locked[-1] - locked[0]
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    outcomes = {"nothing": 0, "whole file": 0}
    kills = attempts = 0
    while kills < KILLS:
        attempts += 1
        assert attempts <= 3 * KILLS, f"seed {seed}: the submits ended before the kills"
        config = new_store(tmp_path / f"terminal-{attempts}")
        process = submit_process(config, reports)
        if attempts % 2:
            time.sleep(rng.uniform(0, whole_run_s))
        elif watch_the_lock(process, store_path(config), until_taken=True):
            time.sleep(rng.uniform(0, 2 * writing_s))
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate(timeout=60)
        if process.returncode != -signal.SIGKILL:
            continue  # it had finished: not a kill
        kills += 1
        after_kill = counts(config)
        assert after_kill in (EMPTY, full_counts()), f"seed {seed}: {after_kill}"
        outcomes["nothing" if after_kill == EMPTY else "whole file"] += 1
        if after_kill == EMPTY:
            assert out == "", f"seed {seed}: a code printed for a report not stored"
            first = submit(config, reports)
            assert first.returncode == 0, first.stderr
            assert "already stored" not in first.stderr
        assert counts(config) == full_counts()
        codes = stored_codes(config)
        assert set(out.split()) <= set(codes)  # what the killed run printed is stored
        again = submit(config, reports)
        assert again.returncode == 0, again.stderr
        assert again.stdout.split() == codes, f"seed {seed}: other codes the second time"
        assert again.stderr.count("already stored as") == REPORTS
        assert counts(config) == full_counts(), f"seed {seed}: the second run stored more"
    print(f"seed {seed}: {KILLS} kills in {attempts} runs, {outcomes}, writing {writing_s:.2f} s")


# -- the store's lock --------------------------------------------------------------------------


def hold_the_lock(config: Path) -> subprocess.Popen:
    created = subprocess.run(
        kiosk_command(config, "queue", "status"), cwd=REPO_ROOT, stdout=subprocess.DEVNULL
    )
    assert created.returncode == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(store_path(config))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "holding"
    return holder


def files_with_ids(folder: Path, count: int, per_file: int) -> list[tuple[Path, list[str]]]:
    files = []
    for number in range(count):
        ids = [str(uuid.uuid4()) for _ in range(per_file)]
        reports = [report(number * per_file + n, id=ids[n]) for n in range(per_file)]
        files.append((write_reports(folder / f"berkas-{number}.jsonl", reports), ids))
    return files


def start_submit(config: Path, path: Path, impatient: bool) -> subprocess.Popen:
    command = kiosk_command(config, "submit", str(path))
    if impatient:
        command[1:3] = ["-c", GIVE_UP_AFTER_1_S]
    return subprocess.Popen(
        command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_concurrent_submits_behind_a_slow_writer_store_all_or_say_they_gave_up(tmp_path):
    """Six submits at once while another writer holds the lock (a slow SD card's commit):
    those that wait 1 s give up, those that wait 15 s get through once it is free; each
    either stored all its reports and printed their codes, or said it gave up and stored
    none."""
    config = new_terminal(tmp_path)
    files = files_with_ids(tmp_path, 6, 50)
    holder = hold_the_lock(config)
    running = [
        (start_submit(config, path, impatient=number % 2 == 1), ids)
        for number, (path, ids) in enumerate(files)
    ]
    impatient = [process for process, _ in running[1::2]]
    for process in impatient:  # they cannot have the lock: they must give up
        process.wait(timeout=60)
    assert all(process.returncode == 1 for process in impatient)
    assert all(process.poll() is None for process, _ in running[::2])  # still waiting
    holder.communicate("release\n", timeout=10)
    assert holder.returncode == 0
    outcomes = []
    for process, ids in running:
        out, err = process.communicate(timeout=60)
        codes = codes_by_client_id(config, ids)
        if process.returncode == 0:
            assert out.split() == codes and None not in codes, err
            outcomes.append("stored")
        else:
            assert process.returncode == 1, err
            assert "for 1 s: gave up, nothing was stored; run the same file again" in err
            assert "Traceback" not in err and out == ""
            assert codes == [None] * len(ids)
            outcomes.append("gave up")
    assert outcomes == ["stored", "gave up"] * 3
    for path, ids in files:  # the lock is free: what gave up goes through now
        assert submit(config, path).returncode == 0
        assert None not in codes_by_client_id(config, ids)
    assert counts(config)["reports"] == 300


# -- attachments -----------------------------------------------------------------------------


@pytest.fixture
def kiriman(tmp_path) -> Path:
    """A folder with a reports file's recordings; beside it, files it must not reach."""
    folder = tmp_path / "kiriman"
    folder.mkdir()
    write_audio(folder / "keluhan.flac")
    write_audio(tmp_path / "rahasia.wav")
    return folder


def attack(folder: Path, name: str) -> str:
    """Prepare the attachment `name` in `folder` as the attack it stands for."""
    target = folder / name
    if name == "shadow.wav":
        target.symlink_to("/etc/shadow")
    elif name == "nol.wav":
        target.symlink_to("/dev/zero")
    elif name == "pipa.wav":
        os.mkfifo(target)
    elif name == "perangkat.wav":
        try:
            os.mknod(target, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero itself
        except PermissionError:
            pytest.skip("creating a device node needs root")
    elif name == "besar.flac":
        with target.open("wb") as stream:
            stream.truncate(2**40)  # 1 TB, sparse: reading it would never end in time
    elif name == "bukan-audio.wav":
        target.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + b"bukan rekaman suara" * 10)
    return name


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../rahasia.wav", "must be inside the attachment folder"),
        ("/etc/shadow", "must be inside the attachment folder"),
        ("/dev/zero", "must be inside the attachment folder"),
        ("shadow.wav", "is a symbolic link"),
        ("nol.wav", "is a symbolic link"),
        ("pipa.wav", "is not a regular file"),
        ("perangkat.wav", "is not a regular file"),
        ("besar.flac", "is too big, at most 10 MB"),
        ("bukan-audio.wav", "is not a recording that can be played"),
    ],
)
def test_a_hostile_attachment_is_refused_with_its_reason(kiriman, name, reason):
    config = new_terminal(kiriman.parent / "terminal")
    path = attack(kiriman, name)
    reports = write_reports(kiriman / "laporan.jsonl", [report(1, attachments=[path])])
    result = submit(config, reports, "--lang", "en", timeout=20)  # a FIFO must not block
    assert result.returncode == 2
    assert f"report 1: Attachments: {path} {reason}" in result.stderr
    assert result.stderr.rstrip().endswith("nothing was stored")
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert counts(config) == EMPTY


def test_recordings_come_from_the_named_folder(kiriman):
    config = new_terminal(kiriman.parent / "terminal")
    reports = write_reports(kiriman.parent / "laporan.jsonl", [report(1, attachments=["k.flac"])])
    os.rename(kiriman / "keluhan.flac", kiriman / "k.flac")
    assert submit(config, reports).returncode == 2  # not beside the file
    named = submit(config, reports, "--attachments-dir", str(kiriman))
    assert named.returncode == 0, named.stderr
    assert counts(config) == {"reports": 1, "outbox": 1, "attachments": 1}


PEAK_MEMORY_AFTER = (
    "import sys; from kiosk.cli import main; code = main(sys.argv[1:]);"
    " status = open('/proc/self/status').read();"
    " print('VmHWM', status.split('VmHWM:')[1].split()[0], file=sys.stderr); sys.exit(code)"
)
"""`kiosk` that ends by printing its own peak resident memory (kB). Measured inside: a forked
child's ru_maxrss also counts the pages it shared with the test process before exec."""


def test_the_recordings_of_one_submit_are_capped_before_memory_runs_out(tmp_path):
    """120 reports with three 10 MB recordings each (3.6 GB) ran a submit out of memory."""
    config = new_terminal(tmp_path)
    write_audio(tmp_path / "panjang.wav", seconds=320)  # 10.2 MB, just under the limit
    three = ["panjang.wav"] * 3
    reports = write_reports(
        tmp_path / "laporan.jsonl", [report(n, attachments=three) for n in range(120)]
    )
    result = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY_AFTER, "--config", str(config), "submit", str(reports)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "the recordings add up to more than 32 MB" in result.stderr
    assert "split the file" in result.stderr
    peak_mb = int(result.stderr.split("VmHWM ")[1].split()[0]) / 1024
    assert peak_mb < 250, f"{peak_mb:.0f} MB at the peak"
    assert counts(config) == EMPTY


# -- hostile JSON ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[" * 100_000 + "]" * 100_000, "JSON nested deeper than 16 levels"),
        (json.dumps(report(1, attachments=["\ud800.ogg"])), "Attachments: contains characters"),
        (json.dumps(report(1, title="Judul \udfff laporan")), "Title: contains characters"),
        (json.dumps(report(1, title="Jalan rusak\u2028di pasar")), "Title: contains characters"),
        (json.dumps(report(1, reporter={"name": ["Budi", "S"]})), "Name: must be text."),
        (json.dumps(report(1, reporter={"email": True})), "E-mail address: must be text."),
        (json.dumps(report(1, reporter={"phone": 81311112222})), "Phone number: must be text"),
        (json.dumps(report(1, is_anonymus=True)), "the field is_anonymus is not known"),
        (json.dumps(report(1, category="kesehatn")), "Did you mean: Kesehatan?"),
        (json.dumps(report(1, category="Lingkungan Hidp")), "Lingkungan Hidup dan Kebersihan"),
        (json.dumps(report(1, institution_id="Dinas")), "matches more than one: Dinas Kesehatan"),
        (json.dumps(report(1, category=77)), "kiosk refdata show categories"),
        ('{"title": "a", "title": "b"}', "the key title is given twice"),
        (b"\xff\xfe{}", "not UTF-8 text (byte 0)"),
    ],
)
def test_hostile_json_is_refused_clearly(tmp_path, content, expected):
    config = new_terminal(tmp_path)
    path = tmp_path / "laporan.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    result = submit(config, path, "--lang", "en")
    assert result.returncode == 2
    assert expected in result.stderr
    assert "nothing was stored" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert counts(config) == EMPTY


def test_a_file_name_that_no_text_can_hold_is_named_printably(tmp_path):
    config = new_terminal(tmp_path)
    result = submit(config, os.fsdecode(bytes(tmp_path) + b"/laporan-\xff.json"))
    assert result.returncode == 2
    assert "laporan-\\udcff.json: No such file or directory; nothing was stored" in result.stderr


def test_a_file_with_a_byte_order_mark_is_stored(tmp_path):
    config = new_terminal(tmp_path)
    path = tmp_path / "laporan.json"
    path.write_bytes("\ufeff".encode() + json.dumps(report(1)).encode())
    result = submit(config, path)
    assert result.returncode == 0, result.stderr
    assert counts(config)["reports"] == 1


# -- idempotency ----------------------------------------------------------------------------


def test_the_same_reports_again_print_their_codes_and_store_nothing(tmp_path):
    config = new_terminal(tmp_path)
    client_id = str(uuid.uuid4())
    reports = write_reports(
        tmp_path / "laporan.jsonl",
        [report(1, id=f"uuid:{client_id}"), report(2), report(2), report(3, category="9")],
    )
    first = submit(config, reports)
    assert first.returncode == 0, first.stderr
    codes = first.stdout.split()
    assert codes[1] == codes[2]  # the same report twice in one file: stored once
    assert "report 3: already stored as" in first.stderr
    assert counts(config)["reports"] == 3
    again = subprocess.run(
        kiosk_command(config, "submit", "-"),
        cwd=REPO_ROOT,
        input=reports.read_text(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0 and again.stdout.split() == codes
    assert again.stderr.count("already stored as") == 4
    assert counts(config)["reports"] == 3
    # An id kept, the content changed: refused, nothing of the file stored.
    reused = write_reports(
        tmp_path / "lagi.jsonl", [report(9), report(1, id=client_id, title="Judul yang lain")]
    )
    refused = submit(config, reused)
    assert refused.returncode == 2
    assert f"report 2: its id is already used by the report {codes[0]}" in refused.stderr
    assert counts(config)["reports"] == 3


# -- the place ------------------------------------------------------------------------------


def test_a_place_in_the_terminals_city_by_code_or_by_names_is_stored_with_its_office(tmp_path):
    config = new_terminal(tmp_path)  # [terminal] region: Kota Bandung, the default
    dago = {"kecamatan": "coblong", "kelurahan": "Dago", "detail": "depan SD"}
    reports = write_reports(
        tmp_path / "tempat.jsonl",
        [
            report(1, location=dago, institution_id="Kelurahan Dago"),
            report(2, location="32.73.02.1002", institution_id="Kecamatan Coblong"),
            report(3, location={"kecamatan": "Coblong", "kelurahan": "Lebakgede"}),
            report(4, location="Jl. Dago No. 5"),
        ],
    )
    result = submit(config, reports)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(store_path(config))
    try:
        rows = conn.execute(
            "SELECT place_code, place_kota, place_kecamatan, place_kelurahan, location,"
            " institution_id FROM reports ORDER BY rowid"
        ).fetchall()
    finally:
        conn.close()
    assert rows == [
        ("32.73.02.1004", "Kota Bandung", "Coblong", "Dago", "depan SD", 3273021004),
        ("32.73.02.1002", "Kota Bandung", "Coblong", "Lebak Gede", "", 327302),
        ("32.73.02.1002", "Kota Bandung", "Coblong", "Lebak Gede", "", 106),
        ("", "", "", "", "Jl. Dago No. 5", 106),
    ]


def test_an_unknown_kelurahan_is_refused_with_the_closest_names(tmp_path):
    config = new_terminal(tmp_path)
    wrong = report(1, location={"kecamatan": "Coblong", "kelurahan": "Dagoo"})
    result = submit(config, write_reports(tmp_path / "salah.jsonl", [wrong]))
    assert result.returncode == 2
    assert "Kelurahan: Dagoo tidak ada di Kecamatan Coblong. Mungkin maksudnya: Dago." in (
        result.stderr
    )
    assert counts(config) == EMPTY
