"""問を直す: a survey's questions after it was made (text, kind, choices and sub-choices, order,
questions added or removed), and 去年のアンケートをもとに作る (a new survey with last year's
questions and choices, without its answers or counts).

A change a returned form would no longer agree with is refused by the service, naming the forms
(整理番号); the dialog shows the message under the question and keeps everything as typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from app.errors import UserError
from app.services.surveys import SurveyResult
from app.ui.pages.survey.dialog import QuestionBox
from app.ui.widgets import (
    EditDialog,
    FormDialog,
    FormField,
    button,
    fit_to_screen,
    label,
    save_cancel_buttons,
    wareki,
)


class QuestionsDialog(EditDialog):
    def __init__(self, result: SurveyResult, on_save: Callable[[list[dict]], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"問を直す（{result.title}）")
        self._on_save = on_save
        self.result_value: Any = None
        self.questions: list[QuestionBox] = []
        self.area = QVBoxLayout()
        holder = QWidget()
        holder.setLayout(self.area)
        self.area.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        more = QHBoxLayout()
        more.addWidget(button("問を足す", lambda: self.add_question(), tip="いちばん下に問をひとつ増やします"))
        more.addStretch(1)
        self.general_error = label("", "error", wrap=True)
        self.general_error.hide()
        note = ("選択肢の文を直すと、数はそのまま残ります。" if result.entry == "totals" else
                "回答用紙で選ばれている選択肢は、消したり文を変えたりできません（先に用紙を直して"
                "ください）。順番を変えたり、選択肢や問を足したりはできます。")
        layout = QVBoxLayout(self)
        layout.addWidget(label(note, "note", wrap=True))
        layout.addWidget(scroll, 1)
        layout.addLayout(more)
        layout.addWidget(self.general_error)
        layout.addWidget(save_cancel_buttons(self, self._save))
        for q in result.questions:
            self.add_question(q)
        fit_to_screen(self, QSize(780, 780))

    def add_question(self, question=None) -> QuestionBox:
        box = QuestionBox(len(self.questions) + 1, question)
        up = button("上へ", lambda: self.move_up(box), tip="この問をひとつ上に動かします")
        remove = button("この問を消す", lambda: self.remove(box), role="danger",
                        tip="この問を消します（保存するまでは消えません。回答用紙で答えられている問は消せません）")
        box.tools.addWidget(up)
        box.tools.addWidget(remove)
        self.questions.append(box)
        self._place()
        box.show()
        return box

    def _place(self) -> None:
        for n, box in enumerate(self.questions, start=1):
            self.area.removeWidget(box)
            self.area.insertWidget(n - 1, box)
            box.renumber(n)

    def move_up(self, box: QuestionBox) -> None:
        at = self.questions.index(box)
        if at > 0:
            self.questions[at - 1], self.questions[at] = box, self.questions[at - 1]
            self._place()

    def remove(self, box: QuestionBox) -> None:
        self.questions.remove(box)
        self.area.removeWidget(box)
        box.deleteLater()
        self._place()

    def values(self) -> list[dict]:
        return [box.value() for box in self.questions]

    def show_error(self, exc: UserError) -> None:
        for box in self.questions:
            box.error.hide()
        self.general_error.hide()
        where = getattr(exc, "field", "")
        for box in self.questions:
            if where.startswith(f"問{box.number}の"):
                box.error.setText(str(exc))
                box.error.show()
                box.text.setFocus()
                return
        self.general_error.setText(str(exc))
        self.general_error.show()

    def _save(self) -> None:
        self._finish(lambda: self._on_save(self.values()))


def copy_dialog(surveys: list[SurveyResult], on_save: Callable[[str, dict], Any],
                shown: SurveyResult | None = None, parent: QWidget | None = None) -> FormDialog:
    """Which survey to start from (the one shown, then the newest), the new title and 実施日."""
    newest = sorted(surveys, key=lambda s: (s is shown, s.conducted_on is not None,
                                            s.conducted_on or dt.date.min), reverse=True)
    names = {f"{s.title}（{wareki(s.conducted_on) or '日付なし'}）": s.id for s in newest}
    fields = [FormField("source", "もとにするアンケート", "choice", tuple(names),
                        tip="問と選択肢を写すアンケート（答えや数は写しません）"),
              FormField("title", "新しい題名", tip="例: 令和8年度 困りごとアンケート"),
              FormField("conducted_on", "実施日", "date")]

    def save(values: dict) -> Any:
        source = names[values.pop("source")]
        return on_save(source, values)

    first = newest[0]
    return FormDialog("去年のアンケートをもとに作る", fields,
                      {"source": next(iter(names)), "title": first.title}, save, parent)
