"""ほかで作った一覧を読み込む: a member list, a list of social resources or an あんしんセンター
crosstab made in Excel or another program, read into the council shown.

Nothing is written until 読み込む: the dialog shows how each column will be read (guessed from
the headers, changeable per column), the first rows as they would be saved, and every problem
found by checking the whole file (a dry run of the very import that runs afterwards). The import
itself takes a verified backup and saves all rows or none (app/exchange/table.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.exchange import table, table_preview
from app.ui import worker
from app.ui.widgets import button, fit_to_screen, label, run_dialog

FILE_FILTER = "Excel・CSVの一覧 (*.xlsx *.csv *.txt);;Excelのファイル (*.xlsx);;CSVのファイル (*.csv *.txt)"
IGNORE = "読み込まない"
PREVIEW_ROWS = 10
AREAS = {"members": {"members", "neighbourhoods"}, "resources": {"resources", "neighbourhoods"},
         "tally": {"tallies", "neighbourhoods"}}

# The import's messages name the command line's options; the dialog names its own controls.
_FOR_WINDOW = (
    (r"--add-neighbourhoods で新しく登録してください", "「一覧にない町内会を新しく登録する」にチェックを入れてください"),
    (r"--map 列名=無視 で読まないこともできます", "列の読み方で「読み込まない」を選ぶこともできます"),
    (r"--map 列名=(\S+?) で指定してください", r"列の読み方で「\1」を選んでください"),
    (r"--password でパスワードを指定してください", "下の「パスワード」に入れてください"),
    (r"（違うときは --tally-kind で指定）", ""),
)


def for_window(message: str) -> str:
    for pattern, replacement in _FOR_WINDOW:
        message = re.sub(pattern, replacement, message)
    return message


class TableImportDialog(QDialog):
    """Choose the file and what it is, check how it will be read, then read it in."""

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("ほかで作った一覧を読み込む")
        self.path: Path | None = None
        self.rows: list[tuple[int, list]] = []
        self.source = ""
        self.layout_: table_preview.TableLayout | None = None
        self.combos: list[QComboBox] = []
        self.report: table.TableImportReport | None = None
        self.can_import = False

        top = QGridLayout()
        top.setColumnStretch(1, 1)
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("まだ選んでいません")
        self.choose_button = button("ファイルを選ぶ…", self.choose_file,
                                    tip="読み込む一覧（Excelの .xlsx か CSV）を選びます")
        top.addWidget(label("ファイル"), 0, 0)
        top.addWidget(self.file_edit, 0, 1)
        top.addWidget(self.choose_button, 0, 2)

        self.kind_box = QComboBox()
        for kind in table.KINDS:
            self.kind_box.addItem(table_preview.KIND_LABELS[kind], kind)
        self.kind_box.setToolTip("読み込む一覧の種類です。見出しから推測しますが、違うときは選び直してください")
        self.kind_note = label("", "note")
        self.sheet_label = label("シート")
        self.sheet_box = QComboBox()
        self.sheet_box.setToolTip("Excelのファイルにシートがいくつもあるときは、読み込むシートを選びます")
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.kind_box)
        kind_row.addWidget(self.kind_note)
        kind_row.addSpacing(12)
        kind_row.addWidget(self.sheet_label)
        kind_row.addWidget(self.sheet_box)
        kind_row.addStretch(1)
        top.addWidget(label("何の一覧か"), 1, 0)
        top.addLayout(kind_row, 1, 1, 1, 2)
        self.password_label = label("パスワード")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("ファイルを開くときのパスワード")
        self.password.editingFinished.connect(self._password_given)
        top.addWidget(self.password_label, 3, 0)
        top.addWidget(self.password, 3, 1, 1, 2)
        self.add_neighbourhoods = QCheckBox("一覧にない町内会を新しく登録する")
        self.add_neighbourhoods.setToolTip("チェックしないときは、町内会の一覧にない名前があると読み込みません")
        top.addWidget(self.add_neighbourhoods, 4, 1, 1, 2)

        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setHorizontalHeaderLabels(["ファイルの列", "入っている値（例）", "読み込む項目"])
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.setWordWrap(False)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.preview_title = label("保存される形（最初の10行）", "subheading")
        self.preview_table = QTableWidget(0, 0)
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setAlternatingRowColors(True)
        self.status = label("", "note", wrap=True)
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setPlaceholderText("読み込む前に見つかった問題と、読み込んだ結果がここに出ます")

        mapping_box = QWidget()
        mapping_layout = QVBoxLayout(mapping_box)
        mapping_layout.setContentsMargins(0, 0, 0, 0)
        mapping_title = QHBoxLayout()
        mapping_title.addWidget(label("列の読み方", "subheading"))
        mapping_title.addWidget(label("違うときは「読み込む項目」を選び直してください", "note", wrap=True), 1)
        mapping_layout.addLayout(mapping_title)
        mapping_layout.addWidget(self.mapping_table)
        preview_box = QWidget()
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(self.preview_title)
        preview_layout.addWidget(self.preview_table)
        result_box = QWidget()
        result_layout = QVBoxLayout(result_box)
        result_layout.setContentsMargins(0, 0, 0, 0)
        result_layout.addWidget(self.status)
        result_layout.addWidget(self.problems)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        for stretch, widget in ((3, mapping_box), (3, preview_box), (2, result_box)):
            self.splitter.addWidget(widget)
            self.splitter.setCollapsible(self.splitter.indexOf(widget), False)
            self.splitter.setStretchFactor(self.splitter.indexOf(widget), stretch)
        self.problems.setMinimumHeight(self.fontMetrics().height() * 3)

        self.import_button = button("読み込む", self.import_now, role="primary",
                                    tip="この協議体に読み込みます。読み込む前に自動でバックアップします")
        self.close_button = button("閉じる", self.reject, tip="読み込まずに閉じます")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)

        outer = QVBoxLayout(self)
        outer.setSpacing(6)
        outer.addLayout(top)
        outer.addWidget(self.splitter, 1)
        outer.addLayout(buttons)

        self.kind_box.currentIndexChanged.connect(lambda _i: self._relayout(guessed=False))
        self.sheet_box.currentIndexChanged.connect(lambda _i: self._load_sheet())
        self.add_neighbourhoods.toggled.connect(lambda _on: self.check())
        self._show_password(False)
        self.sheet_label.hide()
        self.sheet_box.hide()
        self._set_importable(False)
        self.status.setText("読み込む一覧のファイルを選んでください。")
        fit_to_screen(self, QSize(980, 680))

    # --- the file -----------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "読み込む一覧を選ぶ", str(Path.home()), FILE_FILTER)
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path) -> None:
        """Read the file (its first sheet), guess what it is and how its columns are read."""
        self.path = Path(path)
        self.file_edit.setText(str(self.path))
        self.file_edit.setToolTip(str(self.path))
        self.report = None
        self.password.clear()
        self._show_password(False)
        self._read(first=True)

    def _password_given(self) -> None:
        if self.path is not None and self.password.text():
            self._read(first=True)

    def _read(self, first: bool) -> None:
        password = self.password.text() or None
        try:
            sheets = self._busy("ファイルを開いています…", lambda: table.sheet_names(self.path, password))
        except UserError as exc:
            self._fail(exc)
            return
        self.sheet_box.blockSignals(True)
        self.sheet_box.clear()
        self.sheet_box.addItems(sheets)
        self.sheet_box.blockSignals(False)
        several = len(sheets) > 1
        self.sheet_label.setVisible(several)
        self.sheet_box.setVisible(several)
        self._load_sheet(guess=first)

    def _load_sheet(self, guess: bool = True) -> None:
        if self.path is None:
            return
        sheet = self.sheet_box.currentText() or None
        try:
            path, password = self.path, self.password.text() or None
            self.rows, self.source = self._busy("ファイルを読んでいます…",
                                                lambda: table.read_table(path, sheet, password))
            if not self.rows:
                raise UserError(f"{self.path.name} に読める行がありません。")
        except UserError as exc:
            self._fail(exc)
            return
        if guess:
            kind = table_preview.guess_kind(self.rows)
            self.kind_box.blockSignals(True)
            self.kind_box.setCurrentIndex(self.kind_box.findData(kind))
            self.kind_box.blockSignals(False)
        self._relayout(guessed=guess)

    @property
    def kind(self) -> str:
        return self.kind_box.currentData()

    def _relayout(self, guessed: bool) -> None:
        """Find the header row for the chosen kind and guess each column's field again."""
        if not self.rows:
            return
        self.kind_note.setText("（見出しから推測）" if guessed else "")
        self.kind_note.setToolTip("見出しから推測しました。違うときは選び直してください" if guessed else "")
        try:
            self.layout_ = table_preview.table_layout(self.rows, self.kind)
        except UserError as exc:
            self._fail(exc)
            return
        self._fill_mapping()
        self.check()

    def _fill_mapping(self) -> None:
        layout = self.layout_
        choices = table_preview.field_labels(self.kind)
        self.combos = []
        self.mapping_table.setRowCount(len(layout.headers))
        for row, (header, field, samples) in enumerate(zip(layout.headers, layout.mapping,
                                                           layout.samples, strict=True)):
            self.mapping_table.setItem(row, 0, QTableWidgetItem(header or "（見出しなし）"))
            example = QTableWidgetItem("、".join(samples))
            example.setToolTip("\n".join(samples))
            self.mapping_table.setItem(row, 1, example)
            combo = QComboBox()
            combo.setToolTip(f"「{header or '見出しなし'}」の列をどの項目として読み込むか")
            if self.kind == "tally":  # a crosstab's columns follow from its shape; shown, not chosen
                combo.addItem(_tally_label(field), field)
                combo.setEnabled(False)
            else:
                combo.addItem(IGNORE, None)
                for value, text in choices:
                    combo.addItem(text, value)
                combo.setCurrentIndex(max(0, combo.findData(field)) if field else 0)
                combo.currentIndexChanged.connect(lambda _i: self.check())
            self.mapping_table.setCellWidget(row, 2, combo)
            self.combos.append(combo)
        self.mapping_table.resizeRowsToContents()

    def mapping(self) -> list[str | None]:
        return [combo.currentData() for combo in self.combos]

    # --- the check before reading --------------------------------------------------------------
    def check(self) -> bool:
        """The preview and a dry run of the real import with the columns as chosen now."""
        if self.path is None or self.layout_ is None:
            return False
        self.report = None
        mapping = self.mapping()
        labels, shown = table_preview.preview_rows(self.rows, self.layout_, mapping, PREVIEW_ROWS)
        self._fill_preview(labels, shown)
        found = [f"{self.path.name} {p}" for p in table_preview.cell_problems(self.rows, self.layout_, mapping)]
        try:
            report = self._run(dry_run=True)
        except UserError as exc:
            message = for_window(str(exc))
            if message not in found:  # the import stops at the first problem; the cells list them all
                found.insert(0, message)
            report = None
        problems = [self._where(p) for p in found]
        if problems:
            self.status.setProperty("role", "error")
            self.status.setText("読み込めません。下の問題をファイルで直すか、列の読み方を変えてください。")
            self.status.setToolTip("まだ何も読み込んでいません。データベースは変わっていません")
            self.problems.setPlainText("\n".join(problems))
            self._set_importable(False)
        else:
            self.status.setProperty("role", "note")
            self.status.setToolTip("")
            what = _what(self.kind)
            self.status.setText(f"問題は見つかりませんでした。{what} {report.rows:,}件を"
                                f"「{report.council}」に読み込めます（まだ読み込んでいません）。")
            self.problems.setPlainText("\n".join(f"注意: {for_window(n)}" for n in report.notes))
            self._set_importable(True)
        self._restyle(self.status)
        return not problems

    def _run(self, dry_run: bool) -> table.TableImportReport:
        """The import (or its dry run) on a worker; it saves all rows or none, in one go with no
        step where it could stop, so the progress window has no 中止."""
        store, path, council_id, kind = self.controller.store, self.path, self.controller.council_id, self.kind
        options = {"sheet": self.sheet_box.currentText() or None,
                   "mapping": None if kind == "tally" else self.mapping(),
                   "add_neighbourhoods": self.add_neighbourhoods.isChecked(),
                   "password": self.password.text() or None, "dry_run": dry_run}
        return self._busy("確かめています…" if dry_run else "読み込んでいます…",
                          lambda: table.import_table(store, path, council_id, kind, **options))

    def _busy(self, text: str, work):
        """Off the window's thread (ui/worker.py): a 10,000-row sheet takes a moment."""
        return worker.run(self, text, lambda _tell: work(), cancellable=False)

    def _where(self, message: str) -> str:
        """Messages name the file and row; with several sheets they name the sheet too."""
        sheet = self.sheet_box.currentText()
        if sheet and self.sheet_box.count() > 1 and self.path is not None:
            if message.startswith(self.path.name):
                return message.replace(self.path.name, f"{self.path.name} シート「{sheet}」", 1)
            return f"シート「{sheet}」 {message}"
        return message

    def _fill_preview(self, labels: list[str], shown: list[tuple[int, list[str]]]) -> None:
        self.preview_table.clear()
        self.preview_table.setColumnCount(len(labels))
        self.preview_table.setRowCount(len(shown))
        self.preview_table.setHorizontalHeaderLabels(labels)
        self.preview_table.setVerticalHeaderLabels([f"{n}行目" for n, _c in shown])
        for r, (_number, cells) in enumerate(shown):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if text.startswith("⚠"):
                    item.setForeground(Qt.GlobalColor.darkRed)
                    item.setToolTip(text)
                self.preview_table.setItem(r, c, item)
        self.preview_table.resizeColumnsToContents()
        for c in range(self.preview_table.columnCount()):
            self.preview_table.setColumnWidth(c, min(self.preview_table.columnWidth(c), 260))

    # --- reading in ------------------------------------------------------------------------------
    def import_now(self) -> table.TableImportReport | None:
        if not self.can_import or not self.check():
            return None
        try:
            report = self._run(dry_run=False)
        except UserError as exc:
            self.status.setProperty("role", "error")
            self.status.setText("読み込めませんでした。データベースは変えていません。")
            self._restyle(self.status)
            self.problems.setPlainText(self._where(for_window(str(exc))))
            return None
        self.report = report
        self.status.setProperty("role", "note")
        self.status.setText(f"読み込みました: {_what(report.kind)} {report.saved:,}件（{report.council}）")
        self._restyle(self.status)
        self.problems.setPlainText(format_report(report))
        self._set_importable(False)
        self.import_button.setText("読み込みました")
        self.close_button.setText("閉じる")
        # The rows arrived outside the undo history: older steps would interleave with them.
        self.controller.replaced(AREAS[report.kind], "読み込みました（読み込む前の状態はバックアップにあります）")
        return report

    # --- small things ------------------------------------------------------------------------------
    def _fail(self, exc: Exception) -> None:
        self.rows, self.layout_, self.combos = [], None, []
        self.mapping_table.setRowCount(0)
        self.preview_table.clear()
        self.preview_table.setRowCount(0)
        self.preview_table.setColumnCount(0)
        message = for_window(str(exc))
        if "パスワード" in message:
            self._show_password(True)
        self.status.setProperty("role", "error")
        self.status.setText("このファイルは読み込めません（データベースは変えていません）。")
        self.status.setToolTip("")
        self._restyle(self.status)
        self.problems.setPlainText(message)
        self._set_importable(False)

    def _show_password(self, shown: bool) -> None:
        self.password_label.setVisible(shown)
        self.password.setVisible(shown)

    def _set_importable(self, able: bool) -> None:
        self.can_import = able
        self.import_button.setEnabled(able)
        if able:
            self.import_button.setText("読み込む")

    @staticmethod
    def _restyle(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def format_report(report: table.TableImportReport) -> str:
    """The result for the window: warnings first, then what was read, then how."""
    lines = [f"注意: {for_window(note)}" for note in report.notes]
    lines.append(f"読み込みました: {_what(report.kind)} {report.saved:,}件（{report.council}）")
    if report.added_neighbourhoods:
        lines.append(f"新しく登録した町内会: {'、'.join(report.added_neighbourhoods)}")
    if report.backup:
        lines.append(f"読み込む前のバックアップ: {report.backup}")
    lines.append(f"{report.path.name}: {report.source}、見出しは{report.header_row}行目")
    lines.append("列の読み方:")
    lines += [f"  {header} → {field}" for header, field in report.mapping]
    return "\n".join(lines)


def _what(kind: str) -> str:
    return {"members": "メンバー", "resources": "社会資源", "tally": "集計表の行"}[kind]


def _tally_label(field: str | None) -> str:
    if field is None:
        return IGNORE
    if field == table_preview.TALLY_ITEM:
        return table_preview.TALLY_ITEM
    return table.TALLY_COLUMNS[field][0]


def open_table_import(controller, parent: QWidget | None = None, *, modal: bool = True
                      ) -> TableImportDialog:
    """The entry from the ファイル page. `modal=False` (tests) shows it and returns at once."""
    return run_dialog(TableImportDialog(controller, parent), modal)  # type: ignore[return-value]
