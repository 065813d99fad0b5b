"""集計（町内会×分類）: the needs counted by 町内会 and 分類, with totals in bold."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem

from app.services.needs import Crosstab, CrosstabCell
from app.ui.pages.needs.texts import cell_text, how_many, two_lines


class CrosstabGrid(QTableWidget):
    """Read-only: counted from the list, never typed in."""

    def __init__(self) -> None:
        super().__init__()
        self.table: Crosstab | None = None
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setAlternatingRowColors(True)
        self.setToolTip("一覧のニーズから自動で数えています（ここでは直せません）")

    def show_table(self, table: Crosstab) -> None:
        self.table = table
        self.clear()
        self.setRowCount(len(table.rows) + 1)
        self.setColumnCount(len(table.categories) + 1)
        self.setHorizontalHeaderLabels([*table.categories, "合計"])
        self.setVerticalHeaderLabels([*(r.neighbourhood for r in table.rows), "合計"])
        bold = QFont(self.font())
        bold.setBold(True)
        last_row, last_col = len(table.rows), len(table.categories)

        def put(row: int, col: int, cell: CrosstabCell, is_total: bool) -> None:
            item = QTableWidgetItem(cell_text(cell))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if is_total:
                item.setFont(bold)
            item.setToolTip(f"記録 {cell.records}件、{how_many(cell.persons, cell.without_count)}")
            self.setItem(row, col, item)

        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                put(r, c, cell, False)
            put(r, last_col, row.total, True)
        for c, cell in enumerate(table.column_totals):
            put(last_row, c, cell, True)
        put(last_row, last_col, table.total, True)
        self.fit()

    def fit(self) -> None:
        """Category names go on two lines when the table would not fit the width otherwise."""
        table = self.table
        if table is None:
            return
        header = self.horizontalHeader()
        header.setMinimumSectionSize(56)
        for wrapped in (False, True):
            self.setHorizontalHeaderLabels(
                [*(two_lines(c) if wrapped else c for c in table.categories), "合計"])
            self.resizeColumnsToContents()
            wide = self.verticalHeader().width() + sum(
                header.sectionSize(c) for c in range(self.columnCount()))
            if wide <= self.viewport().width() + self.verticalHeader().width() - 4:
                break
