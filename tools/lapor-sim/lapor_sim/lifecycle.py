"""How a simulated report moves through LAPOR! statuses, and what the agency says at each step.

Belum Terverifikasi (1) -> Dalam Proses (2) -> Selesai (3); a report not yet finished may
instead be set to Ditolak. Finished reports never move again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class Status(NamedTuple):
    code: int
    name: str


class Agency(NamedTuple):
    id: int
    name: str


UNVERIFIED = Status(1, "Belum Terverifikasi")
IN_PROGRESS = Status(2, "Dalam Proses")
DONE = Status(3, "Selesai")
REJECTED = Status(4, "Ditolak")  # ASSUMED: status code of Ditolak (only its name is public).
STATUSES = {status.code: status for status in (UNVERIFIED, IN_PROGRESS, DONE, REJECTED)}
FINAL_CODES = frozenset({DONE.code, REJECTED.code})

# ASSUMED: name under which the kiosk channel's own institution appears in data_logs.
CHANNEL_INSTITUTION = "Pemerintah Kota (Kanal Kiosk MPP)"
# ASSUMED: id of the agency that receives reports without a target (it is not in the masters).
FALLBACK_AGENCY = Agency(100, "Dinas Komunikasi dan Informatika")

DEFAULT_REJECT_REASON = (
    "Laporan Anda belum dapat ditindaklanjuti karena keterangannya kurang lengkap. "
    "Silakan kirim laporan baru dengan lokasi dan waktu kejadian yang jelas."
)


@dataclass(frozen=True)
class Move:
    """One status change: the new status, who holds the report after it, and the follow-up."""

    status: Status
    agency: Agency | None
    log_from: str
    followup: str

    @property
    def holder(self) -> str:
        """Who the report sits with after the move; also the author of the follow-up."""
        return self.agency.name if self.agency else self.log_from


def advance(current: Status, disposition: Agency | None, target: Agency | None) -> Move | None:
    """The next step of the normal flow, or None when the report is finished."""
    if current == UNVERIFIED:
        agency = target or FALLBACK_AGENCY
        text = f"Laporan Anda sedang ditindaklanjuti oleh {agency.name}."
        return Move(IN_PROGRESS, agency, CHANNEL_INSTITUTION, text)
    if current == IN_PROGRESS:
        agency = disposition or FALLBACK_AGENCY
        text = (
            f"Petugas {agency.name} telah menindaklanjuti laporan Anda dan masalahnya sudah "
            "ditangani. Terima kasih telah melapor."
        )
        return Move(DONE, agency, agency.name, text)
    return None


def reject(current: Status, disposition: Agency | None, reason: str | None) -> Move | None:
    """Set Ditolak with a reason, or None when the report is already finished."""
    if current.code in FINAL_CODES:
        return None
    holder = disposition.name if disposition else CHANNEL_INSTITUTION
    return Move(REJECTED, disposition, holder, reason or DEFAULT_REJECT_REASON)
