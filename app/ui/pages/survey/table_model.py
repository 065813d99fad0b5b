"""A survey's results as a table: each question (問1 …, its kind and total answers), then its
choices with count and percentage (a sub-choice indented under its choice, its percentage of that
choice's count); the counts are typed in place when the survey is entered as totals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.models import QUESTION_KINDS
from app.services.surveys import ChoiceResult, QuestionResult, SurveyResult

QUESTION_BACKGROUND = QColor("#e8eef5")
INVALID_BACKGROUND = QColor("#fde2e2")
PERCENT_ROLE = Qt.ItemDataRole.UserRole + 10


def number(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


class SurveyModel(QAbstractTableModel):
    """Rows: each question (問1 …, its kind and total answers), then its choices with count and
    percentage. Only a choice's count is editable; `on_edit(choice, text)` saves it and says
    whether it was accepted (a refused value leaves the cell as it was, marked)."""

    HEADERS = ("選択肢", "数", "割合", "グラフ")

    def __init__(self, on_edit: Callable[[ChoiceResult, str], bool], parent=None) -> None:
        super().__init__(parent)
        self.on_edit = on_edit
        self.rows: list[tuple[QuestionResult, ChoiceResult | None]] = []
        self.invalid: dict[str, str] = {}  # choice id -> message
        self.editable = True  # False: the counts come from the forms

    def set_result(self, result: SurveyResult | None) -> None:
        """Same questions and choices: update the numbers in place (an open editor, the
        current cell and the selection survive); otherwise rebuild."""
        rows = [] if result is None else [
            item for q in result.questions for item in [(q, None), *((q, c) for c in q.choices)]]
        same = [(q.id, c.id if c else None) for q, c in rows] == \
            [(q.id, c.id if c else None) for q, c in self.rows]
        if same and rows:
            self.rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, 3))
            return
        self.beginResetModel()
        self.rows = rows
        self.invalid = {}
        self.endResetModel()

    def mark(self, choice_id: str, message: str | None) -> None:
        if message is None:
            self.invalid.pop(choice_id, None)
        else:
            self.invalid[choice_id] = message
        for r, (_q, c) in enumerate(self.rows):
            if c is not None and c.id == choice_id:
                self.dataChanged.emit(self.index(r, 0), self.index(r, 3))

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if (self.editable and index.isValid() and index.column() == 1
                and self.rows[index.row()][1] is not None):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        question, choice = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if choice is None:
                return (f"問{question.number}　{question.text}（{QUESTION_KINDS[question.kind]}）",
                        f"計 {question.total:,}", "", "")[column]
            percent = "—" if choice.percent is None else f"{choice.percent}%"
            text = f"　└ {choice.text}" if choice.parent_id else choice.text
            return (text, f"{choice.count:,}", percent, "")[column]
        if role == Qt.ItemDataRole.EditRole and choice is not None and column == 1:
            return str(choice.count)
        if role == PERCENT_ROLE:
            return None if choice is None or choice.percent is None else float(choice.percent)
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and choice is None:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            if choice is None:
                return QBrush(QUESTION_BACKGROUND)
            if choice.id in self.invalid:
                return QBrush(INVALID_BACKGROUND)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(question, choice, column)
        return None

    def _tip(self, question: QuestionResult, choice: ChoiceResult | None, column: int) -> str | None:
        if choice is None:
            return (f"問{question.number}の答えの合計 {question.total:,}。"
                    "割合は、この合計をもとに計算しています")
        if choice.id in self.invalid:
            return self.invalid[choice.id]
        if column == 1:
            return ("数を二回押して直すと、割合がすぐ計算し直されます（全角の数字も使えます）"
                    if self.editable else "回答用紙で選ばれた数です（直すときは用紙を直します）")
        if column in (2, 3) and choice.parent_id:
            parent = next((c for c in question.choices if c.id == choice.parent_id), None)
            return f"{choice.count:,} ÷ 「{parent.text if parent else ''}」の数"
        if column in (2, 3):
            return f"{choice.count:,} ÷ 問{question.number}の合計 {question.total:,}"
        return None

    def setData(self, index: QModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != 1:
            return False
        choice = self.rows[index.row()][1]
        if choice is None:
            return False
        return self.on_edit(choice, "" if value is None else str(value))
