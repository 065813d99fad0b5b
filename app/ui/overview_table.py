"""The tier-1 picture as a table: one row per area council, a totals row, and the date each
council wrote the file the coordinator last read (not when it was read)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem

from app.services.wareki import format_wareki

if TYPE_CHECKING:
    from app.services.overview import CouncilRow, Overview

HEADERS = ("協議体", "ファイルの日付", "メンバー", "サポーター", "社会資源", "提言", "未解決のニーズ",
           "対応する資源がないニーズ")
DATE_COLUMN = HEADERS.index("ファイルの日付")
PROPOSALS_COLUMN = HEADERS.index("提言")
GAPS_COLUMN = HEADERS.index("対応する資源がないニーズ")
GAPS_WIDTH = 260  # a long list of categories wraps instead of widening the table


def written_day(row: CouncilRow) -> dt.date | None:
    """When the council wrote the file last read here (None before any file arrived)."""
    written = getattr(row, "written_on", None) or getattr(row, "last_imported", None)
    return written.date() if isinstance(written, dt.datetime) else written


def proposals_text(row: CouncilRow) -> str:
    """「3件（回答 1件）」: the council's 提言 and how many had an answer (回答あり・実現・見送り)."""
    return f"{row.proposals:,}件（回答 {row.proposals_answered:,}件）" if row.proposals else "—"


def file_date(row: CouncilRow) -> str:
    day = written_day(row)
    return format_wareki(day) if day else "まだ受け取っていません"


class OverviewTable(QTableWidget):
    def __init__(self) -> None:
        super().__init__(0, len(HEADERS))
        self.setHorizontalHeaderLabels(list(HEADERS))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        self.setToolTip("受け取ったファイルを読み込むと、その協議体の数がここに出ます。"
                        "メンバーは活動中の人の数です。提言の回答は、状況が回答あり・実現・見送りのものです。"
                        "対応する資源がないニーズには、"
                        "ニーズの集計表（一番新しいもの）にしかない分類も入ります")

    def fill(self, overview: Overview) -> None:
        rows = [c for c in overview.councils if c.tier == 2]
        self.setRowCount(len(rows) + 1)
        for r, c in enumerate([*rows, overview.totals]):
            total = r == len(rows)
            received = (file_date(c) if not total else
                        f"{sum(written_day(x) is not None for x in rows)} / {len(rows)} 協議体")
            values: list[str | int] = [
                c.name if not total else "合計", received, c.active, c.supporters,
                c.resource_total, proposals_text(c), c.open_need_total,
                "、".join(c.gaps) if not total else ""]
            for col, value in enumerate(values):
                item = QTableWidgetItem(f"{value:,}" if isinstance(value, int) else value)
                if isinstance(value, int) or col == PROPOSALS_COLUMN:
                    from PySide6.QtCore import (
                        Qt,  # after the first paint (main_window._wait_cursor)
                    )

                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if total:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                self.setItem(r, col, item)
        self.resizeColumnsToContents()
        if self.columnWidth(GAPS_COLUMN) > GAPS_WIDTH:
            self.setColumnWidth(GAPS_COLUMN, GAPS_WIDTH)
        self.setWordWrap(True)
        usual = self.verticalHeader().defaultSectionSize()
        for row in range(self.rowCount()):  # only a row whose gaps wrap grows, with a little air
            needed = self.sizeHintForRow(row)
            self.setRowHeight(row, needed + 6 if needed > usual else usual)
