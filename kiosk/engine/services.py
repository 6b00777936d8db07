"""What the dialog needs from the terminal: store a report, follow one up, the reference lists."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from kiosk.report import Report
from kiosk.tracking import TrackResult


class DialogServices(Protocol):
    def save_report(self, report: Report) -> str:
        """Store the report durably; return its receipt code. Raise `StoreError` on failure."""
        ...

    def track(self, code: str, language: str) -> TrackResult:
        """Where the report with this receipt code stands (online or from the cache)."""
        ...

    def reference(self, kind: str) -> list[dict]:
        """`categories` or `institutions`: `[{"id", "name", "name_en"?}]`."""
        ...

    def print_receipt(self, code: str, kind: str, language: str) -> str:
        """Print the receipt of a stored report; the catalog key of what happened, or ""."""
        ...

    def today(self) -> date:
        """The terminal's date (incident dates may not be later)."""
        ...
