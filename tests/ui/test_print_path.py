"""The window's print path: QPrinter (to a PDF file, as to a real printer), page by page."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from tests.printing.pdfcheck import page_sizes


def _printer(path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # 1,200 dpi, as a real driver
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def _source_sizes(page, tmp_path):
    return page_sizes(page.save_pdf(tmp_path / "source.pdf"))


def test_each_printed_page_keeps_the_source_paper(window, tmp_path):
    page = window.show_page("print")
    for kind in ("needs", "handbook"):  # A4 landscape, A5 portrait
        page.kind.setCurrentIndex(page.kind.findData(kind))
        page.update_preview()
        out = tmp_path / f"{kind}-printed.pdf"
        sent = page.print_to(_printer(out))
        source = _source_sizes(page, tmp_path)
        printed = page_sizes(out)
        assert sent == len(source) == len(printed)
        for (sw, sh), (pw, ph) in zip(source, printed, strict=True):
            assert abs(sw - pw) <= 2 and abs(sh - ph) <= 2, (kind, source[0], printed[0])


def test_a_page_range_prints_exactly_those_pages(window, tmp_path):
    page = window.show_page("print")
    page.kind.setCurrentIndex(page.kind.findData("handbook"))
    page.update_preview()
    printer = _printer(tmp_path / "range.pdf")
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 2)
    assert page.print_to(printer) == 1
    assert len(PdfReader(tmp_path / "range.pdf").pages) == 1
