"""The 社会資源 list as a table: each schedule as it will be printed and the next dates, rows not
checked for a year highlighted, unreadable schedules in red, and tooltips that say why."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.services import resources
from app.services.normalize import kana_key
from app.services.resources import ResourceDTO
from app.services.wareki import month_day
from app.ui.widgets import DTO_ROLE, SORT_ROLE, Column, DtoTableModel, wareki

UNREADABLE = "⚠ 読み取れません"
WORD_JOINER = "\u2060"
STALE_TIP = "1年以上確認していません"
# Pale yellow behind near-black text: about 18:1, readable for tired eyes and on a projector.
STALE_BACKGROUND = QColor("#fff0a0")
TEXT_COLOUR = QColor("#1a1a1a")
WARNING_COLOUR = QColor("#a0001c")


def schedule_cell(r: ResourceDTO) -> str:
    if r.schedule_unreadable:
        return f"{UNREADABLE}：{r.schedule_text}"
    return resources.schedule_preview(r.schedule_text)[0] if r.schedule else ""


def one_line(text: str) -> str:
    return " ".join(text.split())


def keep_together(schedule_text: str) -> str:
    """Display form of a schedule that may only wrap at its spaces and after 又は, so
    「第2(木) 12:00〜13:00」 breaks into 「第2(木)」/「12:00〜13:00」, never inside a time."""
    pieces = re.split(r"( |(?<=又は))", schedule_text)
    return "".join(p if p in (" ", "") else WORD_JOINER.join(p) for p in pieces)


class ResourceTableModel(DtoTableModel):
    """DtoTableModel plus the page's marks: stale rows highlighted, unreadable schedules in
    red, and tooltips that say why. Cell texts are worked out once per set_rows (a council
    may list hundreds of resources and the view asks for every role of every cell)."""

    NAME, CATEGORY, CONTENT, SCHEDULE, NEXT, VENUE, VERIFIED = range(7)
    WRAPPED_ROLE = Qt.ItemDataRole.UserRole + 10  # 日程 as drawn: breaks only between parts

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("名称", lambda r: r.name, lambda r: kana_key(r.name)),
            Column("分類", lambda r: r.category),
            Column("内容", lambda r: one_line(r.content)),
            Column("日程", self.schedule_text),
            Column("次の日", lambda r: "\n".join(month_day(d) for d in self.dates(r)[:2]),
                   lambda r: (self.dates(r) or [dt.date.max])[0]),
            Column("会場", lambda r: r.venue),
            Column("最終確認日", lambda r: wareki(r.last_verified_on) or "未確認",
                   lambda r: r.last_verified_on or dt.date.min),
        ], parent)
        self.today = dt.date.today()
        self._dates: dict[tuple, list[dt.date]] = {}
        self._printed: dict[str, str] = {}
        self._cells: list[tuple[str, ...]] = []
        self._stale: list[bool] = []
        self._wrapped: list[str] = []

    def set_rows(self, rows: Sequence[ResourceDTO]) -> None:
        today = dt.date.today()
        if today != self.today:
            self.today, self._dates = today, {}
        self.beginResetModel()
        self.rows = list(rows)
        self._cells = [tuple(c.text(r) for c in self.columns) for r in self.rows]
        self._stale = [resources.is_stale(r, today) for r in self.rows]
        # Unreadable text (shown as typed) wraps anywhere; a readable rule only between parts.
        self._wrapped = [keep_together(cells[self.SCHEDULE]) if r.schedule else cells[self.SCHEDULE]
                         for r, cells in zip(self.rows, self._cells, strict=True)]
        self.endResetModel()

    def schedule_text(self, r: ResourceDTO) -> str:
        if r.schedule_text not in self._printed:
            self._printed[r.schedule_text] = schedule_cell(r)
        return self._printed[r.schedule_text]

    def dates(self, r: ResourceDTO) -> list[dt.date]:
        key = (r.id, r.updated_at, r.schedule_text, r.skip_holidays)
        if key not in self._dates:
            self._dates[key] = resources.upcoming_dates(r, self.today, 5)
        return self._dates[key]

    def stale(self, r: ResourceDTO) -> bool:
        return resources.is_stale(r, self.today)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[row][column]
        if role == self.WRAPPED_ROLE:
            return self._wrapped[row] if column == self.SCHEDULE else self._cells[row][column]
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(STALE_BACKGROUND) if self._stale[row] else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.SCHEDULE and self.rows[row].schedule_unreadable:
                return QBrush(WARNING_COLOUR)
            return QBrush(TEXT_COLOUR) if self._stale[row] else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(self.rows[row], column, self._stale[row])
        if role in (SORT_ROLE, DTO_ROLE):
            return super().data(index, role)
        return None

    def _tip(self, r: ResourceDTO, column: int, stale: bool) -> str:
        lines = []
        if column == self.SCHEDULE:
            if r.schedule_unreadable:
                lines.append(f"この日程「{r.schedule_text}」は読み取れません。書いたとおりに印刷されます。"
                             "次の日は出せません。「編集」で直せます。")
            elif r.schedule:
                lines.append(schedule_cell(r) + ("（祝日は休み）" if r.skip_holidays else ""))
        elif column == self.NEXT:
            dates = self.dates(r)
            if dates:
                lines.append("次の5回:\n" + "\n".join(wareki(d, with_weekday=True) for d in dates))
                if r.skip_holidays:
                    lines.append("祝日は休みとして数えています")
            elif r.schedule_unreadable:
                lines.append("日程が読み取れないので、次の日は出せません")
        elif column == self.VERIFIED and r.last_verified_on:
            lines.append(f"西暦 {r.last_verified_on.isoformat()}")
        elif column in (self.NAME, self.CONTENT, self.VENUE):
            text = {self.NAME: r.name, self.CONTENT: r.content, self.VENUE: r.venue}[column]
            if text:
                lines.append(text)
        if stale:
            when = wareki(r.last_verified_on) if r.last_verified_on else "まだ一度も"
            lines.append(f"{STALE_TIP}（最終確認日: {when}）。確かめたら「確認した」を押してください。")
        return "\n".join(lines)
