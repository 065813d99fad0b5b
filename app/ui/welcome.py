"""First start: no council yet. Three ways in: make our council, start from a file we received
(the coordinator's, or our own export from another PC), or practise on the demo data, which
lives in its own practice database and never mixes with the real one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QVBoxLayout, QWidget

from app.errors import UserError
from app.ui.controller import Controller
from app.ui.widgets import FormDialog, button, label, show_error


class WelcomePage(QWidget):
    def __init__(self, controller: Controller, done: Callable[[str], None]) -> None:
        super().__init__()
        self.controller, self._done = controller, done
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(label("ささえあいノートへようこそ", "heading"))
        layout.addWidget(label("協議体のメンバー、ニーズ、社会資源、会議の記録をこのパソコンに保存し、"
                               "回覧チラシなどを印刷できます。\nはじめに、どれかを選んでください。",
                               wrap=True))
        self.create_button = button("自分たちの協議体を作る", self.create_council, role="primary",
                                    tip="協議体の名前を入れて、何もないところから始めます")
        self.file_button = button("受け取ったファイルから始める", self.ask_for_file,
                                  tip="第1層のコーディネーターから受け取ったファイルや、"
                                      "前のパソコンで書き出したファイル（.xlsx）を読み込んで始めます")
        self.demo_button = button("見本のデータで練習する", lambda: self._done("practice"),
                                  tip="高崎市の26協議体（八幡など）の見本で、使い方を試せます")
        notes = {self.create_button: "",
                 self.file_button: "協議体のファイル（.xlsx）をUSBメモリなどで受け取ったとき",
                 self.demo_button: "練習用のデータは本番のデータとは別に保存され、混ざりません"}
        for widget, note in notes.items():
            widget.setMinimumWidth(min(420, widget.sizeHint().width() * 2))
            layout.addWidget(widget)
            if note:
                layout.addWidget(label(note, "note", wrap=True))
        if controller.practice:  # an empty practice file: the demo itself was deleted
            self.demo_button.hide()

    def create_council(self) -> FormDialog:
        from app.services import councils
        from app.ui.councils_menu import council_fields, council_values

        store = self.controller.store

        def save(values: dict) -> object:
            return councils.create_council(store, council_values(store, values))

        dialog = FormDialog("協議体を作る", council_fields(store), {}, save, self)
        if self._modeless():
            dialog.accepted.connect(lambda: self._created(dialog.result_value.id))
            dialog.show()
        elif dialog.exec():
            self._created(dialog.result_value.id)
        return dialog

    def _modeless(self) -> bool:
        """Tests set open_dialogs_modeless on the window (or this page) and drive dialogs."""
        return any(getattr(w, "open_dialogs_modeless", False) for w in (self, self.window()))

    def _created(self, council_id: str) -> None:
        self.controller.set_council(council_id)
        self._done("created")

    def ask_for_file(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "受け取ったファイルを選ぶ", str(Path.home()),
                                                "Excelのファイル (*.xlsx)")
        if paths:
            self.start_from_files([Path(p) for p in paths])

    def start_from_files(self, paths: list[Path]) -> str | None:
        """Read the files in (checked completely first, backed up, one transaction); returns the
        report shown, or None when nothing was read (the message says why)."""
        from app.exchange.merge import ImportFailed, import_files
        from app.exchange.report import format_import
        from app.ui import worker

        store = self.controller.store
        try:
            report = worker.run(self, "読み込んでいます…",
                                lambda tell: import_files(store, paths, progress=tell))
        except worker.Cancelled:
            self.controller.message.emit("読み込みを中止しました。データは変えていません。")
            return None
        except ImportFailed as exc:
            show_error(self, "ファイルを読み込めませんでした。データは変えていません。\n\n"
                       + "\n".join(exc.problems[:10]))
            return None
        except UserError as exc:
            show_error(self, str(exc))
            return None
        text = format_import(report)
        if not self._modeless():
            box = QMessageBox(self)
            box.setWindowTitle("読み込みました")
            box.setText("ファイルを読み込みました。")
            box.setDetailedText(text)
            box.setInformativeText(text[:600])
            box.addButton("始める", QMessageBox.ButtonRole.AcceptRole)
            box.exec()
        self._done("file")
        return text
