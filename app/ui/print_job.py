"""Send a PDF to a QPrinter one page at a time, each page with its own size and orientation.

A HighResolution printer is 1,200 dpi: rendering a whole document up front at that size takes
gigabytes. Each page is rendered alone at a capped resolution, drawn, and released.
"""

from __future__ import annotations

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from app.errors import UserError

DPI_CAP = 300


def page_image(page, scale: float) -> QImage:
    """One pdfium page as an image that owns its pixels (the preview and the printer use it)."""
    pil = page.render(scale=scale).to_pil().convert("RGB")
    raw = pil.tobytes()
    return QImage(raw, pil.width, pil.height, pil.width * 3, QImage.Format.Format_RGB888).copy()


def page_layout(width_pt: float, height_pt: float) -> QPageLayout:
    """A borderless layout the size of a PDF page (points), landscape when it is wider."""
    landscape = width_pt > height_pt
    portrait_size = QSizeF(min(width_pt, height_pt), max(width_pt, height_pt))
    size = QPageSize(portrait_size, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)


def pages_to_print(printer: QPrinter, count: int) -> list[int]:
    """Zero-based page indexes the dialog asked for (all pages unless a range was chosen)."""
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(printer.fromPage(), 1)
        last = min(printer.toPage() or count, count)
        return list(range(first - 1, last))
    return list(range(count))


def print_pdf(pdf_bytes: bytes, printer: QPrinter, *, dpi_cap: int = DPI_CAP) -> int:
    """Print `pdf_bytes` on `printer`; returns the number of pages sent."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(pdf_bytes)
    except Exception as exc:  # pypdfium2 raises its own error types
        raise UserError("印刷するPDFを開けませんでした。もう一度プレビューを表示してください。") from exc
    try:
        indexes = pages_to_print(printer, len(document))
        if not indexes:
            raise UserError("印刷するページがありません。ページの範囲を確かめてください。")
        copies = printer.copyCount()
        if copies > 1 and not printer.supportsMultipleCopies():
            indexes = indexes * copies
        dpi = min(printer.resolution(), dpi_cap)
        painter = QPainter()
        sent = 0
        try:
            for index in indexes:
                page = document[index]
                try:
                    width, height = page.get_size()
                    printer.setPageLayout(page_layout(width, height))
                    if sent == 0:
                        if not painter.begin(printer):
                            raise UserError("プリンターを使えませんでした。電源と用紙を確かめてください。")
                    elif not printer.newPage():
                        raise UserError("プリンターに次のページを送れませんでした。")
                    image = page_image(page, dpi / 72)
                    target = QRectF(printer.paperRect(QPrinter.Unit.DevicePixel))
                    target.moveTo(0, 0)
                    painter.drawImage(target, image)
                    del image
                finally:
                    page.close()
                sent += 1
        finally:
            if painter.isActive():
                painter.end()
        return sent
    finally:
        document.close()
