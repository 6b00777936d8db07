"""The printed receipt's QR code, read back by a barcode reader (`zbarimg`, a system package)
from the bytes the thermal printer gets: the same text as the QR code on the screen."""

import subprocess

from PIL import Image

from hardware.printer import ReceiptInfo, open_printer, print_receipt
from kiosk.receipt import qr_text

RASTER = b"\x1dv0"
"""ESC/POS "print raster bit image": m, then the width in bytes and the height in dots (both
little-endian 16 bits), then the rows, a bit a dot, the first dot in the highest bit."""


def test_the_printed_qr_code_holds_the_code_in_a_sentence(tmp_path):
    printer = open_printer("dummy")
    receipt = ReceiptInfo("0001-234-567-8", "30-11-2026 10:15", "Pengaduan", "MPP Bandung", "en")
    print_receipt(printer, receipt)
    image = _raster(printer.output)
    path = tmp_path / "qr.png"
    image.save(path)
    read = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert read.stdout.splitlines() == [qr_text("0001-234-567-8", "MPP Bandung", "en")]
    assert read.stdout.strip() == "LAPOR! report code 0001-234-567-8 (receipt from MPP Bandung)"


def _raster(output: bytes) -> Image.Image:
    """The first raster image in printer bytes, four times its size on a white margin."""
    start = output.index(RASTER) + len(RASTER) + 1
    width_bytes = int.from_bytes(output[start : start + 2], "little")
    height = int.from_bytes(output[start + 2 : start + 4], "little")
    data = output[start + 4 : start + 4 + width_bytes * height]
    image = Image.new("L", (width_bytes * 8 + 16, height + 16), 255)
    for row in range(height):
        for column in range(width_bytes * 8):
            byte = data[row * width_bytes + column // 8]
            if byte & (0x80 >> (column % 8)):
                image.putpixel((column + 8, row + 8), 0)
    return image.resize((image.width * 4, image.height * 4), Image.NEAREST)
