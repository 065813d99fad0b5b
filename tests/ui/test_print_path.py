"""「印刷」 through a HighResolution QPrinter to PDF: page sizes, ranges and copies survive."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from app.ui.print_job import print_pdf


def pdf_printer(path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def sizes(data_or_path) -> list[tuple[float, float]]:
    reader = PdfReader(data_or_path)
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


def small_gray(pdf, index: int):
    document = pdfium.PdfDocument(pdf)
    page = document[index]
    image = page.render(scale=60 / page.get_width()).to_pil().convert("L").resize((60, 42))
    document.close()
    return list(image.getdata())


def document(window, kind: str) -> bytes:
    page = window.show_page("print")
    page.kind.setCurrentIndex(page.kind.findData(kind))
    page.update_preview()
    assert page.pdf is not None
    return page


@pytest.mark.parametrize("kind", ["booklet", "needs", "handbook"])
def test_every_page_keeps_its_size_and_orientation(window, tmp_path, kind):
    import io

    page = document(window, kind)
    out = tmp_path / "printed.pdf"
    sent = page.print_to(pdf_printer(out))
    source = sizes(io.BytesIO(page.pdf))
    printed = sizes(out)
    assert sent == len(source) == len(printed)
    for (sw, sh), (pw, ph) in zip(source, printed, strict=True):
        assert abs(sw - pw) <= 2 and abs(sh - ph) <= 2


def test_page_range_prints_only_that_page(window, tmp_path):
    page = document(window, "handbook")
    out = tmp_path / "range.pdf"
    printer = pdf_printer(out)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 2)
    assert page.print_to(printer) == 1
    assert len(PdfReader(out).pages) == 1
    printed = small_gray(str(out), 0)
    second, first = small_gray(page.pdf, 1), small_gray(page.pdf, 0)

    def diff(a, b):
        return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)

    assert diff(printed, second) < diff(printed, first)


def test_copies_without_driver_support_repeat_the_pages(window, tmp_path):
    page = document(window, "needs")
    out = tmp_path / "copies.pdf"
    printer = pdf_printer(out)
    printer.setCopyCount(2)
    assert not printer.supportsMultipleCopies()
    count = len(PdfReader(__import__("io").BytesIO(page.pdf)).pages)
    assert page.print_to(printer) == 2 * count
    assert len(PdfReader(out).pages) == 2 * count


def test_two_hundred_pages(tmp_path, qapp):
    import io

    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=landscape(A4))
    for number in range(200):
        c.drawString(72, 72, f"page {number + 1}")
        c.showPage()
    c.save()
    out = tmp_path / "many.pdf"
    assert print_pdf(buffer.getvalue(), pdf_printer(out), dpi_cap=100) == 200
    printed = sizes(out)
    assert len(printed) == 200
    assert all(abs(w - 841.9) <= 2 and abs(h - 595.3) <= 2 for w, h in printed)
