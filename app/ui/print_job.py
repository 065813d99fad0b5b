"""Send a PDF to a QPrinter one page at a time, each page with its own size and orientation.

A HighResolution printer is 1,200 dpi: rendering a whole document up front at that size takes
gigabytes. Each page is rendered alone at a capped resolution, drawn, and released. The next
page is rendered on a worker thread while the printer takes the current one (pdfium and the
printer are each used by one thread only), so at most two page images exist at a time.

Our documents are black and greys, so the printer is preset to grayscale (one byte a pixel
instead of three, about 3× faster through Qt's PDF/CUPS engine) except for documents that may
hold a colour map; images go out lossless, so small kanji get no JPEG smudges.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from app.errors import UserError

DPI_CAP = 300
# pdfium may not be entered from two threads at once, even for different documents: the
# printer's render thread and the preview on the window's thread take turns through this.
PDFIUM_LOCK = threading.RLock()


def page_image(page, scale: float, *, gray: bool = False) -> QImage:
    """One pdfium page as an image that owns its pixels (the preview and the printer use it)."""
    import pypdfium2 as pdfium

    if gray:
        bitmap = page.render(scale=scale, grayscale=True,
                             force_bitmap_format=pdfium.raw.FPDFBitmap_Gray)
        fmt = QImage.Format.Format_Grayscale8
    else:
        bitmap = page.render(scale=scale, force_bitmap_format=pdfium.raw.FPDFBitmap_BGR)
        fmt = QImage.Format.Format_BGR888
    # The QImage borrows pdfium's buffer; copy() makes it its own before the bitmap goes.
    return QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, fmt).copy()


def preset(printer: QPrinter, *, colour: bool, booklet: bool) -> bool:
    """What the 印刷 page chooses before the printer dialog opens (the user may change it there).

    A booklet is printed on both sides, flipped on the short edge, so that the A4 sheets fold
    into an A5 booklet; a driver without two-sided printing ignores it (the page then tells
    the user how to print the fronts, turn the stack and print the backs). Returns whether
    two-sided printing was taken.
    """
    printer.setColorMode(QPrinter.ColorMode.Color if colour else QPrinter.ColorMode.GrayScale)
    if booklet:
        printer.setDuplex(QPrinter.DuplexMode.DuplexShortSide)
    return printer.duplex() == QPrinter.DuplexMode.DuplexShortSide


def page_layout(width_pt: float, height_pt: float) -> QPageLayout:
    """A borderless layout the size of a PDF page (points), landscape when it is wider."""
    landscape = width_pt > height_pt
    portrait_size = QSizeF(min(width_pt, height_pt), max(width_pt, height_pt))
    size = QPageSize(portrait_size, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)


def pages_to_print(printer: QPrinter, count: int) -> list[int]:
    """Zero-based page indexes in the order they go to the printer.

    Only the chosen range (all pages unless one was chosen); when the driver cannot make copies
    itself they are repeated here, as whole sets (collated) or page by page.
    """
    indexes = list(range(count))
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(printer.fromPage(), 1)
        last = min(printer.toPage() or count, count)
        indexes = list(range(first - 1, last))
    copies = printer.copyCount()
    if copies > 1 and not printer.supportsMultipleCopies():
        if printer.collateCopies():
            indexes = indexes * copies
        else:
            indexes = [i for i in indexes for _ in range(copies)]
    return indexes


def _rendered(document, indexes: list[int], scale: float, gray: bool
              ) -> Iterator[tuple[float, float, QImage]]:
    """(width pt, height pt, image) for each index, the next one rendered ahead on a thread."""
    def render(index: int) -> tuple[float, float, QImage]:
        with PDFIUM_LOCK:
            page = document[index]
            try:
                width, height = page.get_size()
                return width, height, page_image(page, scale, gray=gray)
            finally:
                page.close()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="print-render") as pool:
        ahead = pool.submit(render, indexes[0])
        for position in range(len(indexes)):
            current = ahead.result()
            if position + 1 < len(indexes):
                ahead = pool.submit(render, indexes[position + 1])
            yield current
            del current


def print_pdf(pdf_bytes: bytes, printer: QPrinter, *, dpi_cap: int = DPI_CAP,
              progress: Callable[[int, int], bool] | None = None,
              indexes: list[int] | None = None) -> int:
    """Print `pdf_bytes` on `printer`; returns the number of pages sent.

    `indexes` (zero-based) replaces the printer's page range: the fronts or the backs of a
    booklet printed in two passes.

    `progress(done, total)` is called after each page; returning False stops after that page
    (the pages sent so far are printed, nothing is left half-drawn).
    """
    import pypdfium2 as pdfium

    try:
        with PDFIUM_LOCK:
            document = pdfium.PdfDocument(pdf_bytes)
    except Exception as exc:  # pypdfium2 raises its own error types
        raise UserError("印刷するPDFを開けませんでした。もう一度プレビューを表示してください。") from exc
    try:
        if indexes is None:
            indexes = pages_to_print(printer, len(document))
        if not indexes:
            raise UserError("印刷するページがありません。ページの範囲を確かめてください。")
        scale = min(printer.resolution(), dpi_cap) / 72
        gray = printer.colorMode() == QPrinter.ColorMode.GrayScale
        painter = QPainter()
        sent = 0
        try:
            for width, height, image in _rendered(document, indexes, scale, gray):
                printer.setPageLayout(page_layout(width, height))
                if sent == 0:
                    if not painter.begin(printer):
                        raise UserError("プリンターを使えませんでした。電源と用紙を確かめてください。")
                    painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering)
                elif not printer.newPage():
                    raise UserError("プリンターに次のページを送れませんでした。")
                target = QRectF(printer.paperRect(QPrinter.Unit.DevicePixel))
                target.moveTo(0, 0)
                painter.drawImage(target, image)
                del image
                sent += 1
                if progress is not None and progress(sent, len(indexes)) is False:
                    break
        finally:
            if painter.isActive():
                painter.end()
        return sent
    finally:
        with PDFIUM_LOCK:
            document.close()
