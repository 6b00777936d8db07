"""Receipts on an ESC/POS thermal printer (python-escpos): the code big, a QR code, the date,
the kind of report and how to follow it up, in the citizen's language.

`[printer] device`: "" (no printer), "dummy" (bytes kept in memory, for tests),
"file:/dev/usb/lp0" (a USB printer's device file), "usb:VENDOR:PRODUCT" (hex ids).
A report is stored before anything is printed, so a printer problem loses nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk.i18n import text
from kiosk.receipt import qr_text

log = logging.getLogger("hardware.printer")


class PrinterProblem(Exception):
    """Nothing (or not everything) was printed; `key` is the catalog message for the citizen."""

    def __init__(self, key: str, detail: str) -> None:
        super().__init__(detail)
        self.key = key


@dataclass(frozen=True)
class ReceiptInfo:
    code: str
    """Formatted receipt code, e.g. 0001-234-567-8."""
    created: str
    """When the report was stored, as printed (DD-MM-YYYY HH:MM)."""
    kind: str
    """The kind of report, in the citizen's language."""
    mall: str
    language: str
    due: str = ""
    """When LAPOR! verifies it by, as a sentence."""


def open_printer(device: str):
    """The printer named by `[printer] device`, or None when none is configured."""
    if not device:
        return None
    try:
        from escpos import printer as escpos_printer

        if device == "dummy":
            return escpos_printer.Dummy()
        if device.startswith("file:"):
            printer = escpos_printer.File(device.removeprefix("file:"))
        elif device.startswith("usb:"):
            _kind, vendor, product = device.split(":")
            printer = escpos_printer.Usb(int(vendor, 16), int(product, 16))
        else:
            printer = None
        if printer is not None:
            printer.open()  # the library opens lazily: find out now that it is absent
            return printer
    except Exception as error:  # the library raises its own errors for absent devices
        raise PrinterProblem("printer.missing", f"printer {device!r}: {error}") from None
    raise PrinterProblem("printer.missing", f"[printer] device {device!r} is not understood")


def print_receipt(printer, receipt: ReceiptInfo) -> None:
    """Print one receipt; raise PrinterProblem when the printer cannot."""
    language = receipt.language
    try:
        if hasattr(printer, "paper_status") and printer.paper_status() == 0:
            raise PrinterProblem("printer.no_paper", "out of paper")
    except PrinterProblem:
        raise
    except Exception:  # many printers cannot report paper: go on and try
        pass
    try:
        printer.set(align="center", bold=True)
        printer.text("LAPOR! " + receipt.mall + "\n\n")
        printer.set(align="center", normal_textsize=True)
        printer.text(text("printer.code_label", language) + "\n")
        printer.set(align="center", double_height=True, double_width=True, bold=True)
        printer.text(receipt.code + "\n")
        printer.set(align="center", normal_textsize=True)
        printer.qr(qr_text(receipt.code, receipt.mall, language), size=6)
        printer.text(f"{receipt.kind}\n{receipt.created}\n\n")
        printer.set(align="left", normal_textsize=True)
        if receipt.due:
            printer.text(receipt.due + "\n")
        printer.text(text("printer.follow_up", language) + "\n")
        printer.cut()
    except Exception as error:
        log.warning("receipt not printed: %s", error)
        raise PrinterProblem("printer.failed", str(error)) from None


TEST_CODE = "0000-000-000-0"
"""The code on a test receipt: terminal 0 never exists, so no one can mistake it for theirs."""


def print_test_receipt(device: str, mall: str, language: str = "id") -> str:
    """Print a receipt that says it is a test; returns what went wrong, "" when it printed."""
    from datetime import datetime

    receipt = ReceiptInfo(
        TEST_CODE, datetime.now().strftime("%d-%m-%Y %H:%M"), text("printer.test", language),
        mall, language,
    )  # fmt: skip
    try:
        printer = open_printer(device)
        print_receipt(printer, receipt)
        printer.close()
    except PrinterProblem as problem:
        return str(problem)
    return ""
