"""Lists of records: a DTO table model with columns declared once, the record table, buttons
that need a chosen row, the hint over an empty list, and a drop-down cell."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from app.ui.basics import label

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
DTO_ROLE = Qt.ItemDataRole.UserRole + 2


class ChoiceDelegate(QStyledItemDelegate):
    """A table column holding one of a closed list: the cell is a drop-down of the allowed
    values (opened as a persistent editor it is always visible), never free text."""

    def __init__(self, choices: Sequence[str], parent: QObject | None = None,
                 placeholder: str = "選んでください") -> None:
        super().__init__(parent)
        self.choices, self.placeholder = list(choices), placeholder

    def createEditor(self, parent: QWidget, _option, _index) -> QWidget:
        combo = QComboBox(parent)
        combo.addItems(self.choices)
        combo.setPlaceholderText(self.placeholder)
        combo.setCurrentIndex(-1)
        combo.currentIndexChanged.connect(lambda _i, c=combo: self.commitData.emit(c))
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        editor.blockSignals(True)  # showing the value is not an edit
        editor.setCurrentIndex(editor.findText(index.data() or ""))
        editor.blockSignals(False)

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:
        if editor.currentIndex() >= 0 and editor.currentText() != (index.data() or ""):
            model.setData(index, editor.currentText())


@dataclasses.dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None
    align_right: bool = False


class DtoTableModel(QAbstractTableModel):
    """Rows are DTOs; columns are declared once. SORT_ROLE gives the proxy a sortable key."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == SORT_ROLE:
            return column.sort(row) if column.sort else column.text(row)
        if role == DTO_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].header
        return None


def record_table(model: QAbstractTableModel, *, single: bool = False) -> QTableView:
    """A list of records: whole rows are chosen (one at a time when `single`), never typed in;
    edits go through the page's dialogs."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return table


def fit_columns(table: QTableView, take: int, yielding: Sequence[tuple[int, int]]) -> None:
    """Columns as wide as their text, and no sideways scrolling. A narrow view makes the
    `yielding` columns give way in turn, each down to its narrowest width in characters (their
    text is elided: the full text is in the tooltip or the page's pane); a narrowest of 0 hides
    the column (what it shows must be in the page's pane too), until the view is wide again.
    Whatever room is left goes to `take`."""
    for column, chars in yielding:
        if chars == 0:
            table.setColumnHidden(column, False)
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    em = table.fontMetrics().horizontalAdvance("あ")
    for column, chars in yielding:
        overflow = header.length() - table.viewport().width()
        if overflow <= 0:
            break
        if chars == 0:
            table.setColumnHidden(column, True)
        else:
            table.setColumnWidth(column, max(em * chars, table.columnWidth(column) - overflow))
    spare = table.viewport().width() - header.length()
    if spare > 0:
        table.setColumnWidth(take, table.columnWidth(take) + spare)


def select_row(table: QTableView, row_id: str | None) -> None:
    """Choose the row whose record has this id and bring it into view; none: choose nothing."""
    model = table.model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if getattr(model.data(index, DTO_ROLE), "id", None) == row_id:
            table.selectRow(row)
            table.scrollTo(index)
            return
    table.clearSelection()


def selected_record(table: QTableView) -> Any:
    """The record of the chosen row (a single-selection list), or None."""
    rows = table.selectionModel().selectedRows()
    return table.model().data(rows[0], DTO_ROLE) if rows else None


def enable_with_selection(view: QAbstractItemView, *buttons: QWidget) -> Callable[[], None]:
    """Buttons that act on the chosen rows (編集, 削除, 確認済みにする, ...) are greyed out while
    nothing is chosen, so nobody presses them to be told to choose first. Returns the update,
    for a page that changes the model itself."""
    def update() -> None:
        chosen = view.selectionModel() is not None and view.selectionModel().hasSelection()
        for b in buttons:
            b.setEnabled(chosen)

    view.selectionModel().selectionChanged.connect(lambda *_: update())
    model = view.model()
    for signal in (model.modelReset, model.rowsRemoved, model.layoutChanged):
        signal.connect(lambda *_: update())
    update()
    return update


def empty_hint(text: str) -> QLabel:
    """What to do when a list is still empty, shown above the empty table (the page shows it
    when it has no rows at all, not when a filter hides them)."""
    hint = label(text, "hint", wrap=True)
    hint.hide()
    return hint
