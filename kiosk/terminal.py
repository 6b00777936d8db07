"""The terminal's services for the dialog: the store, follow-up, reference lists, the city
and its offices, the clock."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import replace
from datetime import date, datetime
from functools import cached_property

from kiosk import city_offices, outbox, refdata
from kiosk.city_offices import CityFileError, CityOffices, Office
from kiosk.config import KioskConfig
from kiosk.deadlines import deadline_sentence, lapor_moment
from kiosk.engine.ports import AgencyAnswer, FollowUpResult, SavingFailed
from kiosk.i18n import text
from kiosk.regions import Area, City, RegionError, load_city
from kiosk.report import Report
from kiosk.store import save_report
from kiosk.store_health import StoreError
from kiosk.tracking import TrackResult, answer_time, track
from kiosk.wiring import has_credentials, open_api, open_store

log = logging.getLogger(__name__)

FOLLOW_UP_TIMEOUT_S = 4.0
"""A citizen waits at the screen: a follow-up gives up on LAPOR! sooner than the forwarder."""


class TerminalServices:
    def __init__(self, config: KioskConfig) -> None:
        self.config = config
        self.conn = open_store(config)
        self.api = None
        if has_credentials(config):
            timeout = min(config.lapor.timeout_s, FOLLOW_UP_TIMEOUT_S)
            self.api = open_api(replace(config, lapor=replace(config.lapor, timeout_s=timeout)))
        self.last_printer = None
        """The printer of the latest receipt (tests read a dummy printer's bytes from it)."""
        self._synced: tuple[float | None, CityOffices] | None = None
        """When LAPOR!'s list of institutions was synced, and the offices under its ids."""

    def close(self) -> None:
        if self.api:
            self.api.close()
        self.conn.close()

    def save_report(self, report: Report) -> str:
        try:
            return save_report(self.conn, report, self.config.terminal.number).code
        except (sqlite3.Error, StoreError) as error:
            raise SavingFailed(f"the report cannot be stored: {error}") from error

    def track(self, code: str, language: str) -> FollowUpResult:
        return follow_up_result(track(self.conn, self.api, code, language), language)

    def print_receipt(self, code: str, kind: str, language: str) -> str:
        from hardware.printer import PrinterProblem, ReceiptInfo, open_printer, print_receipt

        try:
            printer = open_printer(self.config.printer.device)
            if printer is None:
                return ""
            self.last_printer = printer
            created = datetime.now().strftime("%d-%m-%Y %H:%M")
            receipt = ReceiptInfo(
                code,
                created,
                kind,
                self.config.terminal.mall,
                language,
                self.verification_due(language),
            )
            print_receipt(printer, receipt)
        except PrinterProblem as problem:
            return problem.key
        return "printer.printed"

    def reference(self, kind: str) -> list[dict]:
        return refdata.get(self.conn, kind).items

    def today(self) -> date:
        return date.today()

    def verification_due(self, language: str) -> str:
        today = self.today()
        return deadline_sentence(today, None, today, language)

    def warm(self) -> None:
        """Read the city and its offices now, as the kiosk starts, not while the first citizen
        waits at the kecamatan question (the first read extracts the city, in a child)."""
        self.city()
        self._offices()

    @cached_property
    def _city(self) -> City | None:
        try:
            return load_city(self.config.terminal.region, self.config.data.dir)
        except RegionError as problem:
            log.error("no kecamatan or kelurahan to offer: %s", problem)
            return None

    @cached_property
    def _city_file(self) -> CityOffices | None:
        """The city's offices as its file names them (read once)."""
        try:
            return city_offices.load(self.config.terminal.region, self.config.data.dir)
        except (CityFileError, OSError) as problem:  # damaged, or unreadable on disk
            log.error("no city offices to offer: %s", problem)
            return None

    def _offices(self) -> CityOffices | None:
        """The city's offices under the ids of LAPOR!'s latest list of institutions: the
        forwarder syncs it while the kiosk runs, so a new sync is taken up at once."""
        if self._city_file is None:
            return None
        try:
            synced_at = refdata.fetched_at(self.conn, "institutions")
            if self._synced is None or self._synced[0] != synced_at:
                offices = self._city_file.with_synced_ids(self.reference("institutions"))
                self._synced = (synced_at, offices)
        except sqlite3.Error as problem:  # the store unreachable: the offices as last read
            log.error("LAPOR!'s ids for the city's offices cannot be read: %s", problem)
            return self._synced[1] if self._synced else self._city_file
        return self._synced[1]

    def city(self) -> City | None:
        return self._city

    def offices(self, place_code: str) -> tuple[Office, ...]:
        found = self._offices_at(place_code)
        return found[0].offices(*found[1]) if found else ()

    def suggested_office(self, category_id: int | None, place_code: str) -> Office | None:
        found = self._offices_at(place_code)
        return found[0].suggest(category_id, *found[1]) if found else None

    def _offices_at(self, place_code: str) -> tuple[CityOffices, tuple[Area, Area | None]] | None:
        """The city's offices and the kecamatan and kelurahan of `place_code`, when both known."""
        place = self._city.place(place_code) if self._city else None
        offices = self._offices() if place else None
        if offices is None:
            return None
        return offices, place

    def status_line(self, language: str) -> str:
        """`3 laporan menunggu jaringan · LAPOR! tidak terhubung` for the bottom of the screen."""
        counts = outbox.counts(self.conn)
        waiting = counts["queued"] + counts["sending"]
        queue = (
            text("queue.waiting", language, count=waiting)
            if waiting
            else text("queue.all_sent", language)
        )
        state = outbox.api_state(self.conn)
        return queue if state == "unknown" else f"{queue} · {text(f'api.{state}', language)}"


def follow_up_result(result: TrackResult, language: str) -> FollowUpResult:
    """What the dialog shows of a follow-up: the sentence, the code, the agencies' answers
    (the newest first, each with its time in words)."""
    followups = result.status.followups if result.status else []
    newest_first = sorted(
        followups, key=lambda answer: lapor_moment(answer.date) or datetime.min, reverse=True
    )
    return FollowUpResult(
        result.sentence,
        result.problem,
        result.item.code if result.item else "",
        tuple(
            AgencyAnswer(answer_time(item.date, language), item.institution, item.content)
            for item in newest_first
        ),
    )
