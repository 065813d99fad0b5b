"""印刷: choose a document, see every page, then 「PDFに保存」 or 「印刷」.

The preview shows the very PDF that will be saved or printed (rendered with pypdfium2), so
what the volunteer sees is what comes out of the printer.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.printing import FLYER_TEMPLATES, KIND_LABELS, KINDS, render, render_bytes
from app.services import surveys
from app.ui.pages.base import Page
from app.ui.print_job import page_image
from app.ui.widgets import button, label, show_error

MIN_PREVIEW_WIDTH = 300


def pdf_pages_to_images(data: bytes, width: int) -> list[QImage]:
    """Each page of a PDF as an image `width` pixels wide."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    images = []
    try:
        for page in document:
            images.append(page_image(page, width / page.get_width()))
            page.close()
    finally:
        document.close()
    return images


class PrintPage(Page):
    key = "print"
    title = "印刷"
    areas = frozenset({"council", "members", "needs", "tallies", "surveys", "resources",
                       "meetings", "trainings", "neighbourhoods"})

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.pdf: bytes | None = None
        self.images: list[QImage] = []
        self.kind = QComboBox()
        for kind in KINDS:
            self.kind.addItem(KIND_LABELS[kind], kind)
        self.kind.setToolTip("印刷するものを選びます")
        self.template = QComboBox()
        for key, title in FLYER_TEMPLATES.items():
            self.template.addItem(title, key)
        self.template.setToolTip("回覧チラシの種類")
        self.headline = QLineEdit()
        self.headline.setPlaceholderText("空欄なら標準の見出し")
        self.headline.setToolTip("チラシの大きな見出しを自分の言葉にできます")
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("空欄なら標準の文。お知らせしたいことを書けます")
        self.text.setToolTip("チラシの本文を自分の言葉にできます")
        self.text.setFixedHeight(self.fontMetrics().height() * 5)
        self.survey = QComboBox()
        self.survey.setToolTip("どのアンケートを印刷するか")
        for combo in (self.kind, self.template, self.survey):
            # Long item names must not widen the page past a small screen; they elide instead.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("印刷するもの", self.kind)
        self.flyer_rows = [("チラシの種類", self.template), ("見出し", self.headline), ("本文", self.text)]
        for text, widget in self.flyer_rows:
            form.addRow(text, widget)
        form.addRow("アンケート", self.survey)
        self.form = form
        controls = QVBoxLayout()
        controls.addLayout(form)
        self.save_button = button("PDFに保存", self.ask_and_save, role="primary",
                                  tip="PDFファイルに保存します（USBメモリに入れて持ち運べます）")
        self.print_button = button("印刷", self.ask_and_print, role="primary",
                                   tip="プリンターで印刷します")
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.print_button)
        row.addStretch(1)
        controls.addLayout(row)
        self.info = label("", "note", wrap=True)
        controls.addWidget(self.info)
        self.warnings = QListWidget()
        self.warnings.setToolTip("印刷の前に確かめたほうがよいこと")
        self.warnings.setWordWrap(True)
        controls.addWidget(self.warnings, 1)

        self.preview_box = QVBoxLayout()
        self.preview_box.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        holder = QWidget()
        holder.setLayout(self.preview_box)
        self.preview = QScrollArea()
        self.preview.setWidget(holder)
        self.preview.setWidgetResizable(True)
        self.preview.setMinimumWidth(MIN_PREVIEW_WIDTH)

        split = QHBoxLayout()
        split.addLayout(controls, 1)
        split.addWidget(self.preview, 1)
        self.body.addLayout(split, 1)

        self._debounce = QTimer(self, singleShot=True, interval=400)
        self._debounce.timeout.connect(self.update_preview)
        for signal in (self.kind.currentIndexChanged, self.template.currentIndexChanged,
                       self.survey.currentIndexChanged, self.headline.textChanged,
                       self.text.textChanged):
            signal.connect(self._debounce.start)
        self.kind.currentIndexChanged.connect(self._show_rows)
        self._show_rows()

    # --- options --------------------------------------------------------------------------
    def _show_rows(self) -> None:
        kind = self.kind.currentData()
        for _text, widget in self.flyer_rows:
            self.form.setRowVisible(widget, kind == "flyer")
        self.form.setRowVisible(self.survey, kind in ("survey-results", "survey-form"))

    def options(self) -> dict:
        kind = self.kind.currentData()
        if kind == "flyer":
            opts = {"template": self.template.currentData()}
            if self.headline.text().strip():
                opts["headline"] = self.headline.text().strip()
            if self.text.toPlainText().strip():
                opts["body"] = self.text.toPlainText().strip()
            return opts
        if kind in ("survey-results", "survey-form") and self.survey.currentData():
            return {"survey_id": self.survey.currentData()}
        return {}

    def refresh(self) -> None:
        current = self.survey.currentData()
        self.survey.blockSignals(True)
        self.survey.clear()
        for s in surveys.list_surveys(self.store, self.council_id):
            self.survey.addItem(s.title, s.id)
        index = self.survey.findData(current)
        self.survey.setCurrentIndex(max(index, 0))
        self.survey.blockSignals(False)
        self.update_preview()

    # --- preview ----------------------------------------------------------------------------
    def update_preview(self) -> None:
        kind = self.kind.currentData()
        self.warnings.clear()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.pdf, result = render_bytes(self.store, kind, self.council_id, **self.options())
            self.images = pdf_pages_to_images(self.pdf, self.preview_width())
        except UserError as exc:
            self.pdf, self.images = None, []
            self.info.setText(str(exc))
            self._show_images()
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.info.setText(f"{KIND_LABELS[kind]}: {result.pages}ページ")
        self.warnings.addItems(list(result.warnings) or ["気になる点はありません。"])
        self._show_images()

    def preview_width(self) -> int:
        """Pages as wide as the preview area (less its scroll bar), so nothing is cut off."""
        room = self.preview.viewport().width() - self.preview.verticalScrollBar().sizeHint().width() - 20
        return max(MIN_PREVIEW_WIDTH, room)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.images and abs(self.images[0].width() - self.preview_width()) > 20:
            self._debounce.start()

    def _show_images(self) -> None:
        while self.preview_box.count():
            item = self.preview_box.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for number, image in enumerate(self.images, start=1):
            page = QLabel()
            page.setPixmap(QPixmap.fromImage(image))
            page.setStyleSheet("border: 1px solid #888888; background: white;")
            page.setToolTip(f"{number}ページ目")
            self.preview_box.addWidget(page)
            self.preview_box.addWidget(label(f"{number} / {len(self.images)}ページ", "note"))
        self.print_button.setEnabled(bool(self.images))
        self.save_button.setEnabled(bool(self.images))

    # --- output -----------------------------------------------------------------------------
    def save_pdf(self, path: Path) -> Path:
        result = render(self.store, self.kind.currentData(), self.council_id, path, **self.options())
        self.controller.message.emit(f"PDFを保存しました: {result.path}")
        return result.path

    def ask_and_save(self) -> None:
        kind = self.kind.currentData()
        suggested = str(Path.home() / f"{KIND_LABELS[kind].split('（')[0]}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, "PDFに保存", suggested, "PDF (*.pdf)")
        if path:
            try:
                self.save_pdf(Path(path))
            except UserError as exc:
                show_error(self, str(exc))

    def print_to(self, printer) -> int:
        """Send the document to `printer` one page at a time, each with its own paper size."""
        from app.ui.print_job import print_pdf

        if self.pdf is None:
            raise UserError("印刷するものがありません。先にプレビューを表示してください。")
        return print_pdf(self.pdf, printer)

    def ask_and_print(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("印刷")
        if dialog.exec():
            try:
                pages = self.print_to(printer)
            except UserError as exc:
                show_error(self, str(exc))
                return
            self.controller.message.emit(f"{pages}ページを印刷に送りました")
