"""Receipts on python-escpos's dummy printer (its bytes are what a thermal printer gets)."""

import pytest

from hardware.printer import PrinterProblem, ReceiptInfo, open_printer, print_receipt
from kiosk.config import DataConfig, KioskConfig, PrinterConfig
from kiosk.engine.dialog import Dialog
from kiosk.engine.events import Choose, Next, Type
from kiosk.receipt import normalize_code
from kiosk.store import find_by_code
from kiosk.terminal import TerminalServices


def test_a_receipt_has_the_code_big_a_qr_code_and_how_to_follow_up():
    printer = open_printer("dummy")
    print_receipt(printer, ReceiptInfo("0001-234-567-8", "30-11-2026 10:15", "Pengaduan",
                                       "MPP Jakarta Selatan", "id"))  # fmt: skip
    output = printer.output
    assert b"0001-234-567-8" in output
    assert b"\x1b!0" in output  # double height and width for the code
    assert b"\x1dv0" in output  # the QR code, as a raster image
    assert b"Cek status laporan" in output and b"Pengaduan" in output
    assert output.rstrip().endswith(b"\x1dVA\x00") or b"\x1dV" in output  # cut


def test_unknown_or_absent_printers():
    assert open_printer("") is None
    with pytest.raises(PrinterProblem) as problem:
        open_printer("bluetooth:01")
    assert problem.value.key == "printer.missing"


def file_a_report(dialog: Dialog) -> str:
    for event in (Choose("id"), Choose("file"), Choose("aspirasi"), Choose("2"),
                  Choose("32.73.02"), Choose("32.73.02.1004"), Type(""), Next(), Choose("skip"),
                  Type("Tambah guru sekolah"), Next(),
                  Type("Sekolah dasar di desa kami kekurangan guru kelas rendah."), Next(),
                  Choose("today"), Choose("anonymous"), Choose("public")):  # fmt: skip
        dialog.handle(event)
    return dialog.handle(Next())


@pytest.mark.parametrize(
    ("device", "notice"),
    [
        ("dummy", "Tanda terima sudah dicetak. Ambil di bawah layar."),
        ("file:/nonexistent/printer/lp0", "Printer tidak tersedia, jadi tanda terima tidak"),
        ("", ""),
    ],
)
def test_the_receipt_screen_says_what_the_printer_did_and_the_report_is_safe(
    tmp_path, device, notice
):
    config = KioskConfig(data=DataConfig(dir=tmp_path), printer=PrinterConfig(device=device))
    services = TerminalServices(config)
    view = file_a_report(Dialog(services))
    assert view.screen == "receipt" and view.notice.startswith(notice)
    assert find_by_code(services.conn, normalize_code(view.code)) is not None
    # Shown, said and printed: the date a citizen can hold LAPOR! to.
    [due] = view.lines
    assert due.startswith("LAPOR! akan memverifikasi laporan Anda paling lambat ")
    if device == "dummy":
        assert view.code.encode() in services.last_printer.output
        assert b"paling lambat" in services.last_printer.output
    services.close()
