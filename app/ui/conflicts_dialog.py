"""決めることの一覧: what an import could not decide alone, both versions side by side in words,
one click to keep either (exchange/conflicts.py does the work)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.exchange.conflicts import ConflictDTO, conflicts, resolve
from app.ui.widgets import button, fit_to_screen, label, run_dialog, show_error, text_size


class ConflictsDialog(QDialog):
    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("決めることの一覧")
        self.found: list[ConflictDTO] = []
        layout = QVBoxLayout(self)
        layout.addWidget(label("ファイルを読み込んだとき、こちらと相手の両方で同じところが直されていたり、"
                               "一方で削除した行を他方で直していたりしたものです。どちらにするか選んでください。"
                               "選んだことは、次にファイルをやりとりすると相手にも伝わります。", wrap=True))
        row = QHBoxLayout()
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(self._show)
        row.addWidget(self.list, 2)
        side = QVBoxLayout()
        self.what = label("", "subheading", wrap=True)
        self.versions = QTableWidget(0, 3)
        self.versions.setHorizontalHeaderLabels(["項目", "今の内容", "もう一方"])
        self.versions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.versions.verticalHeader().hide()
        self.versions.horizontalHeader().setStretchLastSection(True)
        self.keep_button = button("今のままにする", lambda: self.decide("kept"), role="primary")
        self.other_button = button("もう一方にする", lambda: self.decide("other"))
        choices = QHBoxLayout()
        choices.addWidget(self.keep_button)
        choices.addWidget(self.other_button)
        side.addWidget(self.what)
        side.addWidget(self.versions, 1)
        side.addLayout(choices)
        row.addLayout(side, 3)
        layout.addLayout(row, 1)
        self.empty = label("決めることはありません。", "hint", wrap=True)
        layout.addWidget(self.empty)
        close = button("閉じる", self.accept)
        layout.addWidget(close)
        fit_to_screen(self, text_size(self, 40, 24))
        self.reload()

    def reload(self) -> None:
        self.found = conflicts(self.controller.store)
        self.list.clear()
        for c in self.found:
            self.list.addItem(f"{c.sheet}「{c.label}」\n{c.what}")
        self.empty.setVisible(not self.found)
        for widget in (self.keep_button, self.other_button, self.versions, self.what):
            widget.setEnabled(bool(self.found))
        if self.found:
            self.list.setCurrentRow(0)
        else:
            self.what.setText("")
            self.versions.setRowCount(0)

    def current(self) -> ConflictDTO | None:
        row = self.list.currentRow()
        return self.found[row] if 0 <= row < len(self.found) else None

    def _show(self, _row: int) -> None:
        c = self.current()
        if c is None:
            return
        self.what.setText(f"{c.sheet}「{c.label}」: {c.what}（{c.file}）")
        self.versions.setRowCount(len(c.fields))
        for r, f in enumerate(c.fields):
            for col, text in enumerate((f.name, f.kept, f.other)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # a long note is cut in the cell: whole on hover
                self.versions.setItem(r, col, item)
        self.versions.resizeColumnsToContents()
        self.versions.setVisible(not c.is_deletion)
        self.keep_button.setText("残す" if c.is_deletion else "今のままにする")
        self.other_button.setText("削除する" if c.is_deletion else "もう一方にする")

    def decide(self, which: str) -> str | None:
        """"kept" (the first button) or "other" (the second); for a deletion: keep or delete."""
        c = self.current()
        if c is None:
            return None
        choice = ({"kept": "keep", "other": "delete"}[which]) if c.is_deletion else which
        try:
            said = resolve(self.controller.store, c.key, choice)
        except UserError as exc:
            show_error(self, str(exc))
            return None
        # The data changed outside the undo steps: older steps may refer to it as it was.
        self.controller.replaced(text=said)
        self.reload()
        return said


def open_conflicts(controller, parent: QWidget | None = None, *, modal: bool = True) -> ConflictsDialog:
    return run_dialog(ConflictsDialog(controller, parent), modal)  # type: ignore[return-value]
