"""The 集計表 as a sheet model: data rows then the 合計 row, the values the service derives,
and the marks on refused cells."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QApplication

from app.services import tallies
from app.services.tallies import FIRST_COUNT_COL, HOUSEHOLDS_COL, LABEL_COL, CrosstabDTO
from app.ui.widgets.group_header import GROUP_ROLE

TOTAL_LABEL = "合計"

BAD = QColor("#ffd6d6")
READ_ONLY = QColor("#eeeeee")
TOTAL = QColor("#dde7f2")


def header_text(text: str) -> str:
    """Two short lines instead of one wide one (居場所・ over 運動, 移動 over 手段), so the twelve
    needs columns fit the window."""
    if "・" in text and len(text) > 4:
        head, tail = text.split("・", 1)
        return f"{head}・\n{tail}"
    if len(text) >= 4 and "\n" not in text:
        half = (len(text) + 1) // 2
        return f"{text[:half]}\n{text[half:]}"
    return text



class TallyModel(QAbstractTableModel):
    """One tally as the sheet: data rows then the 合計 row. `commit(row, col, text)` saves a
    typed cell and returns True, or marks the cell and returns False."""

    def __init__(self, commit: Callable[[int, int, str], bool], parent=None) -> None:
        super().__init__(parent)
        self.tally: CrosstabDTO | None = None
        self.marks: dict[tuple[int, int], str] = {}
        self._commit = commit

    # --- shape ------------------------------------------------------------------------------
    def set_tally(self, tally: CrosstabDTO | None) -> None:
        """Same table, same shape: update in place, so the current cell and an open editor
        survive a save; anything else resets the grid."""
        old = self.tally
        same = (old is not None and tally is not None and old.id == tally.id
                and len(old.rows) == len(tally.rows) and len(old.columns) == len(tally.columns))
        if same:
            self.tally = tally
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
            return
        self.beginResetModel()
        self.tally = tally
        self.marks.clear()
        self.endResetModel()

    @property
    def data_rows(self) -> int:
        return len(self.tally.rows) if self.tally else 0

    @property
    def target_col(self) -> int:
        return tallies.target_col(self.tally) if self.tally else 0

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self.tally is None else self.data_rows + 1

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self.tally is None else len(self.tally.columns) + 3

    def is_editable(self, row: int, col: int) -> bool:
        return row < self.data_rows and col >= FIRST_COUNT_COL

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and self.is_editable(index.row(), index.column()):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    # --- values -----------------------------------------------------------------------------
    def value(self, row: int, col: int) -> int | str | None:
        """The stored (or derived, on the 合計 row) value of a cell."""
        t = self.tally
        if row == self.data_rows:
            if col == LABEL_COL:
                return TOTAL_LABEL
            if col == HOUSEHOLDS_COL:
                return t.totals.households
            if col == self.target_col:
                return t.totals.persons
            return t.totals.columns[col - FIRST_COUNT_COL]
        r = t.rows[row]
        if col == LABEL_COL:
            return r.label
        if col == HOUSEHOLDS_COL:
            return r.households
        if col == self.target_col:
            return r.target_persons
        return r.counts[col - FIRST_COUNT_COL]

    def raw_text(self, row: int, col: int) -> str:
        """For copying to Excel: plain numbers, no thousands separators."""
        value = self.value(row, col)
        return "" if value is None else str(value)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.tally is None:
            return None
        row, col = index.row(), index.column()
        value = self.value(row, col)
        total = row == self.data_rows
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return ""
            return f"{value:,}" if isinstance(value, int) else value
        if role == Qt.ItemDataRole.EditRole:
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col == LABEL_COL:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if (row, col) in self.marks:
                return QBrush(BAD)
            if total:
                return QBrush(TOTAL)
            if not self.is_editable(row, col):
                return QBrush(READ_ONLY)
            return None
        if role == Qt.ItemDataRole.FontRole and total:
            font = QFont(QApplication.font())
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(row, col)
        return None

    def _tip(self, row: int, col: int) -> str:
        if (row, col) in self.marks:
            return self.marks[(row, col)]
        if row == self.data_rows:
            if col == self.target_col:
                return "対象人数の合計（自動で計算します）。項目の合計とは一致しません"
            return "合計は自動で計算します（入力はできません）"
        if col == HOUSEHOLDS_COL:
            if self.tally.rows[row].households is None:
                return "世帯数が分かりません（町内会の設定で入力すると、ここに出ます）"
            return "世帯数は町内会の設定から表示しています（ここでは直せません）"
        if col == LABEL_COL:
            return self.tally.rows[row].label
        if col == self.target_col:
            return "この町内会の対象人数（人）。各項目の人数はこれより多くできません"
        return "人数を入力します（全角の数字も使えます）。空にすると消えます"

    def setData(self, index: QModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not self.is_editable(index.row(), index.column()):
            return False
        return self._commit(index.row(), index.column(), "" if value is None else str(value))

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.tally is None or orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == LABEL_COL:
                return "町内会名"
            if section == HOUSEHOLDS_COL:
                return "世帯数"
            if section == self.target_col:
                return "対象人数"
            column = self.tally.columns[section - FIRST_COUNT_COL]
            return column.label if column.group else header_text(column.label)
        if role == GROUP_ROLE:
            if FIRST_COUNT_COL <= section < self.target_col:
                return self.tally.columns[section - FIRST_COUNT_COL].group
            return ""
        if role == Qt.ItemDataRole.ToolTipRole:
            if section < FIRST_COUNT_COL or section == self.target_col:
                return None
            column = self.tally.columns[section - FIRST_COUNT_COL]
            return f"{column.group}：{column.label}" if column.group else column.label
        return None

    # --- marks ------------------------------------------------------------------------------
    def mark(self, cells: dict[tuple[int, int], str]) -> None:
        self.clear_marks()
        self.marks.update(cells)
        for row, col in cells:
            index = self.index(row, col)
            self.dataChanged.emit(index, index)

    def clear_marks(self) -> None:
        old, self.marks = self.marks, {}
        for row, col in old:
            index = self.index(row, col)
            self.dataChanged.emit(index, index)
