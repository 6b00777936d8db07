"""The `kiosk` command line: file, forward, inspect and follow up reports from a shell.

Exit codes: 0 done; 1 the job could not be done (store not writable, API
unreachable or refusing the credentials, report unknown); 2 bad input or
configuration (nothing was stored); 3 another forwarder already runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sqlite3
import sys
import threading
from contextlib import closing
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

from kiosk import db, outbox, refdata, retention
from kiosk.adapters.base import REFERENCE_KINDS
from kiosk.config import ConfigError, KioskConfig, has_config, load_config
from kiosk.db import is_busy
from kiosk.i18n import text
from kiosk.receipt import format_code, normalize_code
from kiosk.safe_text import printable
from kiosk.stop_signals import stop_on_signals
from kiosk.store_health import StoreError, describe
from kiosk.wiring import has_credentials, open_api, open_forwarder, open_store

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_BUSY = 0, 1, 2, 3
FOLLOW_UP_CHARS = 20_000
"""An agency's answer is printed whole (escaped), not cut like a log line."""


class CommandError(Exception):
    """A failure to report on stderr with its exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


# -- commands -------------------------------------------------------------------------------


def cmd_submit(args: argparse.Namespace, config: KioskConfig) -> int:
    """All or nothing: every report of the file is checked, then all are stored in one
    transaction; the codes are printed only after the commit, a report stored before with
    the code it has."""
    data = _read_submit_file(args.file)
    with closing(open_store(config)) as conn:
        submitted = _check_reports(args, data, refdata.items_by_kind(conn))
        filed = _store_reports(conn, submitted, config.terminal.number)
    for number, entry in enumerate(filed, start=1):
        if entry.already_stored:
            code = format_code(entry.code)
            print(f"report {number}: already stored as {code}; nothing new", file=sys.stderr)
    print("\n".join(format_code(entry.code) for entry in filed), flush=True)
    return EXIT_OK


def _read_submit_file(file: str) -> bytes:
    from kiosk.intake import SubmitFileInvalid, read_input

    try:
        if file == "-":
            return read_input(sys.stdin.buffer)
        with open(file, "rb") as stream:
            return read_input(stream)
    except (OSError, SubmitFileInvalid) as error:
        why = (error.strerror or error) if isinstance(error, OSError) else error
        raise CommandError(
            f"{printable(file)}: {why}; nothing was stored", EXIT_BAD_INPUT
        ) from None


def _check_reports(args: argparse.Namespace, data: bytes, lists: dict[str, list[dict]]) -> list:
    """Every report of the file checked (attachments read): `intake.Submitted` each."""
    from kiosk.attachment_files import MAX_SUBMIT_BYTES, AttachmentFolder, SubmitTooBig
    from kiosk.intake import (
        SubmissionInvalid,
        SubmitFileInvalid,
        parse_reports_file,
        reports_from_json,
    )

    here = Path.cwd() if args.file == "-" else Path(args.file).absolute().parent
    folder = AttachmentFolder(args.attachments_dir or here)
    name = printable(args.file)
    try:
        return reports_from_json(parse_reports_file(data), lists, folder, date.today())
    except SubmissionInvalid as invalid:
        problems = "\n".join(invalid.messages(args.lang))
        raise CommandError(f"{problems}\nnothing was stored", EXIT_BAD_INPUT) from None
    except SubmitFileInvalid as error:
        raise CommandError(f"{name}: {error}; nothing was stored", EXIT_BAD_INPUT) from None
    except SubmitTooBig as error:
        raise CommandError(
            f"{name}: with {printable(error)} the recordings add up to more than"
            f" {MAX_SUBMIT_BYTES // 2**20} MB, the most one submit carries: split the file;"
            " nothing was stored",
            EXIT_BAD_INPUT,
        ) from None


def _store_reports(conn: sqlite3.Connection, submitted: list, terminal_number: int) -> list:
    """`store.Filed` for each report, all stored in one transaction or none."""
    from kiosk.store import KeyReused, save_reports

    try:
        return save_reports(
            conn, [(entry.report, entry.client_id) for entry in submitted], terminal_number
        )
    except KeyReused as error:
        raise CommandError(
            f"report {error.position + 1}: its id is already used by the report"
            f" {format_code(error.code)}, which says something else: give this report a new"
            " id; nothing was stored",
            EXIT_BAD_INPUT,
        ) from None
    except (sqlite3.Error, OSError) as error:
        if is_busy(error):
            raise CommandError(
                f"the store stayed busy (another process writing) for {db.BUSY_TIMEOUT_S:g} s:"
                " gave up, nothing was stored; run the same file again"
            ) from None
        raise CommandError(
            f"the store cannot be written ({printable(error)}); nothing was stored"
        ) from None


def cmd_forward(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.adapters.base import Unauthorized, Unavailable
    from kiosk.forwarder import Forwarder, ForwarderBusy, acquire_lock, run_workers

    try:
        lock = acquire_lock(config.data.dir)
    except ForwarderBusy as error:
        raise CommandError(str(error), EXIT_BUSY) from None
    open_api(config).close()  # a configuration error is reported before any worker starts
    open_store(config).close()  # and a damaged store (checked once here, not by each worker)
    stop = threading.Event()

    def action(forwarder: Forwarder) -> None:
        if args.once:
            forwarder.housekeeping()
            forwarder.run_once()
        else:
            forwarder.run(until_empty=args.until_empty, stop=stop)

    _start_metrics(config)
    with lock, stop_on_signals(stop):
        forwarders = run_workers(
            config.forwarder.workers, lambda shard: open_forwarder(config, shard), action, stop
        )
        with closing(open_store(config, check=False)) as conn:  # checked at the start
            counts = outbox.counts(conn)
        print(json.dumps(counts))
    if not any(counts[state] for state in outbox.WAITING_STATES):
        return EXIT_OK  # nothing waits: earlier failures were overcome
    failures = [forwarder.last_failure for forwarder in forwarders if forwarder.last_failure]
    if any(isinstance(failure, Unauthorized) for failure in failures):
        raise CommandError(
            "LAPOR! refused the credentials: check [lapor] credentials_file and the channel's"
            " key and token; the reports stay queued and safe"
        )
    if any(isinstance(failure, Unavailable) for failure in failures):
        raise CommandError(
            f"LAPOR! cannot be reached now ({printable(failures[0])}); the reports stay queued"
        )
    return EXIT_OK


def _start_metrics(config: KioskConfig) -> None:
    """Metrics are optional equipment: a problem is logged (and shown by status and selftest),
    delivery goes on."""
    from kiosk.health import metrics_warning, start_metrics

    log = logging.getLogger("kiosk.forward")
    if warning := metrics_warning(config):
        log.warning("%s", warning)
    if problem := start_metrics(config, lambda: db.connect(config.db_path, check=False)):
        log.warning("%s", problem)


def cmd_queue(args: argparse.Namespace, config: KioskConfig) -> int:
    with closing(open_store(config)) as conn:
        if args.action == "status":
            counts = outbox.counts(conn)
            if args.json:
                print(json.dumps(counts))
            else:
                for state, count in counts.items():
                    print(f"{state:13} {count}")
            return EXIT_OK
        if args.action == "list":
            for item in outbox.listing(conn, args.state):
                complaint = printable(item.complaint_id or "-")
                print(
                    f"{format_code(item.code)}  {item.state:12}  attempts={item.attempts}"
                    f"  complaint={complaint}  {printable(item.last_error or '')}".rstrip()
                )
            return EXIT_OK
        code = normalize_code(args.code or "")
        if code is None:
            raise CommandError(text("code.invalid", args.lang), EXIT_BAD_INPUT)
        item = outbox.by_code(conn, code)
        if item is None:
            raise CommandError(text("code.unknown", args.lang))
        if not outbox.requeue(conn, item.report_uuid):
            if retention.is_wiped(conn, item.report_uuid):
                raise CommandError(
                    f"{format_code(code)}: its content was wiped (personal data retention), so"
                    " it cannot be sent again; the citizen files it anew"
                )
            state = outbox.get(conn, item.report_uuid).state
            raise CommandError(f"{format_code(code)} is {state}: nothing to retry")
        print(f"{format_code(code)} queued again")
    return EXIT_OK


def cmd_track(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.tracking import track

    api = open_api(config) if has_credentials(config) else None
    with closing(open_store(config)) as conn:
        result = track(conn, api, args.code, args.lang, allow_complaint_id=True)
    if args.json:
        print(
            json.dumps(
                {
                    "problem": result.problem,
                    "sentence": result.sentence,
                    "code": result.item.code if result.item else None,
                    "state": result.item.state if result.item else None,
                    "complaint_id": result.item.complaint_id if result.item else None,
                    "status": asdict(result.status) if result.status else None,
                    "fetched_at": result.fetched_at,
                    "offline": result.offline,
                },
                ensure_ascii=True,  # the API's text: no raw control character reaches a terminal
            )
        )
    else:
        print(printable(result.sentence))
        for followup in result.status.followups if result.status else []:
            line = f"- {followup.date} {followup.institution}: {followup.content}"
            print(printable(line, limit=FOLLOW_UP_CHARS))
    if result.problem == "invalid":
        return EXIT_BAD_INPUT
    return EXIT_FAILED if result.problem else EXIT_OK


def cmd_refdata(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.adapters.base import ApiError

    with closing(open_store(config)) as conn:
        if args.action == "sync":
            try:
                print(json.dumps(refdata.sync(conn, open_api(config))))
            except ApiError as error:
                raise CommandError(f"reference lists not synced: {printable(error)}") from None
            return EXIT_OK
        listings = [
            refdata.get(conn, kind) for kind in ([args.kind] if args.kind else REFERENCE_KINDS)
        ]
    if args.json:
        print(json.dumps({listing.kind: _listing_json(listing) for listing in listings}))
        return EXIT_OK
    for listing in listings:
        print(f"{listing.kind}: {len(listing.items)} ({_synced_when(listing)})")
        for item in listing.items:
            print(f"  {printable(item.get('id')):>8}  {printable(item.get('name'))}")
    return EXIT_OK


def _synced_when(listing: refdata.ReferenceList) -> str:
    if listing.fetched_at is None:
        return "bundled"
    return datetime.fromtimestamp(listing.fetched_at).isoformat(timespec="seconds")


def _listing_json(listing: refdata.ReferenceList) -> dict:
    """`synced_at` is None for the list bundled with the software."""
    return {
        "synced_at": None if listing.fetched_at is None else _synced_when(listing),
        "items": [
            {key: item[key] for key in ("id", "name", "name_en") if key in item}
            for item in listing.items
        ],
    }


def cmd_store(args: argparse.Namespace, config: KioskConfig) -> int:
    """`check`: SQLite's full integrity check; `recover`: rebuild a damaged store."""
    if args.action == "recover":
        return _recover_store(config)
    from kiosk.store_health import integrity_problems

    with closing(open_store(config)) as conn:
        problems = integrity_problems(conn)
    for problem in problems:
        print(printable(problem))
    if problems:
        raise CommandError(f"the store {config.db_path} is damaged: run `kiosk store recover`")
    print(f"the store {config.db_path} is whole")
    return EXIT_OK


def _recover_store(config: KioskConfig) -> int:
    from kiosk.forwarder import ForwarderBusy, acquire_lock
    from kiosk.store_recovery import recover

    try:
        lock = acquire_lock(config.data.dir)
    except ForwarderBusy:
        raise CommandError(
            "a forwarder is running on this store: stop the kiosk and the forwarder first"
            " (systemctl stop lapor-kiosk lapor-kiosk-forwarder)",
            EXIT_BUSY,
        ) from None
    with lock:
        recovered = recover(config.db_path)
    print(
        f"recovered {recovered.reports} report(s) into {config.db_path};"
        f" {recovered.requeued} lost their place in the queue and are looked up at LAPOR!"
        f" before anything is sent; {recovered.lost} queued report(s) could not be read."
        f" The damaged store is kept as {recovered.damaged_copy}: it holds personal data,"
        " delete it (`shred -u`) once `kiosk queue status` shows nothing waiting"
    )
    return EXIT_OK


def cmd_pin(args: argparse.Namespace, config: KioskConfig | None) -> int:
    """`set`: a new technician PIN (asked twice, never echoed); `unlock`: lift the wait
    after wrong tries. Needs no loadable configuration: one with the old key is refused."""
    import getpass

    from kiosk.config import config_file
    from kiosk.pin_lockout import unlock
    from kiosk.technician_pin import PinError, ask_new_pin, hash_pin, store_pin_hash

    if args.action == "unlock":
        data_dir = load_config(args.config).data.dir
        try:
            print(unlock(data_dir))
        except OSError as error:
            raise CommandError(f"{data_dir}: {error}: run it as the kiosk user") from None
        return EXIT_OK
    path = config_file(args.config, dict(os.environ))
    if path is None:
        raise CommandError(
            "no configuration file to hold the PIN: pass --config FILE", EXIT_BAD_INPUT
        )
    try:
        store_pin_hash(path, hash_pin(ask_new_pin(getpass.getpass)))
    except PinError as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None
    except OSError as error:
        raise CommandError(f"{path} cannot be written ({error}): run it as root") from None
    print(f"technician PIN set in {path} (mode 0600); restart the kiosk to use it")
    return EXIT_OK


def cmd_lapor_sim(args: argparse.Namespace, config: KioskConfig | None) -> int:
    from kiosk.simulator.cli import run

    return run(args)


def cmd_bench(args: argparse.Namespace, config: KioskConfig | None) -> int:
    from kiosk.bench import run_bench

    figures = run_bench(args.target, args.reports, args.workers, args.latency_ms, args.model)
    print(json.dumps(figures, indent=None if args.json else 2))
    return EXIT_OK


def cmd_run(args: argparse.Namespace, config: KioskConfig) -> int:
    if args.face == "audio":
        return _run_audio(args, config)
    from kiosk.touch.session import run_kiosk_with_forwarder

    if not args.no_forwarder and config.source is None:
        raise CommandError("`kiosk run` needs --config FILE to start its forwarder", EXIT_BAD_INPUT)
    run_kiosk_with_forwarder(config, with_forwarder=not args.no_forwarder, windowed=args.windowed)
    return EXIT_OK


def cmd_models(args: argparse.Namespace, config: KioskConfig) -> int:
    from models.installer import ModelError, install, installed, verify

    root = config.data.dir / "models"
    if args.action == "install":
        if not args.source:
            raise CommandError("models install needs ARCHIVE_OR_DIR", EXIT_BAD_INPUT)
        try:
            model = install(Path(args.source), root, args.name, args.language)
        except ModelError as error:
            raise CommandError(f"model not installed: {error}", EXIT_BAD_INPUT) from None
        grammar = "grammars and dictation" if model.takes_grammars else "dictation only (HCLG)"
        known = "manifest checked" if model.known else "no manifest: unverified origin"
        print(f"{model.name} ({model.language}, {grammar}, {known}) in {model.path}")
        return EXIT_OK
    models = installed(root)
    if args.action == "list":
        for model in models:
            print(f"{model.name}  {model.language}  {model.graph}  {model.size_bytes // 2**20} MB")
        return EXIT_OK
    problems = [(model.name, problem) for model in models if (problem := verify(model))]
    for model in models:
        print(f"{model.name}: {dict(problems).get(model.name) or 'ok'}")
    return EXIT_FAILED if problems else EXIT_OK


def cmd_listen(args: argparse.Namespace, config: KioskConfig) -> int:
    from models.installer import choose
    from voice.recognizer import RecognitionUnavailable, Recognizer, read_pcm, wav_chunks

    model = args.model
    if model is None:
        chosen = choose(config.data.dir / "models", args.lang, grammar=args.grammar is not None)
        if chosen is None:
            raise CommandError(
                f"no speech model for {args.lang!r}: install one with `kiosk models install`;"
                " the keypad keeps working"
            )
        model = Path(chosen.path)
    try:
        phrases = json.loads(args.grammar) if args.grammar else None
    except json.JSONDecodeError as error:
        raise CommandError(f"--grammar is not a JSON list: {error}", EXIT_BAD_INPUT) from None
    try:
        recognizer = Recognizer(model, config.recognition)
    except RecognitionUnavailable as error:
        raise CommandError(f"{error}; the keypad keeps working") from None
    if args.wav:
        try:
            chunks = wav_chunks(read_pcm(args.wav))
        except (OSError, RuntimeError) as error:
            raise CommandError(f"{args.wav}: {error}", EXIT_BAD_INPUT) from None
    else:
        from kiosk.audio.devices import microphone_settings
        from voice.recorder import microphone_chunks

        chunks = microphone_chunks(settings=microphone_settings(config))
    heard = recognizer.listen(chunks, phrases)
    print(json.dumps(asdict(heard), ensure_ascii=False))
    return EXIT_OK


def cmd_selftest(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.selftest import run_checks

    checks = run_checks(config)
    if args.json:
        print(json.dumps([asdict(check) for check in checks], ensure_ascii=False))
    else:
        for check in checks:
            fix = f"  -> {check.fix}" if check.fix and check.status != "ok" else ""
            print(f"{check.status.upper():4}  {check.name:12}  {check.detail}{fix}")
    return EXIT_FAILED if any(check.status == "fail" for check in checks) else EXIT_OK


def cmd_provision(args: argparse.Namespace, config: KioskConfig | None) -> int:
    from kiosk.provision import ask, provision, read_answers

    answers = read_answers(args.from_file) if args.from_file else ask()
    config_path, done = provision(answers, args.root)
    for line in done:
        print(f"- {line}")
    print(f"Next: `kiosk --config {config_path} selftest`")
    return EXIT_OK


def cmd_status(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.health import health

    with closing(open_store(config)) as conn:
        status = asdict(health(config, conn))
    if args.json:
        print(json.dumps(status))
        return EXIT_OK
    for name, value in status.items():
        print(f"{name:22} {value}")
    return EXIT_OK


def cmd_say(args: argparse.Namespace, config: KioskConfig | None) -> int:
    import numpy
    import soundfile

    from voice.speaker import Speaker
    from voice.tts import Renderer, SpeechUnavailable, sentences

    try:
        renderer = Renderer()
    except SpeechUnavailable as error:
        raise CommandError(f"{error}; install the Debian package espeak-ng") from None
    if args.out:
        parts = [renderer.render(sentence, args.lang, 165) for sentence in sentences(args.text)]
        samples = numpy.concatenate([part.samples for part in parts])
        soundfile.write(args.out, samples, parts[0].sample_rate)
        print(f"{args.out}: {len(samples) / parts[0].sample_rate:.1f} s")
        return EXIT_OK
    speaker = Speaker(renderer)
    speaker.say(args.text, args.lang)
    speaker.wait()
    if speaker.unavailable:
        raise CommandError(f"nothing was heard: {speaker.unavailable}")
    return EXIT_OK


def _run_audio(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.audio.script import ScriptError
    from kiosk.audio.session import run_audio_session
    from voice.tts import SpeechUnavailable

    if not args.no_window:
        raise CommandError(
            "the audio face runs without a window for now: add --no-window", EXIT_BAD_INPUT
        )
    try:
        if args.keys_from:
            lines = args.keys_from.read_text("utf-8").splitlines()
            base = args.keys_from.parent
        else:
            lines, base = sys.stdin, Path.cwd()
        summary = run_audio_session(config, lines, args.transcript, base)
    except (OSError, ScriptError) as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None
    except SpeechUnavailable as error:
        raise CommandError(f"{error}; the touch screen keeps working") from None
    print(json.dumps(summary))
    return EXIT_OK


def _config_or_defaults(args: argparse.Namespace) -> KioskConfig:
    """The terminal's configuration; the defaults where it has none yet (technicians' tools
    run before provisioning)."""
    return load_config(args.config) if has_config(args.config) else KioskConfig()


def cmd_audio(args: argparse.Namespace, config: KioskConfig | None) -> int:
    from kiosk.sound_check import check_input, device_lines, play_test_phrase, print_level
    from voice.devices import list_devices
    from voice.playback import AudioUnavailable

    if args.action == "devices":
        try:
            devices = list_devices()
        except AudioUnavailable as error:
            raise CommandError(f"{error}; install libportaudio2") from None
        print(
            json.dumps([asdict(d) for d in devices])
            if args.json
            else "\n".join(device_lines(devices))
        )
        return EXIT_OK
    configured = _config_or_defaults(args).audio
    output = configured.output_device if args.output is None else args.output
    microphone = configured.input_device if args.input is None else args.input
    print(f"Test phrase on {output or 'the default output'} ...")
    verdicts = {"output": play_test_phrase(output, args.lang or "id")}
    print(f"Speak into {microphone or 'the default microphone'} for {args.seconds:g} s ...")
    verdicts["input"] = check_input(microphone, args.seconds, print_level)
    if sys.stdout.isatty():
        print()
    for direction, verdict in verdicts.items():
        fix = f" ({verdict.fix})" if verdict.fix else ""
        print(f"{direction:6} {'ok' if verdict.ok else 'FAIL'}  {verdict.detail}{fix}")
    return EXIT_OK if all(verdict.ok for verdict in verdicts.values()) else EXIT_FAILED


def cmd_keypad(args: argparse.Namespace, config: KioskConfig | None) -> int:
    from kiosk.audio.keymap import load_keymap
    from kiosk.touch.display import display_found
    from kiosk.touch.run import run_keypad_learner

    config = _config_or_defaults(args)
    if not display_found():
        raise CommandError("keypad learning needs the touch screen (no display found)")
    if not run_keypad_learner(config, args.out, args.windowed):
        print("cancelled: nothing written")
        return EXIT_FAILED
    learned = load_keymap(str(args.out))  # read back as the kiosk will read it
    print(f'{len(learned)} keys learned into {args.out}; set [audio] keymap = "{args.out}"')
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, config: KioskConfig | None) -> int:
    from kiosk.demo import run_demo

    return run_demo(keep=args.keep)


# -- parser ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="LAPOR! accessible kiosk: reports, queue, follow-up."
    )
    parser.add_argument("--config", type=Path, help="configuration TOML (default $KIOSK_CONFIG)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every step")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler, help_text: str, needs_config: bool = True):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler, needs_config=needs_config)
        return sub

    def language_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--lang", choices=("id", "en"), help="language of messages")

    submit = command(
        "submit",
        cmd_submit,
        "store reports from a JSON or JSON Lines file (- = stdin): all of them or none",
    )
    submit.add_argument("file")
    submit.add_argument(
        "--attachments-dir",
        type=Path,
        help="folder the recordings are read from (default: the file's folder; stdin: here)",
    )
    language_option(submit)

    forward = command("forward", cmd_forward, "deliver queued reports to LAPOR!")
    mode = forward.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="one pass over what is due")
    mode.add_argument("--until-empty", action="store_true", help="stop when nothing waits")

    queue = command("queue", cmd_queue, "inspect and drive the outbox")
    queue.add_argument("action", choices=("status", "list", "retry"))
    queue.add_argument("code", nargs="?", help="receipt code (for retry)")
    queue.add_argument("--json", action="store_true")
    queue.add_argument("--state", choices=outbox.STATES, help="list only this state")
    language_option(queue)

    track_cmd = command("track", cmd_track, "follow a report up by receipt code or complaint id")
    track_cmd.add_argument("code")
    track_cmd.add_argument("--json", action="store_true")
    language_option(track_cmd)

    refdata_cmd = command("refdata", cmd_refdata, "agencies, categories and locations")
    refdata_actions = refdata_cmd.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = refdata_actions.add_parser("show", help="the lists' ids and names")
    show.add_argument("kind", nargs="?", choices=REFERENCE_KINDS, help="only this list")
    show.add_argument("--json", action="store_true")
    refdata_actions.add_parser("sync", help="fetch the lists from LAPOR! now")

    store_cmd = command("store", cmd_store, "the store's health: check it, or recover it")
    store_cmd.add_argument("action", choices=("check", "recover"))

    pin = command("pin", cmd_pin, "technician PIN: set a new one, or lift the wait", False)
    pin.add_argument("action", choices=("set", "unlock"))

    sim = command("lapor-sim", cmd_lapor_sim, "run the local LAPOR! simulator", needs_config=False)
    from kiosk.simulator.cli import add_arguments

    add_arguments(sim)

    bench = command("bench", cmd_bench, "measure performance", needs_config=False)
    bench.add_argument("target", choices=("queue", "ui", "voice", "asr"))
    bench.add_argument("--model", type=Path, help="asr: a model folder (default: the Korean one)")
    bench.add_argument("--json", action="store_true", help="one line of JSON")
    bench.add_argument("--reports", type=int, default=1000, help="queue: reports per run")
    bench.add_argument("--workers", type=int, help="forwarder workers (default: configured, 2)")
    bench.add_argument(
        "--latency-ms", type=int, default=0, help="simulated network delay of each answer"
    )

    run_cmd = command("run", cmd_run, "run the touch kiosk (and its forwarder)")
    run_cmd.add_argument(
        "--no-forwarder", action="store_true", help="systemd runs the forwarder separately"
    )
    run_cmd.add_argument("--windowed", action="store_true", help="a window, not full screen")
    run_cmd.add_argument("--face", choices=("touch", "audio"), default="touch")
    run_cmd.add_argument("--keys-from", type=Path, help="audio face: a key script (else stdin)")
    run_cmd.add_argument("--transcript", type=Path, help="audio face: write every utterance")
    run_cmd.add_argument("--no-window", action="store_true", help="audio face without a screen")

    models = command("models", cmd_models, "install, list and verify speech models")
    models.add_argument("action", choices=("install", "list", "verify"))
    models.add_argument("source", nargs="?", help="install: an archive or a directory")
    models.add_argument("--name", help="install: name of a model no manifest knows")
    models.add_argument("--language", help="install: its language (id, en ...)")

    listen = command("listen", cmd_listen, "recognise one utterance (JSON result)")
    source = listen.add_mutually_exclusive_group(required=True)
    source.add_argument("--wav", type=Path, help="a recording (any rate; read as 16 kHz mono)")
    source.add_argument("--mic", action="store_true", help="the microphone, until you stop")
    listen.add_argument("--grammar", help='accepted phrases as a JSON list, e.g. ["ya", "tidak"]')
    listen.add_argument("--model", type=Path, help="a model folder (default: installed)")
    listen.add_argument("--lang", default="id", help="language of the installed model to use")

    provision_cmd = command(
        "provision", cmd_provision, "set this terminal up (questions, or --from FILE)", False
    )
    provision_cmd.add_argument("--from", dest="from_file", type=Path, help="answers in TOML")
    provision_cmd.add_argument("--root", type=Path, default=Path("/"), help="for tests: a root")

    status = command("status", cmd_status, "queue, API state, models, uptime (no personal data)")
    status.add_argument("--json", action="store_true")

    selftest = command("selftest", cmd_selftest, "check that this terminal is ready")
    selftest.add_argument("--json", action="store_true")

    say = command("say", cmd_say, "speak (or render) a text with the kiosk's voice", False)
    say.add_argument("text")
    say.add_argument("--out", type=Path, help="write a WAV file instead of playing")
    say.add_argument("--lang", choices=("id", "en"), default="id")

    audio = command("audio", cmd_audio, "sound devices: list them, or test them", False)
    audio.add_argument("action", choices=("devices", "test"))
    audio.add_argument("--json", action="store_true", help="devices: as JSON")
    audio.add_argument("--output", help="test: this output (default: configured)")
    audio.add_argument("--input", help="test: this microphone (default: configured)")
    audio.add_argument("--seconds", type=float, default=5.0, help="test: how long to listen")
    language_option(audio)

    keypad = command("keypad", cmd_keypad, "learn the tactile keypad: press each key", False)
    keypad.add_argument("action", choices=("learn",))
    keypad.add_argument("--out", type=Path, default=Path("keymap.toml"), help="the key map file")
    keypad.add_argument("--windowed", action="store_true", help="a window, not full screen")

    demo = command("demo", cmd_demo, "the whole product against a local simulator", False)
    demo.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    return parser


def main(argv: list[str] | None = None) -> int:
    # A file-size limit (a full disk) must give an error, not kill the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    os.umask(0o077)  # reports hold personal data: files only the kiosk user can read
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    config = None
    try:
        config = load_config(args.config) if args.needs_config else None
        if config and getattr(args, "lang", "unset") is None:
            args.lang = config.terminal.default_language
        return args.handler(args, config)
    except ConfigError as error:
        print(f"kiosk: configuration: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except CommandError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return error.code
    except BrokenPipeError:  # the reader went away (`kiosk refdata show | head`): no more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except StoreError as error:  # damaged, missing, read-only: the sentence says what to do
        print(f"kiosk: {error}", file=sys.stderr)
        return EXIT_FAILED
    except sqlite3.Error as error:  # a write that failed after the store was opened
        where = config.db_path if config else Path("the store")
        print(f"kiosk: {describe(error, where)}", file=sys.stderr)
        return EXIT_FAILED
