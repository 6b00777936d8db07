"""The forwarder: delivers every stored report to the central API exactly once.

Each step is saved before the next begins, so a crash at any moment resumes
where it stopped:

1. upload each attachment, saving its remote id;
2. mark the outbox row `sending` (durably), then post the create;
3. save the `complaint_id` (state `delivered`).

The central API has no idempotency key. A create that was sent but got no
answer is never posted again blindly: after a grace period (the server may
still be storing it) the forwarder looks the kiosk reference up; found, it
is delivered; not found, it is posted again; no lookup configured, it is
parked as `needs_review` for staff.

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
    ApiError,
    ComplaintApi,
    Misconfigured,
    NoAnswer,
    NotFound,
    Rejected,
    Unauthorized,
    Unavailable,
)
from kiosk.config import ForwarderConfig
from kiosk.outbox import WHOLE, OutboxItem, Shard
from kiosk.receipt import format_code
from kiosk.store import load_report, wipe_personal_data

log = logging.getLogger("kiosk.forwarder")

HOUSEKEEPING_INTERVAL_S = 600.0


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
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.conn = conn
        self.api = api
        self.settings = settings
        self.retention_s = retention_s
        self.shard = shard
        self.clock = clock
        self.rng = rng or random.Random()
        self.last_failure: ApiError | None = None
        """The failure of the latest attempt; None after a success (or before any call)."""
        self._next_housekeeping = 0.0
        self._recorded_api_state = ""
        self._unwritten: list[outbox.Delivery] = []
        """Answered creates whose write rides on the next report's `sending` commit (one
        fsync for two) or ends the pass. Until written such a report is `sending`: after a
        crash it is reconciled by its reference, never posted twice."""

    # -- one report -------------------------------------------------------------------------

    def deliver(self, item: OutboxItem) -> bool:
        """Take one step for `item`; False when the API is down and the pass should end."""
        if item.state == "sending":
            try:
                if not self._reconcile(item):
                    return True
            except (NotFound, Rejected) as error:  # the assumed search is missing or refuses
                self._park(item, f"reference lookup failed ({error})")
                return True
            except ApiError as error:  # the create may be at LAPOR!: it stays `sending`
                self._retry(item, error, "sending", getattr(error, "retry_after_s", None))
                return False
        try:
            self._upload_attachments(item)
        except ApiError as error:
            return self._failed(item, error, create_sent=False)
        outbox.mark_sending(self.conn, item.report_uuid, self._unwritten)
        self._unwritten = []
        try:
            self._create(item)
        except ApiError as error:
            return self._failed(item, error, create_sent=True)
        self.last_failure = None
        return True

    def _failed(self, item: OutboxItem, error: ApiError, create_sent: bool) -> bool:
        """Record a failed step; False when the API is down and the pass should end."""
        match error:
            case Rejected():
                outbox.mark_rejected(self.conn, item.report_uuid, str(error))
                outbox.count_api_error(self.conn, _error_kind(error))
                log.warning("report %s rejected (HTTP %d)", format_code(item.code), error.status)
                return True
            case Unauthorized() | Misconfigured() | NotFound():
                self._retry(item, error, "queued", self.settings.backoff_max_s)
                log.error("LAPOR! refuses the kiosk's calls; check the configuration: %s", error)
            case Unavailable():
                stored_maybe = create_sent and error.maybe_processed
                reconcile = stored_maybe and self.api.supports_reference_lookup
                self._retry(item, error, "sending" if reconcile else "queued", error.retry_after_s)
            case NoAnswer() if create_sent:
                self._retry(item, error, "sending", self.settings.reconcile_grace_s)
            case _:
                self._retry(item, error, "queued", None)
        return False

    def _park(self, item: OutboxItem, why: str) -> None:
        outbox.mark_needs_review(
            self.conn,
            item.report_uuid,
            f"{why}: check LAPOR! for {kiosk_reference(item.report_uuid)}, then"
            f" `kiosk queue retry {item.code}` if it is not there",
        )
        log.warning("report %s parked for review", format_code(item.code))

    def _reconcile(self, item: OutboxItem) -> bool:
        """Settle a create that may have arrived; True when it is safe to post it again."""
        sent_at = item.create_sent_at or 0.0
        if self.clock() < sent_at + self.settings.reconcile_grace_s:
            self._wait(item, sent_at + self.settings.reconcile_grace_s)
            return False
        if not self.api.supports_reference_lookup:
            self._park(item, "create sent without an answer and no reference lookup configured")
            return False
        found = self.api.find_by_reference(kiosk_reference(item.report_uuid))
        if found:
            outbox.mark_delivered(
                self.conn, item.report_uuid, found.complaint_id, found.tracking_id
            )
            log.info(
                "report %s reconciled: complaint %s", format_code(item.code), found.complaint_id
            )
            return False
        outbox.mark_not_sent(self.conn, item.report_uuid)
        return True

    def _upload_attachments(self, item: OutboxItem) -> None:
        rows = outbox.pending_attachments(self.conn, item.report_uuid)
        if rows:  # uploads take a while: write what was answered before, not after them
            self._write_deliveries()
        for row in rows:
            remote_id = self.api.upload_attachment(row["filename"], row["mime"], row["data"])
            outbox.mark_attachment_uploaded(self.conn, item.report_uuid, row["position"], remote_id)

    def _create(self, item: OutboxItem) -> None:
        report = load_report(self.conn, item.report_uuid, with_recordings=False).report
        attachment_ids = outbox.uploaded_attachment_ids(self.conn, item.report_uuid)
        created = self.api.create_complaint(
            report, kiosk_reference(item.report_uuid), attachment_ids
        )
        self._unwritten.append(
            outbox.Delivery(
                item.report_uuid, created.complaint_id, created.tracking_id, time.time()
            )
        )
        log.info("report %s delivered: complaint %s", format_code(item.code), created.complaint_id)

    def _write_deliveries(self) -> None:
        outbox.record_deliveries(self.conn, self._unwritten)
        self._unwritten = []

    def _backoff(self, attempts: int) -> float:
        settings = self.settings
        delay = min(
            settings.backoff_max_s, settings.backoff_initial_s * settings.backoff_factor**attempts
        )
        return delay * (1.0 - settings.jitter * self.rng.random())

    def _retry(self, item: OutboxItem, error: ApiError, state: str, delay: float | None) -> None:
        self.last_failure = error
        outbox.count_api_error(self.conn, _error_kind(error))
        wait = self._backoff(item.attempts) if delay is None else delay
        outbox.schedule_retry(
            self.conn, item.report_uuid, self.clock() + wait, str(error), state=state
        )
        log.info("report %s: %s; next try in %.1f s", format_code(item.code), error, wait)

    def _wait(self, item: OutboxItem, until: float) -> None:
        outbox.schedule_retry(
            self.conn, item.report_uuid, until, item.last_error or "", state=item.state, count=False
        )

    def close(self) -> None:
        self.api.close()
        self.conn.close()

    # -- passes and the loop ----------------------------------------------------------------

    def run_once(self) -> int:
        """One pass over the reports that are due; returns how many were handled."""
        handled = 0
        try:
            for item in outbox.due(self.conn, self.clock(), shard=self.shard):
                watchdog.notify("WATCHDOG=1")  # alive for each report: a pass can be long
                handled += 1
                if not self.deliver(item):
                    break
        finally:  # what LAPOR! has answered is written before the pass ends, whatever happens
            self._write_deliveries()
        if handled and (state := _api_state(self.last_failure)) != self._recorded_api_state:
            outbox.record_api_state(self.conn, state)
            self._recorded_api_state = state
        return handled

    def housekeeping(self) -> None:
        """Sync reference lists and wipe expired personal data, at most every ten minutes.

        Only the first shard's worker does it; the others have nothing to do here.
        """
        now = self.clock()
        if self.shard.index != 0 or now < self._next_housekeeping:
            return
        self._next_housekeeping = now + HOUSEKEEPING_INTERVAL_S
        wiped = wipe_personal_data(self.conn, self.retention_s, now)
        if wiped:
            log.info("wiped personal data of %d delivered report(s)", wiped)
        if refdata.is_stale(self.conn, self.settings.refdata_refresh_s, now):
            try:
                refdata.sync(self.conn, self.api)
            except ApiError as error:
                log.info("reference lists not synced: %s", error)

    def run(self, until_empty: bool = False, stop: threading.Event | None = None) -> None:
        """Deliver until stopped (or, with `until_empty`, until nothing is waiting)."""
        stop = stop or threading.Event()
        watchdog.notify("READY=1")
        while not stop.is_set():
            watchdog.notify("WATCHDOG=1")  # each pass: a hung forwarder gets restarted
            self.housekeeping()
            self.run_once()
            next_due = outbox.next_due_time(self.conn, self.shard)
            if until_empty and next_due is None:
                return
            pause = self.settings.poll_interval_s
            if next_due is not None:
                pause = min(pause, max(0.0, next_due - self.clock()))
            stop.wait(pause)


def _error_kind(error: ApiError) -> str:
    """`NoAnswer` -> `no_answer`: the kind of a failed call, as health counts it."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__).lower()


def _api_state(failure: ApiError | None) -> str:
    if isinstance(failure, Unauthorized):
        return "unauthorized"
    if isinstance(failure, Misconfigured | NotFound):
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
    Returns the forwarders, closed, once all have finished. A worker that fails sets
    `stop` (ending the others' loops) and its failure is raised here, so that the service
    exits and is restarted instead of leaving a shard undelivered.
    """
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
    for thread in threads:
        thread.join()
    for forwarder in forwarders:
        forwarder.close()
    if failures:
        raise failures[0]
    return forwarders
