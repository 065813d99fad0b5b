"""「印刷」 through a HighResolution QPrinter to PDF: page sizes, ranges and copies survive."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from app.ui.print_job import print_pdf

pytestmark = pytest.mark.slow  # whole documents through a QPrinter


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
    # Rendered large, then averaged down: pdfium draws a printed page's image without smoothing
    # at tiny scales, so a direct 60-pixel render of it differs from its source by aliasing.
    image = page.render(scale=600 / page.get_width()).to_pil().convert("L")
    image = image.resize((60, 42), resample=Image.Resampling.BOX)
    document.close()
    return list(image.tobytes())


def document(window, kind: str) -> bytes:
    page = window.show_page("print")
    page.kind.setCurrentIndex(page.kind.findData(kind))
    page.update_preview()
    assert page.pdf is not None
    return page


@pytest.mark.parametrize("kind", ["booklet", "needs", "handbook", "resource-map", "year-report",
                                  "survey-results"])
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


def test_two_hundred_pages_of_the_stress_council(tmp_path, qapp, stress_template):
    """The stress council's roster, 出欠表 and resource list joined (200+ pages, portrait and
    landscape), through a 1,200 dpi QPrinter: every page comes out, each with its own size."""
    import io

    from pypdf import PdfWriter

    from app.printing import render_bytes
    from app.services import councils
    from app.services.stress import STRESS_COUNCIL
    from app.store import Store

    with Store.open(stress_template) as store:
        council_id = councils.find_council(store, STRESS_COUNCIL).id
        writer = PdfWriter()
        for kind in ("roster", "attendance", "resources", "needs"):
            writer.append(io.BytesIO(render_bytes(store, kind, council_id)[0]))
    joined = io.BytesIO()
    writer.write(joined)
    source = sizes(io.BytesIO(joined.getvalue()))
    assert len(source) >= 200 and len(set(source)) == 2  # A4 portrait and landscape
    out = tmp_path / "many.pdf"
    seen = []
    printed_count = print_pdf(joined.getvalue(), pdf_printer(out), dpi_cap=40,
                              progress=lambda done, total: seen.append((done, total)))
    assert printed_count == len(source)
    assert seen[-1] == (len(source), len(source))
    printed = sizes(out)
    assert len(printed) == len(source)
    for (sw, sh), (pw, ph) in zip(source, printed, strict=True):
        assert abs(sw - pw) <= 2 and abs(sh - ph) <= 2


def test_cancel_stops_after_the_current_page(tmp_path, qapp):
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    for number in range(10):
        c.drawString(72, 72, f"page {number + 1}")
        c.showPage()
    c.save()
    out = tmp_path / "cancelled.pdf"
    sent = print_pdf(buffer.getvalue(), pdf_printer(out), dpi_cap=40,
                     progress=lambda done, total: done < 3)
    assert sent == 3 and len(PdfReader(out).pages) == 3


def test_preset_grayscale_and_booklet_duplex_where_the_driver_allows(tmp_path, qapp):
    from app.ui.print_job import preset

    printer = pdf_printer(tmp_path / "gray.pdf")
    # A PDF file has no two-sided mode: preset says so, and the 印刷 page then explains the
    # fronts-then-backs way.
    assert preset(printer, colour=False, booklet=True) is False
    assert printer.colorMode() == QPrinter.ColorMode.GrayScale
    assert printer.duplex() == QPrinter.DuplexMode.DuplexNone
    assert preset(printer, colour=True, booklet=False) is False
    assert printer.colorMode() == QPrinter.ColorMode.Color
