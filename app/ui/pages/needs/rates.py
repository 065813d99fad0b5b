"""町内会ごとの割合: needs per 100 世帯 and per 100 persons aged 65+, of the needs table's
対象人数 or of the records' 人数 (chosen above the table; never added together), with the rules
of services.need_rates."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.need_rates import RateTable
from app.ui.widgets import label, wareki

# What is divided: (choice, header, tooltip, persons, per 100 世帯, per 100 aged 65+).
FIGURES = (
    ("集計表の対象人数", "集計表の\n対象人数",
     "あんしんセンターのニーズの集計表の対象人数（一人は一回だけ数えます）",
     lambda r: r.table_persons, lambda r: r.table_per_households, lambda r: r.table_per_aged),
    ("記録の人数（延べ）", "記録の\n人数\n（延べ）",
     "解決していないニーズの記録の「人数」を足した数（一人が何件かに入ることがあるので延べ人数）",
     lambda r: r.record_persons, lambda r: r.record_per_households, lambda r: r.record_per_aged),
)
HEADERS = (("町内会", "町内会の名前"),
           ("世帯数", "町内会の世帯数（「協議体の設定」の町内会で入力します）"),
           ("65歳以上\nの人数", "町内会の65歳以上の人数（「協議体の設定」の町内会で入力します）"),
           None,  # the chosen figure
           ("100世帯\nあたり", "選んだ人数を世帯数で割り、100をかけた数"),
           ("65歳以上\n100人\nあたり", "選んだ人数を65歳以上の人数で割り、100をかけた数"))

NOTE = ("100世帯あたり・65歳以上100人あたりの人数です。集計表の対象人数と記録の人数（延べ）は、同じ人が"
        "両方に入っていることがあるので足さずに別々に割ります。数が入っていない町内会は空欄です"
        "（0ではありません）。合計は、その数が分かる町内会だけで割っています。")


def value_text(value: int | Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:,}" if isinstance(value, int) else f"{value}"


class RatesView(QWidget):
    """Read-only: counted from the needs table and the list, never typed in."""

    def __init__(self) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 8, 0, 0)
        top = QHBoxLayout()
        self.figure = QComboBox()
        self.figure.addItems([f[0] for f in FIGURES])
        self.figure.setToolTip("どちらの人数を世帯数・65歳以上の人数で割るかを選びます")
        self.figure.currentIndexChanged.connect(self._fill)
        top.addWidget(label("割る人数"))
        top.addWidget(self.figure)
        top.addStretch(1)
        box.addLayout(top)
        self.source = label("", wrap=True)
        box.addWidget(self.source)
        self.grid = QTableWidget(0, len(HEADERS))
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.grid.setAlternatingRowColors(True)
        self.grid.setWordWrap(True)  # a long 町内会 name wraps instead of pushing the numbers out
        self.grid.verticalHeader().hide()
        self.grid.horizontalHeader().setMinimumSectionSize(72)
        self.grid.viewport().installEventFilter(self)
        box.addWidget(self.grid, 1)
        self.note = label(NOTE, "note", wrap=True)
        box.addWidget(self.note)
        self.table: RateTable | None = None

    def show_rates(self, table: RateTable) -> None:
        first = self.table is None or (self.table.table_id is None) != (table.table_id is None)
        self.table = table
        if table.table_id is None:
            self.source.setText("ニーズの集計表がまだないので、集計表の対象人数は空欄です"
                                "（あんしんセンターの集計表は「集計表」ページで入れます）。")
        else:
            period = (f"（{wareki(table.period_from)}〜{wareki(table.period_to)}）"
                      if table.period_from or table.period_to else "")
            self.source.setText(f"集計表: {table.table_title}{period}")
        if first:  # a council without a needs table starts on its records
            self.figure.blockSignals(True)
            self.figure.setCurrentIndex(0 if table.table_id is not None else 1)
            self.figure.blockSignals(False)
        self._fill()

    def _fill(self) -> None:
        table = self.table
        if table is None:
            return
        _choice, head, tip, *values = FIGURES[self.figure.currentIndex()]
        for col, header in enumerate(HEADERS):
            text, tooltip = header or (head, tip)
            item = QTableWidgetItem(text)
            item.setToolTip(tooltip)
            self.grid.setHorizontalHeaderItem(col, item)
        rows = [*table.rows, table.total]
        self.grid.setRowCount(len(rows))
        bold = QFont(self.grid.font())
        bold.setBold(True)
        for r, row in enumerate(rows):
            cells = [row.neighbourhood, row.households, row.aged_65_plus, *(value(row) for value in values)]
            for c, cell in enumerate(cells):
                item = QTableWidgetItem(cell if isinstance(cell, str) else value_text(cell))
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if row is table.total:
                    item.setFont(bold)
                self.grid.setItem(r, c, item)
        self.fit()

    def fit(self) -> None:
        """The numbers at their width; the 町内会 column takes what is left (at least 120 px) and
        wraps a long name onto more lines."""
        grid = self.grid
        grid.resizeColumnsToContents()
        numbers = sum(grid.columnWidth(c) for c in range(1, grid.columnCount()))
        room = max(120, grid.viewport().width() - numbers - 2)
        if grid.columnWidth(0) > room:
            grid.setColumnWidth(0, room)
        grid.resizeRowsToContents()

    def eventFilter(self, watched, event) -> bool:
        """Refit when the grid's own visible width changes (after the layouts have settled)."""
        if watched is self.grid.viewport() and event.type() == QEvent.Type.Resize and self.table:
            self.fit()
        return super().eventFilter(watched, event)

    def row_texts(self, neighbourhood: str) -> list[str]:
        """The numbers of one row as shown (tests read these)."""
        names = [self.grid.item(r, 0).text() for r in range(self.grid.rowCount())]
        r = names.index(neighbourhood)
        return [self.grid.item(r, c).text() for c in range(1, self.grid.columnCount())]
