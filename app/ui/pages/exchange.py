"""ファイルのやりとり: write the file for the coordinator, read files in, and (for the tier-1
council) see every council side by side."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QCheckBox, QFileDialog, QHBoxLayout, QLineEdit, QPlainTextEdit

from app.errors import UserError
from app.services import councils
from app.ui import worker
from app.ui.pages.base import Page
from app.ui.widgets import button, label, show_error

WARNING_HEADS = ("注意", "競合", "警告")


class ExchangePage(Page):
    key = "exchange"
    title = "ファイル"
    areas = frozenset({"council", "members", "needs", "resources", "meetings", "trainings"})

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.heading.setText("ファイルのやりとり")
        self.body.addWidget(label("生活支援コーディネーター（第1層）とのファイルの受け渡し", "subheading",
                                  wrap=True))
        self.explain = label("", "note", wrap=True)
        self.body.addWidget(self.explain)
        self.anonymize = QCheckBox("名前・住所・備考を伏せる（匿名にする）")
        self.anonymize.setToolTip("メンバーの氏名・ふりがな・住所・電話・備考を書き出しません")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("パスワード（空欄ならかけません）")
        self.password.setToolTip("ファイルにパスワードをかけると、開くときにExcelがたずねます。"
                                 "読み込むときも同じパスワードを入れてください")
        # One per line: side by side they do not fit 1024 px with large text.
        self.body.addWidget(self.anonymize)
        self.body.addWidget(self.password)
        row = QHBoxLayout()
        self.export_button = button("ファイルに書き出す", self.ask_and_export, role="primary",
                                    tip="この協議体の記録を .xlsx のファイルに保存します")
        self.import_button = button("ファイルを読み込む", self.ask_and_import, role="primary",
                                    tip="書き出したファイル（ほかの協議体のものも）を読み込んでまとめます。"
                                        "読み込む前に自動でバックアップします")
        row.addWidget(self.export_button)
        row.addWidget(self.import_button)
        row.addStretch(1)
        self.body.addLayout(row)

        table_row = QHBoxLayout()
        self.table_button = button("ほかで作った一覧を読み込む", self.open_table_import,
                                   tip="列の読み方と最初の行を確かめてから読み込みます。"
                                       "読み込む前に自動でバックアップします")
        self.table_explain = label("Excelなどで作った名簿・社会資源の一覧・あんしんセンターの集計表を、"
                                   "この協議体に読み込みます。", "note", wrap=True)
        table_row.addWidget(self.table_button, 0, Qt.AlignmentFlag.AlignTop)
        table_row.addWidget(self.table_explain, 1)
        self.body.addLayout(table_row)

        self.conflicts_button = button("決めることの一覧", self.open_conflicts, role="primary",
                                       tip="両方で直したところや、削除と編集がぶつかったところを、"
                                           "どちらにするか選びます")
        self.conflicts_button.hide()
        self.body.addWidget(self.conflicts_button)
        self.warnings = label("", "error", wrap=True)
        self.warnings.hide()
        self.body.addWidget(self.warnings)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setPlaceholderText("書き出し・読み込みの結果がここに出ます")
        self.report.setMinimumHeight(self.fontMetrics().height() * 7)
        self.body.addWidget(self.report, 1)

        # The tier-1 picture of every council lives on ホーム; this page only points to it.
        self.overview_hint = label("読み込んだ協議体の数と、ファイルの日付は「ホーム」の一覧に出ます。", "note",
                                   wrap=True)
        self.body.addWidget(self.overview_hint)

    # --- data -------------------------------------------------------------------------------
    def refresh(self) -> None:
        council = councils.get_council(self.store, self.council_id)
        self.is_city = council.tier == 1
        self.export_button.setText("全部の協議体を書き出す" if self.is_city else "ファイルに書き出す")
        whose = "すべての協議体" if self.is_city else "この協議体"
        self.explain.setText(f"{whose}の記録をExcelのファイルに書き出します。USBメモリなどで渡せます。"
                             "連絡先の共有に同意していない人の電話・住所は書き出しません。"
                             "受け取ったファイルは「ファイルを読み込む」でまとめられます。")
        self.overview_hint.setVisible(self.is_city)
        self._count_conflicts()

    def _count_conflicts(self) -> None:
        from app.exchange.conflicts import count_conflicts

        count = count_conflicts(self.store)
        self.conflicts_button.setText(f"決めることの一覧（{count}件）")
        self.conflicts_button.setVisible(count > 0)

    def open_conflicts(self):
        from app.ui.conflicts_dialog import open_conflicts

        dialog = open_conflicts(self.controller, self, modal=not self.open_dialogs_modeless)
        self._count_conflicts()
        return dialog

    # --- export -----------------------------------------------------------------------------
    def export_to(self, path: Path) -> str:
        """On a worker (ui/worker.py); 中止 before the file is complete writes no file."""
        from app.exchange.export_file import export_councils
        from app.exchange.report import format_export

        store, ids = self.store, None if self.is_city else [self.council_id]
        anonymize, password = self.anonymize.isChecked(), self.password.text() or None
        try:
            report = worker.run(self, "書き出しています…", lambda tell: export_councils(
                store, path, ids, anonymize=anonymize, password=password, progress=tell))
        except worker.Cancelled:
            text = f"書き出しを中止しました。{path.name} は作っていません。"
            self.show_report(text)
            self.controller.message.emit(text)
            return text
        text = format_export(report)
        self.show_report(text)
        self.controller.message.emit(f"書き出しました: {report.path}")
        return text

    def ask_and_export(self) -> None:
        name = councils.get_council(self.store, self.council_id).name
        suggested = str(Path.home() / f"ささえあいノート_{name}.xlsx")
        path, _ = QFileDialog.getSaveFileName(self, "ファイルに書き出す", suggested, "Excel (*.xlsx)")
        if path:
            self._guard(lambda: self.export_to(Path(path)))

    # --- import -----------------------------------------------------------------------------
    def import_from(self, paths: list[Path]) -> str:
        """On a worker (ui/worker.py): the files are checked, backed up and merged in one
        transaction there; 中止 rolls it back (the backup taken before stays)."""
        from app.exchange.merge import ImportFailed, import_files
        from app.exchange.report import format_import

        store, password = self.store, self.password.text() or None
        try:
            report = worker.run(self, "読み込んでいます…", lambda tell: import_files(
                store, paths, password=password, progress=tell))
        except ImportFailed as exc:
            self.show_report("読み込めませんでした。データベースは変えていません。\n\n"
                             + "\n".join(exc.problems))
            raise
        except worker.Cancelled:
            text = "読み込みを中止しました。データベースは変えていません。"
            self.show_report(text)
            self.controller.message.emit(text)
            return text
        text = format_import(report)
        if report.conflicts:
            text = (f"決めることが{len(report.conflicts)}件あります。「決めることの一覧」で"
                    "どちらにするか選んでください。\n" + text)
        self.show_report(text)
        self._count_conflicts()
        # Other councils may have arrived and any row may have changed: every page reads again.
        self.controller.replaced(text="読み込みました（読み込む前の状態はバックアップにあります）")
        return text

    def ask_and_import(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "ファイルを読み込む", str(Path.home()),
                                                "Excel (*.xlsx)")
        if paths:
            self._guard(lambda: self.import_from([Path(p) for p in paths]))

    def show_report(self, text: str) -> str:
        """The report with its warnings (注意, 競合) on top and counted above the box, so they
        are read before the tables of counts; returns the text as shown."""
        lines = text.splitlines()
        warnings = [line for line in lines if line.startswith(WARNING_HEADS)]
        shown = "\n".join(warnings + ([""] if warnings else []) +
                          [line for line in lines if not line.startswith(WARNING_HEADS)])
        self.report.setPlainText(shown)
        self.report.moveCursor(QTextCursor.MoveOperation.Start)
        self.report.ensureCursorVisible()
        self.warnings.setText(f"注意することが{len(warnings)}件あります（結果のいちばん上）。" if warnings else "")
        self.warnings.setVisible(bool(warnings))
        return shown

    # --- lists made elsewhere ---------------------------------------------------------------------
    def open_table_import(self):
        """The dialog reports what it read and refreshes the pages itself."""
        from app.ui.table_import import TableImportDialog

        return self.open_dialog(TableImportDialog(self.controller, self))

    def _guard(self, action) -> None:
        try:
            action()
        except UserError as exc:
            show_error(self, str(exc))

