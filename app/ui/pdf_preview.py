"""A PDF shown page under page, rendered only where the user looks.

A 2,000-member roster is a hundred pages and more: rendering every page up front took seconds
on the window's thread and a few hundred megabytes. Each page here is a placeholder of the right
size; pages are rendered as they scroll into view (with one page of margin) and released when
they are far away, so memory stays at about a screenful whatever the page count.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from app.ui.basics import label
from app.ui.print_job import PDFIUM_LOCK, page_image

KEEP = 12  # rendered pages kept at most (a screenful and its neighbours)


class PdfPreview(QScrollArea):
    def __init__(self, min_width: int) -> None:
        super().__init__()
        self.min_width = min_width
        self._document = None
        self._sizes: list[tuple[float, float]] = []
        self._labels: list[QLabel] = []
        self._rendered: dict[int, int] = {}  # page index -> width it was rendered at
        holder = QWidget()
        self._box = QVBoxLayout(holder)
        self._box.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.setWidget(holder)
        self.setWidgetResizable(True)
        self.setMinimumWidth(min_width)
        self._later = QTimer(self, singleShot=True, interval=0)
        self._later.timeout.connect(self.render_visible)
        # Not connected to start() directly: start(int) would take the scroll value as msec.
        self.verticalScrollBar().valueChanged.connect(lambda _value: self._later.start())

    # --- contents -------------------------------------------------------------------------
    @property
    def page_count(self) -> int:
        return len(self._sizes)

    def page_width(self) -> int:
        """Pages as wide as the viewport (less its scroll bar), so nothing is cut off."""
        room = self.viewport().width() - self.verticalScrollBar().sizeHint().width() - 20
        return max(self.min_width, room)

    def set_pdf(self, data: bytes | None) -> None:
        import pypdfium2 as pdfium

        with PDFIUM_LOCK:
            self._close()
            if data:
                self._document = pdfium.PdfDocument(data)
                self._sizes = [self._document.get_page_size(i)
                               for i in range(len(self._document))]
        self._lay_out()

    def rendered_pages(self) -> dict[int, QPixmap]:
        """The pages that hold an image now (tests and the print page read them)."""
        return {i: self._labels[i].pixmap() for i in self._rendered}

    def _close(self) -> None:
        if self._document is not None:
            self._document.close()
        self._document, self._sizes, self._rendered = None, [], {}

    def _lay_out(self) -> None:
        while self._box.count():
            item = self._box.takeAt(0)
            if item.widget():
                item.widget().hide()  # deleted later, by the event loop: gone from view now
                item.widget().deleteLater()
        self._labels = []
        width = self.page_width()
        for number, (w, h) in enumerate(self._sizes, start=1):
            page = QLabel()
            page.setFixedSize(width, round(width * h / w))
            page.setStyleSheet("border: 1px solid #888888; background: white;")
            page.setToolTip(f"{number}ページ目")
            self._labels.append(page)
            self._box.addWidget(page)
            self._box.addWidget(label(f"{number} / {len(self._sizes)}ページ", "note"))
        self._later.start()

    # --- rendering --------------------------------------------------------------------------
    def render_visible(self) -> None:
        if self._document is None or not self._labels:
            return
        width = self.page_width()
        if abs(self._labels[0].width() - width) > 20:  # the window was resized
            self._rendered = {}
            for page, (w, h) in zip(self._labels, self._sizes, strict=True):
                page.clear()
                page.setFixedSize(width, round(width * h / w))
        top, screen = self.verticalScrollBar().value(), self.viewport().height()
        wanted = [i for i, (y, h) in enumerate(self._spans())
                  if y + h >= top - screen and y <= top + 2 * screen]
        if not self.isVisible() or not wanted:  # not on screen yet: the first pages
            wanted = list(range(min(2, len(self._labels))))
        for index in wanted:
            if self._rendered.get(index) != width:
                with PDFIUM_LOCK:
                    page = self._document[index]
                    try:
                        image = page_image(page, width / page.get_width())
                    finally:
                        page.close()
                self._labels[index].setPixmap(QPixmap.fromImage(image))
                self._rendered[index] = width
        for index in sorted(self._rendered, key=lambda i: abs(i - wanted[0]))[KEEP:]:
            self._labels[index].clear()
            del self._rendered[index]

    def _spans(self) -> list[tuple[int, int]]:
        """(top, height) of each page in the scrolled widget, from the layout's own rules (the
        widgets' geometry lags a turn of the event loop behind a new document)."""
        spacing = max(self._box.spacing(), 0)
        y = self._box.contentsMargins().top()
        spans = []
        for i, page in enumerate(self._labels):
            caption = self._box.itemAt(2 * i + 1).widget()
            spans.append((y, page.height()))
            y += page.height() + spacing + caption.sizeHint().height() + spacing
        return spans

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._later.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._later.start()
