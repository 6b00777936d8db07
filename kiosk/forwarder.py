"""The forwarder: delivers every stored report to the central API exactly once.

Each step is saved before the next begins, so a crash at any moment resumes
where it stopped:

1. upload each attachment, saving its remote id;
2. mark the outbox row `sending` (durably), then post the create;
3. save the `complaint_id` (state `delivered`) the moment it is answered.

The central API has no idempotency key. A create that was sent but got no
usable answer is never posted again blindly (docs/LAPOR_API.md, "Reconciliation"):
after a grace period (the server may still be storing it) the forwarder looks
the kiosk reference up. Found, it is delivered (with LAPOR!'s id, or with the id
to be looked up later). Not found by `reconcile_lookups` lookups a grace period
apart, it is posted again, at most `max_create_posts` times in all; past that,
or with no lookup configured, it is parked as `needs_review` for staff.

Waits run on the boot clock (kiosk/boot_clock.py): a wall clock that jumps
neither holds a report nor sends one early.

Only one forwarder may run per data directory (an exclusive file lock).
"""

from __future__ import annotations

import fcntl
import logging
import random
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from hardware import watchdog
from kiosk import outbox, refdata
from kiosk.adapters.base import (
    REFERENCE_KINDS,
    ApiError,
    ComplaintApi,
    MalformedAnswer,
    Misconfigured,
    NoAnswer,
    NotFound,
    Rejected,
    Unauthorized,
    Unavailable,
)
from kiosk.boot_clock import BootClock
from kiosk.config import ForwarderConfig
from kiosk.outbox import WHOLE, OutboxItem, Shard
from kiosk.receipt import format_code
from kiosk.report import Report
from kiosk.retention import wipe_personal_data
from kiosk.safe_text import printable
from kiosk.store import load_report
from kiosk.store_health import quick_check

log = logging.getLogger("kiosk.forwarder")

HOUSEKEEPING_INTERVAL_S = 600.0
PROGRESS_MARGIN_S = 30.0
"""Slack on top of a call's own deadline before a worker counts as stuck."""
HEALTH_CHECK_S = 2.0
"""How often `run_workers` looks at its workers (and feeds systemd's watchdog)."""


class ForwarderBusy(Exception):
    """Another forwarder already holds this data directory."""


def kiosk_reference(report_uuid: str) -> str:
    """The key LAPOR! carries for the kiosk (in `tags_raw` and the content)."""
    return f"kiosk-{report_uuid}"


def acquire_lock(data_dir: Path) -> IO[bytes]:
    """Hold the forwarder lock of `data_dir` while the returned file stays open."""
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = (data_dir / "forwarder.lock").open("wb")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise ForwarderBusy(f"another forwarder is running on {data_dir}") from None
    return handle


class Forwarder:
    def __init__(
        self,
        conn: sqlite3.Connection,
        api: ComplaintApi,
        settings: ForwarderConfig,
        retention_s: float,
        shard: Shard = WHOLE,
        clock: BootClock | None = None,
        wall: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.conn = conn
        self.api = api
        self.settings = settings
        self.retention_s = retention_s
        self.shard = shard
        self.clock = clock or BootClock()
        """Waits: seconds since boot."""
        self.wall = wall
        """Dates: retention of personal data, freshness of reference lists."""
        self.rng = rng or random.Random()
        self.last_failure: ApiError | None = None
        """The failure of the latest attempt; None after a success (or before any call)."""
        self._next_housekeeping = float("-inf")
        self._recorded_api_state = ""
        self._unsynced = False
        """An answer was committed without its own fsync (see `_create`)."""
        self._last_wait = 0.0
        self._outage_pause = 0.0
        """Seconds the loop waits before its next pass: LAPOR! was down (the back-off)."""
        self._progress_due = time.monotonic() + PROGRESS_MARGIN_S
        outbox.rebase_waits(conn, self.clock)

    # -- health -----------------------------------------------------------------------------

    def _expect_progress(self, within_s: float) -> None:
        """The next step (a call, a pause) ends within `within_s` seconds, or we are stuck."""
        self._progress_due = time.monotonic() + within_s + PROGRESS_MARGIN_S

    def stuck_for(self) -> float:
        """Seconds this worker is past the end of its current step; 0 while it is on time."""
        return max(0.0, time.monotonic() - self._progress_due)

    def _before_call(self, upload_bytes: int = 0, calls: int = 1) -> None:
        """Every request: answers already committed are made durable first; then it runs."""
        self._sync_answers()
        self._expect_progress(calls * self.api.deadline_s(upload_bytes))

    def _sync_answers(self) -> None:
        """Make the answers committed without their own fsync durable: any durable commit
        syncs the WAL, and this one also records how LAPOR! answered."""
        if self._unsynced:
            self._record_api_state(force=True)

    # -- one report -------------------------------------------------------------------------

    def deliver(self, item: OutboxItem) -> bool:
        """Take one step for `item`; False when the API is down and the pass should end."""
        if item.state == "sending":
            try:
                if not self._reconcile(item):
                    return True
            except (NotFound, Rejected, MalformedAnswer) as error:  # the assumed search is
                self._park(item, f"reference lookup failed ({error})")  # missing or odd
                return True
            except ApiError as error:  # the create may be at LAPOR!: it stays `sending`
                self._retry(item, error, "sending", getattr(error, "retry_after_s", None))
                return False
        report = load_report(self.conn, item.report_uuid, with_recordings=False).report
        attachment_ids: list[str] = []
        if report.attachments:  # most reports have none: no upload queries for them
            try:
                self._upload_attachments(item)
            except ApiError as error:
                return self._failed(item, error, create_sent=False)
            attachment_ids = outbox.uploaded_attachment_ids(self.conn, item.report_uuid)
        if item.create_posts >= self.settings.max_create_posts:
            self._park(
                item,
                f"posted {item.create_posts} time(s), each answered with a server error after"
                " which LAPOR! may have stored it",
            )
            return True
        outbox.mark_sending(
            self.conn, item.report_uuid, self.clock, self.settings.reconcile_grace_s
        )
        self._unsynced = False  # the durable `sending` mark synced the answers before it
        try:
            self._create(item, report, attachment_ids)
        except ApiError as error:
            return self._failed(item, error, create_sent=True)
        self.last_failure = None
        return True

    def _failed(self, item: OutboxItem, error: ApiError, create_sent: bool) -> bool:
        """Record a failed step; False when the API is down and the pass should end.

        An odd answer (`MalformedAnswer`) ends nothing: LAPOR! is up, the others go on.
        """
        match error:
            case Rejected():
                outbox.mark_rejected(self.conn, item.report_uuid, str(error))
                outbox.count_api_error(self.conn, _error_kind(error))
                log.warning("report %s rejected (HTTP %d)", format_code(item.code), error.status)
                return True
            case Unauthorized() | Misconfigured() | NotFound():
                wait = self.settings.backoff_max_s
                self._retry(item, error, "queued", wait, unsent=create_sent)
                log.error(
                    "LAPOR! refuses the kiosk's calls; check the configuration: %s",
                    printable(error),
                )
            case Unavailable():
                # A gateway's 5xx may come after the service stored the create: look it up
                # where lookups exist; without them post it again, but it counts as a post
                # (bounded by max_create_posts). 408, 429 and 503 say it was not taken.
                stored_maybe = create_sent and error.maybe_processed
                reconcile = stored_maybe and self.api.supports_reference_lookup
                state = "sending" if reconcile else "queued"
                unsent = create_sent and not stored_maybe
                self._retry(item, error, state, error.retry_after_s, unsent=unsent)
            case NoAnswer() if create_sent:
                self._retry(item, error, "sending", self.settings.reconcile_grace_s)
            case _:
                self._retry(item, error, "queued", None)
        return isinstance(error, MalformedAnswer)

    def _park(self, item: OutboxItem, why: str) -> None:
        outbox.mark_needs_review(
            self.conn,
            item.report_uuid,
            f"{why}: check LAPOR! for {kiosk_reference(item.report_uuid)}, then"
            f" `kiosk queue retry {format_code(item.code)}` if it is not there",
        )
        log.warning("report %s parked for review: %s", format_code(item.code), printable(why))

    def _reconcile(self, item: OutboxItem) -> bool:
        """Settle a create that may have arrived (its grace is over); True when it is safe to
        post it again."""
        if not self.api.supports_reference_lookup:
            self._park(item, "create sent without an answer and no reference lookup configured")
            return False
        self._before_call()
        found = self.api.find_by_reference(kiosk_reference(item.report_uuid))
        self.last_failure = None  # LAPOR! answered
        if found:
            outbox.mark_delivered(
                self.conn, item.report_uuid, found.complaint_id, found.tracking_id
            )
            log.info(
                "report %s reconciled: complaint %s",
                format_code(item.code),
                printable(found.complaint_id or "(id not known yet)"),
            )
            return False
        misses = item.lookup_misses + 1
        if misses < self.settings.reconcile_lookups:  # a search may lag behind the create
            outbox.note_lookup_miss(
                self.conn, item.report_uuid, self.clock, self.settings.reconcile_grace_s
            )
            return False
        if item.create_posts >= self.settings.max_create_posts:
            self._park(
                item,
                f"posted {item.create_posts} time(s) without an answer and not found by"
                f" {misses} lookup(s)",
            )
            return False
        outbox.mark_not_sent(self.conn, item.report_uuid)
        return True

    def _upload_attachments(self, item: OutboxItem) -> None:
        for row in outbox.pending_attachments(self.conn, item.report_uuid):
            self._before_call(len(row["data"]))
            remote_id = self.api.upload_attachment(row["filename"], row["mime"], row["data"])
            outbox.mark_attachment_uploaded(self.conn, item.report_uuid, row["position"], remote_id)

    def _create(self, item: OutboxItem, report: Report, attachment_ids: list[str]) -> None:
        self._before_call()
        locations = refdata.get(self.conn, "locations").items  # the place's LAPOR! area
        created = self.api.create_complaint(
            report, kiosk_reference(item.report_uuid), attachment_ids, locations
        )
        # Committed before anything else happens: a crash of the forwarder now loses nothing.
        # Its fsync rides on the next durable commit (the next report's `sending` mark, a
        # retry, or the end of the pass): one fsync a report, safe from a power cut too.
        outbox.mark_delivered(
            self.conn, item.report_uuid, created.complaint_id, created.tracking_id, durable=False
        )
        self._unsynced = True
        log.info(
            "report %s delivered: complaint %s",
            format_code(item.code),
            printable(created.complaint_id),
        )

    def _backoff(self, attempts: int) -> float:
        settings = self.settings
        delay = min(
            settings.backoff_max_s, settings.backoff_initial_s * settings.backoff_factor**attempts
        )
        return delay * (1.0 - settings.jitter * self.rng.random())

    def _retry(
        self,
        item: OutboxItem,
        error: ApiError,
        state: str,
        delay: float | None,
        unsent: bool = False,
    ) -> None:
        """Wait `delay` (the back-off when None; never under backoff_initial_s, whatever a
        Retry-After says) in `state`; `unsent`: LAPOR! said it did not take the create."""
        self.last_failure = error
        outbox.count_api_error(self.conn, _error_kind(error))
        wait = self._backoff(item.attempts) if delay is None else delay
        wait = max(wait, self.settings.backoff_initial_s)
        self._last_wait = wait
        outbox.schedule_retry(
            self.conn, item.report_uuid, self.clock, wait, str(error), state=state, unsent=unsent
        )
        log.info(
            "report %s: %s; next try in %.1f s", format_code(item.code), printable(error), wait
        )

    def _unexpected(self, item: OutboxItem, error: Exception) -> None:
        """A failure no adapter type covers (a bug): the report waits, the worker goes on.

        If the create may have gone out the report stays `sending` and is reconciled.
        """
        log.error(
            "report %s: unexpected %s: %s",
            format_code(item.code),
            type(error).__name__,
            printable(error),
        )
        state = outbox.get(self.conn, item.report_uuid).state
        if state in outbox.WAITING_STATES:
            wait = self._backoff(item.attempts)
            wait = max(wait, self.settings.reconcile_grace_s) if state == "sending" else wait
            outbox.schedule_retry(
                self.conn,
                item.report_uuid,
                self.clock,
                wait,
                f"unexpected {type(error).__name__}",
                state=state,
            )

    def close(self) -> None:
        self.api.close()
        self.conn.close()

    # -- passes and the loop ----------------------------------------------------------------

    def run_once(self) -> int:
        """One pass over the reports that are due; returns how many were handled."""
        handled = 0
        for item in outbox.due(self.conn, self.clock, shard=self.shard):
            self._expect_progress(0.0)
            handled += 1
            try:
                if not self.deliver(item):  # LAPOR! is down: the others wait as long
                    self._outage_pause = self._last_wait
                    break
            except sqlite3.Error:  # the store itself failed: nothing can be recorded
                raise
            except Exception as error:  # never let one odd answer end the forwarder
                self._unexpected(item, error)
        if handled:
            self._record_api_state(force=self._unsynced)
        return handled

    def _record_api_state(self, force: bool) -> None:
        """Record how LAPOR! last answered when it changed (or `force`: the durable commit
        also syncs answers committed without their own fsync)."""
        state = _api_state(self.last_failure)
        if force or state != self._recorded_api_state:
            outbox.record_api_state(self.conn, state)
            self._recorded_api_state = state
        self._unsynced = False

    def housekeeping(self) -> None:
        """Check the store, sync reference lists, learn ids not known yet and wipe expired
        personal data, at most every ten minutes.

        Only the first shard's worker does it; the others have nothing to do here.
        """
        now = time.monotonic()
        if self.shard.index != 0 or now < self._next_housekeeping:
            return
        self._next_housekeeping = now + HOUSEKEEPING_INTERVAL_S
        # A page torn since the store was opened: stop here, with the sentence, and write
        # nothing more into it (a restart then refuses to open it until it is recovered).
        quick_check(self.conn, Path(self.conn.execute("PRAGMA database_list").fetchone()[2]))
        wiped = wipe_personal_data(self.conn, self.retention_s, self.wall())
        if wiped:
            log.info("wiped personal data of %d delivered report(s)", wiped)
        if refdata.is_stale(self.conn, self.settings.refdata_refresh_s, self.wall()):
            self._before_call(calls=len(REFERENCE_KINDS))
            try:
                refdata.sync(self.conn, self.api)
            except sqlite3.Error:
                raise
            except Exception as error:  # an odd list never stops delivery
                log.warning("reference lists not synced: %s", printable(error))
        if self.api.supports_reference_lookup:
            self._learn_complaint_ids()

    def _learn_complaint_ids(self) -> None:
        """Ask again for the LAPOR! ids of reports a lookup found without one."""
        for item in outbox.without_complaint_id(self.conn):
            self._before_call()
            try:
                found = self.api.find_by_reference(kiosk_reference(item.report_uuid))
            except ApiError as error:
                log.info("complaint ids not looked up: %s", printable(error))
                return
            if found and found.complaint_id:
                outbox.set_complaint_id(
                    self.conn, item.report_uuid, found.complaint_id, found.tracking_id
                )
            else:  # the next round asks for the others first
                outbox.note_id_unknown(self.conn, item.report_uuid)

    def run(self, until_empty: bool = False, stop: threading.Event | None = None) -> None:
        """Deliver until stopped (or, with `until_empty`, until nothing is waiting)."""
        stop = stop or threading.Event()
        while not stop.is_set():
            self.housekeeping()
            self.run_once()
            next_due = outbox.next_due_in(self.conn, self.clock, self.shard)
            if until_empty and next_due is None:
                return
            pause = self.settings.poll_interval_s if next_due is None else next_due
            pause = max(min(pause, self.settings.poll_interval_s), self._outage_pause)
            self._outage_pause = 0.0
            self._expect_progress(pause)
            stop.wait(pause)


def _error_kind(error: ApiError) -> str:
    """`NoAnswer` -> `no_answer`: the kind of a failed call, as health counts it."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__).lower()


def _api_state(failure: ApiError | None) -> str:
    """How LAPOR! answered, for fleet health; an answer of an odd shape most often means the
    wrong endpoint or API version, so it reads as a configuration problem."""
    if isinstance(failure, Unauthorized):
        return "unauthorized"
    if isinstance(failure, Misconfigured | NotFound | MalformedAnswer):
        return "misconfigured"
    if isinstance(failure, Unavailable | NoAnswer):
        return "unreachable"
    return "ok"


def run_workers(
    workers: int,
    make_forwarder: Callable[[Shard], Forwarder],
    action: Callable[[Forwarder], object],
    stop: threading.Event | None = None,
) -> list[Forwarder]:
    """Run `action` (a pass, or the loop) on `workers` forwarders with disjoint shards.

    Each has its own connection and HTTP session: while one waits for LAPOR!'s answer
    another commits its next step, so the durable commits cost little throughput.
    Systemd's watchdog is fed from here, and only while every worker is on time: a
    worker stuck past its call's deadline gets the service restarted. Returns the
    forwarders, closed, once all have finished. A worker that fails sets `stop` (ending
    the others' loops) and its failure is raised here, so that the service exits and is
    restarted instead of leaving a shard undelivered.
    """
    if workers < 1:
        raise ValueError("at least one forwarder worker is needed to deliver anything")
    forwarders = [make_forwarder(Shard(index, workers)) for index in range(workers)]
    failures: list[BaseException] = []

    def guarded(forwarder: Forwarder) -> None:
        try:
            action(forwarder)
        except BaseException as error:
            failures.append(error)
            if stop is not None:
                stop.set()

    threads = [
        threading.Thread(target=guarded, args=(forwarder,), name=f"forwarder-{number}")
        for number, forwarder in enumerate(forwarders)
    ]
    for thread in threads:
        thread.start()
    watchdog.notify("READY=1")
    _watch_workers(forwarders, threads)
    for forwarder in forwarders:
        forwarder.close()
    if failures:
        raise failures[0]
    return forwarders


def _watch_workers(forwarders: list[Forwarder], threads: list[threading.Thread]) -> None:
    """Until every thread ends: feed the watchdog while all are on time, name the stuck."""
    reported: set[int] = set()
    while running := [thread for thread in threads if thread.is_alive()]:
        late = {
            number: forwarder.stuck_for()
            for number, (forwarder, thread) in enumerate(zip(forwarders, threads, strict=True))
            if thread.is_alive()
        }
        stuck = {number: seconds for number, seconds in late.items() if seconds > 0}
        if not stuck:
            watchdog.notify("WATCHDOG=1")
        for number in stuck.keys() - reported:
            log.error(
                "forwarder worker %d is stuck (%.0f s past its deadline)", number, stuck[number]
            )
        reported = set(stuck)
        running[0].join(HEALTH_CHECK_S)
