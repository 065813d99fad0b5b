"""印刷: choose a document, see every page, then 「PDFに保存」 or 「印刷」.

The preview shows the very PDF that will be saved or printed (rendered with pypdfium2), so
what the volunteer sees is what comes out of the printer.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
)

from app.errors import UserError
from app.printing import COLOUR_KINDS, FLYER_TEMPLATES, KIND_LABELS, KINDS, render_bytes
from app.services import area_map, surveys
from app.ui import worker
from app.ui.pages.base import Page
from app.ui.pdf_preview import PdfPreview
from app.ui.print_send import BOOKLET_HOW
from app.ui.widgets import DateField, button, label, show_error

MIN_PREVIEW_WIDTH = 300


class PrintPage(Page):
    key = "print"
    title = "印刷"
    areas = frozenset({"council", "members", "needs", "tallies", "surveys", "resources",
                       "meetings", "trainings", "neighbourhoods", "proposals"})  # 提言: the year's report

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.pdf: bytes | None = None
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
        self.return_by = DateField("回収日")
        self.return_by.setToolTip("いつまでに出してもらうか。空欄なら「　月　日まで」の空欄で印刷します")
        self.return_to = QLineEdit()
        self.return_to.setPlaceholderText("空欄なら「班長さん（または区長さん）」")
        self.return_to.setToolTip("記入した用紙をどこに出してもらうか")
        self.letter = QCheckBox("1枚目につける")
        self.letter.setToolTip("アンケートをお願いする文書（依頼文）を1ページ目に印刷します")
        self.letter_text = QPlainTextEdit()
        self.letter_text.setPlaceholderText("空欄なら標準の依頼文。自分の言葉で書くこともできます")
        self.letter_text.setFixedHeight(self.fontMetrics().height() * 4)
        self.cross = QLineEdit()
        self.cross.setPlaceholderText("例: 1×3（問1と問3）。空欄ならなし")
        self.cross.setToolTip("回答用紙を1枚ずつ入力したアンケートで、2つの問を組み合わせた表（クロス集計）を"
                              "つけます。いくつでも「1×3、2×3」のように書けます")
        self.open_answers = QCheckBox("載せる（名前など個人が分かることが書かれていないか確かめてから配る）")
        self.open_answers.setToolTip("自由に書く問の答えを、整理番号と町内会をつけて一覧にします。"
                                     "選んだときだけ印刷します")
        self.booklet_how = label(BOOKLET_HOW, "note", wrap=True)
        self.map_note = label("", "note", wrap=True)
        self.map_note.setToolTip("社会資源マップは、社会資源のページの「地図」タブで入れた地図の上に"
                                 "番号を印刷します")
        self.paper = QComboBox()
        self.paper.addItem("A4", "A4")
        self.paper.addItem("A3（大きく印刷）", "A3")
        self.paper.setToolTip("地図を印刷する用紙。A3 にすると地図も番号も大きくなります"
                              "（A3 が使えるプリンターで）。用紙の向きは地図の形に合わせます")
        self.year = QComboBox()
        self.year.setToolTip("どの年度（4月から翌年3月まで）をまとめるか")
        self.year_note = label("", "note", wrap=True)
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
        self.form_rows = [("回収日", self.return_by), ("提出先", self.return_to),
                          ("依頼文", self.letter), ("依頼文の文章", self.letter_text)]
        for text, widget in self.form_rows:
            form.addRow(text, widget)
        self.results_rows = [("クロス集計", self.cross), ("自由記述", self.open_answers)]
        for text, widget in self.results_rows:
            form.addRow(text, widget)
        form.addRow(self.booklet_how)
        form.addRow(self.map_note)
        form.addRow("用紙", self.paper)
        form.addRow("年度", self.year)
        form.addRow(self.year_note)
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
        self.excel_button = button("Excelに保存", self.ask_and_save_excel,
                                   tip="年度のまとめの数をExcelのファイル（.xlsx）に保存します")
        excel_row = QHBoxLayout()  # a row of its own: three buttons widen the page on a small screen
        excel_row.addWidget(self.excel_button)
        excel_row.addStretch(1)
        controls.addLayout(excel_row)
        self.info = label("", "note", wrap=True)
        controls.addWidget(self.info)
        self.warnings = QListWidget()
        self.warnings.setToolTip("印刷の前に確かめたほうがよいこと")
        self.warnings.setWordWrap(True)
        controls.addWidget(self.warnings, 1)

        self.preview = PdfPreview(MIN_PREVIEW_WIDTH)

        split = QHBoxLayout()
        split.addLayout(controls, 1)
        split.addWidget(self.preview, 1)
        self.body.addLayout(split, 1)

        self._debounce = QTimer(self, singleShot=True, interval=400)
        self._debounce.timeout.connect(self.update_preview)
        for signal in (self.kind.currentIndexChanged, self.template.currentIndexChanged,
                       self.survey.currentIndexChanged, self.headline.textChanged,
                       self.text.textChanged, self.return_by.editingFinished,
                       self.return_to.textChanged, self.letter.toggled,
                       self.letter_text.textChanged, self.paper.currentIndexChanged,
                       self.cross.textChanged, self.open_answers.toggled,
                       self.year.currentIndexChanged):
            # start(int) would take the index or flag as an interval: restart at 400 ms.
            signal.connect(lambda *_args: self._debounce.start())
        self.kind.currentIndexChanged.connect(self._show_rows)
        self.letter.toggled.connect(self._show_rows)
        self._show_rows()

    # --- options --------------------------------------------------------------------------
    def _show_rows(self) -> None:
        kind = self.kind.currentData()
        for _text, widget in self.flyer_rows:
            self.form.setRowVisible(widget, kind == "flyer")
        self.form.setRowVisible(self.survey, kind in ("survey-results", "survey-form"))
        for _text, widget in self.form_rows:
            self.form.setRowVisible(widget, kind == "survey-form")
        self.form.setRowVisible(self.letter_text, kind == "survey-form" and self.letter.isChecked())
        for _text, widget in self.results_rows:
            self.form.setRowVisible(widget, kind == "survey-results")
        self.form.setRowVisible(self.booklet_how, kind == "booklet")
        for widget in (self.map_note, self.paper):
            self.form.setRowVisible(widget, kind == "resource-map")
        for widget in (self.year, self.year_note):
            self.form.setRowVisible(widget, kind == "year-report")
        self.excel_button.setVisible(kind == "year-report")

    def options(self) -> dict:
        kind = self.kind.currentData()
        if kind == "flyer":
            opts = {"template": self.template.currentData()}
            if self.headline.text().strip():
                opts["headline"] = self.headline.text().strip()
            if self.text.toPlainText().strip():
                opts["body"] = self.text.toPlainText().strip()
            return opts
        opts = {}
        if kind == "resource-map":
            opts["paper"] = self.paper.currentData()
        if kind == "year-report":
            opts["year"] = self.year.currentData()
        if kind in ("survey-results", "survey-form") and self.survey.currentData():
            opts["survey_id"] = self.survey.currentData()
        if kind == "survey-results":
            opts["cross"] = self.cross.text().strip() or None
            opts["open_answers"] = self.open_answers.isChecked() or None
        if kind == "survey-form":
            opts["return_by"] = self.return_by.date()  # a ValidationError names the field
            opts["return_to"] = self.return_to.text().strip() or None
            if self.letter.isChecked():
                opts["cover_letter"] = self.letter_text.toPlainText().strip() or True
        return opts

    def refresh(self) -> None:
        current = self.survey.currentData()
        self.survey.blockSignals(True)
        self.survey.clear()
        for s in surveys.list_surveys(self.store, self.council_id):
            self.survey.addItem(s.title, s.id)
        index = self.survey.findData(current)
        self.survey.setCurrentIndex(max(index, 0))
        self.survey.blockSignals(False)
        self.map_note.setText(self._map_text())
        self._fill_years()
        self.update_preview()

    def _fill_years(self) -> None:
        """年度 from today's (the default) back to the earliest on record; the city's report
        for the tier-1 council."""
        from app.services import councils, year_report
        from app.services.wareki import fiscal_year_label

        chosen = self.year.currentData()
        self.year.blockSignals(True)
        self.year.clear()
        for year in year_report.years_on_record(self.store):
            self.year.addItem(fiscal_year_label(year), year)
        self.year.setCurrentIndex(max(self.year.findData(chosen), 0))
        self.year.blockSignals(False)
        city = councils.get_council(self.store, self.council_id).tier == 1
        self.year_note.setText("第2層の全協議体の数と、その合計をまとめます。" if city else
                               "この協議体の1年（4月〜翌年3月）の会議・研修・メンバー・社会資源・ニーズ・提言の数をまとめます。")

    def _map_text(self) -> str:
        """Which stored map the resource map prints on, or how to add one."""
        m = area_map.get_map(self.store, self.council_id)
        if m is None:
            return ("地図の画像がないので、白い枠に番号だけを印刷します。"
                    "地図は社会資源のページの「地図」タブで入れられます。")
        turn = "横" if m.landscape else "縦"
        return f"地図「{m.name}」の上に印刷します（用紙は{turn}向き）。地図を替えるには社会資源の「地図」タブへ。"

    # --- preview ----------------------------------------------------------------------------
    def update_preview(self) -> None:
        kind = self.kind.currentData()
        self.warnings.clear()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.pdf, result = render_bytes(self.store, kind, self.council_id, **self.options())
        except UserError as exc:
            self.pdf = None
            self.info.setText(str(exc))
        else:
            self.info.setText(f"{KIND_LABELS[kind]}: {result.pages}ページ")
            self.warnings.addItems(list(result.warnings) or ["気になる点はありません。"])
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.preview.set_pdf(self.pdf)
        self.print_button.setEnabled(self.pdf is not None)
        self.save_button.setEnabled(self.pdf is not None)

    # --- output -----------------------------------------------------------------------------
    def save_pdf(self, path: Path) -> Path | None:
        """Made on a worker (ui/worker.py) and written only when complete: 中止 while the
        document is laid out writes nothing (None)."""
        from app.printing.documents import _write_atomically

        store, kind, council_id, options = self.store, self.kind.currentData(), self.council_id, self.options()

        def work(tell):
            data, _result = render_bytes(store, kind, council_id, **options)
            tell("保存", 1, 1)  # the last point to stop: next, the file is written
            _write_atomically(path, data)

        waiting = self._debounce.isActive()
        self._debounce.stop()  # no preview drawn on this thread while the worker lays out
        try:
            worker.run(self, "PDFを作っています…", work)
        except worker.Cancelled:
            self.controller.message.emit("PDFの保存を中止しました（ファイルは作っていません）")
            return None
        finally:
            if waiting:
                self._debounce.start()
        self.controller.message.emit(f"PDFを保存しました: {path}")
        self._note_done()
        return path

    def _note_done(self) -> None:
        """ホーム's first steps tick off 「最初の回覧チラシ」 once a flyer has left the program."""
        from app.services.home import FLYER_PRINTED

        if self.kind.currentData() == "flyer":
            self.controller.set_preference(FLYER_PRINTED + self.council_id, "1", areas={"council"})

    def ask_and_save(self) -> None:
        kind = self.kind.currentData()
        suggested = str(Path.home() / f"{KIND_LABELS[kind].split('（')[0]}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, "PDFに保存", suggested, "PDF (*.pdf)")
        if path:
            try:
                self.save_pdf(Path(path))
            except UserError as exc:
                show_error(self, str(exc))

    def save_excel(self, path: Path) -> Path | None:
        """年度のまとめ as .xlsx, made on a worker and written only when complete."""
        from app.exchange.year_report_xlsx import write_year_report
        from app.services import year_report

        store, council_id, year = self.store, self.council_id, self.year.currentData()

        def work(tell):
            report = year_report.report_for(store, council_id, year)
            tell("保存", 1, 1)
            write_year_report(report, path)

        try:
            worker.run(self, "Excelのファイルを作っています…", work)
        except worker.Cancelled:
            self.controller.message.emit("Excelの保存を中止しました（ファイルは作っていません）")
            return None
        self.controller.message.emit(f"Excelのファイルを保存しました: {path}")
        return path

    def ask_and_save_excel(self) -> None:
        suggested = str(Path.home() / f"{self.year.currentText().split('（')[0]}のまとめ.xlsx")
        path, _ = QFileDialog.getSaveFileName(self, "Excelに保存", suggested, "Excel (*.xlsx)")
        if path:
            if Path(path).suffix.lower() != ".xlsx":
                path += ".xlsx"
            try:
                self.save_excel(Path(path))
            except UserError as exc:
                show_error(self, str(exc))

    def print_to(self, printer) -> int:
        """Send the document to `printer` one page at a time, each with its own paper size."""
        from app.ui.print_job import print_pdf

        if self.pdf is None:
            raise UserError("印刷するものがありません。先にプレビューを表示してください。")
        return print_pdf(self.pdf, printer)

    def new_printer(self):
        """The printer as this document wants it: grayscale unless it may hold a colour map,
        both sides on the short edge for a booklet."""
        from PySide6.QtPrintSupport import QPrinter

        from app.ui.print_job import preset

        kind = self.kind.currentData()
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        preset(printer, colour=kind in COLOUR_KINDS, booklet=kind == "booklet")
        return printer

    def ask_and_print(self) -> None:
        from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog

        if self.pdf is None:
            return
        printer = self.new_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("印刷")
        dialog.setMinMax(1, self.preview.page_count)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        if dialog.exec():
            self.send(printer)

    def send(self, printer) -> int:
        """Print the previewed document on a printer the user has chosen (two passes for a
        booklet where the printer cannot print both sides)."""
        from app.ui.print_send import send, send_booklet

        if self.pdf is None:
            return 0
        try:
            if self.kind.currentData() == "booklet":
                pages = send_booklet(self, self.pdf, printer, self.preview.page_count)
            else:
                pages = send(self, self.pdf, printer)
        except UserError as exc:
            show_error(self, str(exc))
            return 0
        if pages:
            self.controller.message.emit(f"{pages}ページを印刷に送りました")
            self._note_done()
        return pages
