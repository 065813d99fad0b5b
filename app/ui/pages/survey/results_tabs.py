"""Results read across the forms (a survey entered form by form): 町内会別 (one question at a
time, a row per 町内会), クロス集計 (two questions from two lists) and 自由記述 (the open answers
with 整理番号 and 町内会). The figures come from services/survey_tables.py; a cell shows the
count and its percentage of the row, as the survey's own results do."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services import survey_tables
from app.services.survey_tables import Row
from app.services.surveys import QuestionResult, SurveyResult
from app.ui.widgets import label

NOT_FORMS = ("このアンケートは合計で入力されているため、{what}はできません。「回答用紙の入力」から"
             "用紙を1枚ずつ入力すると見られます。")


def cell(count: int, percent) -> str:
    return f"{count:,}" if percent is None else f"{count:,}（{percent}%）"


def read_only_table() -> QTableWidget:
    table = QTableWidget()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    return table


def fill(table: QTableWidget, headers: Sequence[str], tips: Sequence[str],
         rows: Sequence[Sequence[str]], bold_last: bool = True) -> None:
    table.clear()
    table.setColumnCount(len(headers))
    table.setRowCount(len(rows))
    for c, (text, tip) in enumerate(zip(headers, tips, strict=True)):
        item = QTableWidgetItem(text)
        item.setToolTip(tip)
        table.setHorizontalHeaderItem(c, item)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            if c > 0:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if bold_last and r == len(rows) - 1:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)


def _headers(q: QuestionResult) -> tuple[list[str], list[str]]:
    short = [f"{c.number} {c.text if len(c.text) <= 8 else c.text[:7] + '…'}" for c in q.choices]
    return short, [f"{c.number} {c.text}" for c in q.choices]


def _cells(row: Row) -> list[str]:
    return [cell(n, p) for n, p in zip(row.counts, row.percents, strict=True)]


def question_combo(tip: str) -> QComboBox:
    combo = QComboBox()
    combo.setToolTip(tip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(10)
    return combo


def fill_questions(combo: QComboBox, result: SurveyResult, keep: str | None, default: int) -> None:
    combo.blockSignals(True)
    combo.clear()
    for q in result.questions:
        if q.kind != "text":
            combo.addItem(f"問{q.number}　{q.text}", q.id)
    at = combo.findData(keep) if keep else -1
    combo.setCurrentIndex(at if at >= 0 else min(default, combo.count() - 1))
    combo.blockSignals(False)


class _Tab(QWidget):
    what = ""

    def __init__(self, store_of) -> None:
        super().__init__()
        self.store_of = store_of  # the page's store at the time of reading
        self.result: SurveyResult | None = None
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 4, 0, 0)
        self.message = label("", "note", wrap=True)
        self.box.addWidget(self.message)
        self.table = read_only_table()
        self._stale = False

    def show_survey(self, result: SurveyResult | None) -> None:
        """Read now when shown, else when the tab is opened (a form saved on the entry tab
        does not count every 町内会 again)."""
        self.result = result
        usable = result is not None and result.entry == "forms"
        self.message.setText("" if usable else NOT_FORMS.format(what=self.what))
        self.message.setVisible(not usable)
        self.table.setVisible(usable)
        self._stale = usable
        if usable and self.isVisible():
            self._stale = False
            self.refill()

    def showEvent(self, event) -> None:
        if self._stale:
            self._stale = False
            self.refill()
        super().showEvent(event)

    def refill(self) -> None:
        raise NotImplementedError


class AreaTab(_Tab):
    """One question's counts per 町内会; 合計 last."""

    what = "町内会別の集計"

    def __init__(self, store_of) -> None:
        super().__init__(store_of)
        self.question = question_combo("町内会ごとに見る問")
        self.question.currentIndexChanged.connect(lambda _i: self.refill())
        top = QHBoxLayout()
        top.addWidget(label("問"))
        top.addWidget(self.question, 1)
        self.box.addLayout(top)
        self.box.addWidget(self.table, 1)
        self.note = label("かっこの中は、その町内会でこの問に答えた数に対する割合です。", "note", wrap=True)
        self.box.addWidget(self.note)

    def refill(self) -> None:
        assert self.result is not None
        fill_questions(self.question, self.result, self.question.currentData(), 0)
        table = survey_tables.by_neighbourhood(self.store_of(), self.result.id)
        shown = next((q for q in table.questions if q.question.id == self.question.currentData()), None)
        if shown is None:
            fill(self.table, [], [], [])
            return
        heads, tips = _headers(shown.question)
        fill(self.table, ["町内会", "用紙", "答えの数", *heads],
             ["町内会", "その町内会の回答用紙の数", "この問への答えの数（割合のもと）", *tips],
             [[r.label, f"{r.forms:,}", f"{r.total:,}", *_cells(r)] for r in (*shown.rows, shown.total)])


class CrossTab(_Tab):
    """A cross-table of two questions: rows the choices of the first, columns of the second."""

    what = "クロス集計"

    def __init__(self, store_of) -> None:
        super().__init__(store_of)
        self.rows = question_combo("表の行（縦）にする問")
        self.columns = question_combo("表の列（横）にする問")
        for combo in (self.rows, self.columns):
            combo.currentIndexChanged.connect(lambda _i: self.refill())
        top = QHBoxLayout()
        top.addWidget(label("縦"))
        top.addWidget(self.rows, 1)
        top.addWidget(label("×　横"))
        top.addWidget(self.columns, 1)
        self.box.addLayout(top)
        self.box.addWidget(self.table, 1)
        self.note = label("", "note", wrap=True)
        self.box.addWidget(self.note)

    def refill(self) -> None:
        assert self.result is not None
        fill_questions(self.rows, self.result, self.rows.currentData(), 0)
        fill_questions(self.columns, self.result, self.columns.currentData(), 1)
        a, b = self.rows.currentData(), self.columns.currentData()
        if a is None or b is None or a == b:
            fill(self.table, [], [], [])
            self.note.setText("ちがう問を2つ選んでください（選べる問が2つ以上あるとき）。")
            return
        cross = survey_tables.cross_table(self.store_of(), self.result.id, a, b)
        heads, tips = _headers(cross.b)
        fill(self.table, [f"問{cross.a.number}", "用紙", "答えの数", *heads],
             [cross.a.text, f"問{cross.a.number}でその選択肢を選んだ用紙の数",
              f"問{cross.b.number}への答えの数（割合のもと）", *tips],
             [[r.label, f"{r.forms:,}", f"{r.total:,}", *_cells(r)] for r in (*cross.rows, cross.total)])
        self.note.setText(f"問{cross.a.number}の選択肢ごとに、問{cross.b.number}の答えを数えています。"
                          "いくつでも選ぶ問は、選んだ組み合わせのすべてに数えます。かっこの中は行の中の割合です。")


class OpenTab(_Tab):
    """What the forms wrote for the open questions, by 整理番号."""

    what = "自由記述の一覧"

    def __init__(self, store_of) -> None:
        super().__init__(store_of)
        self.box.addWidget(label("書かれたとおりに並べています。名前や電話番号など、個人が分かることが"
                                 "書かれていないか気をつけてください（印刷するときは、選んだときだけ載せます）。",
                                 "note", wrap=True))
        self.box.addWidget(self.table, 1)
        self.table.setWordWrap(True)

    def refill(self) -> None:
        assert self.result is not None
        found = survey_tables.open_answers(self.store_of(), self.result.id)
        rows = [[f"問{q.question.number}", str(a.number), a.neighbourhood, a.text]
                for q in found for a in q.answers]
        fill(self.table, ["問", "整理番号", "町内会", "書かれたこと"],
             ["問", "用紙の整理番号", "用紙の町内会", "書かれたこと"], rows, bold_last=False)
        self.table.horizontalHeader().setStretchLastSection(True)
        if not rows:
            self.message.setText("まだ何も書かれていません。" if found
                                 else "このアンケートには自由に書く問がありません。")
            self.message.show()
