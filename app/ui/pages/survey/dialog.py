"""アンケートを作る: title, 実施日, 配布数, 回収数, how it is entered (a FormPanel), and the
questions with their choices, one box per question. A choice line indented (or starting with
-) is a sub-choice of the line above; an open question (自由に書く) has no choices.
`QuestionBox` also serves the dialog that edits the questions later (questions_dialog.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.models import QUESTION_KINDS, SURVEY_ENTRIES
from app.services import survey_questions
from app.services.surveys import QuestionResult
from app.ui.widgets import (
    EditDialog,
    FormField,
    FormPanel,
    button,
    fit_to_screen,
    label,
    save_cancel_buttons,
)

KIND_BY_LABEL = {text: kind for kind, text in QUESTION_KINDS.items()}
ENTRY_BY_LABEL = {text: entry for entry, text in SURVEY_ENTRIES.items()}


class QuestionBox(QFrame):
    """One question being written: its text, kind, and choices one per line (a stored
    question's, when `question` is given: the lines are matched to its choices on saving)."""

    def __init__(self, number_: int, question: QuestionResult | None = None) -> None:
        super().__init__()
        self.setProperty("role", "card")
        self.question = question
        self.number = number_
        grid = QGridLayout(self)
        self.title = label(f"問{number_}", "subheading")
        self.text = QLineEdit()
        self.text.setPlaceholderText("例: 家族構成をお聞きします")
        self.text.setToolTip("問の文")
        self.kind = QComboBox()
        self.kind.addItems(list(KIND_BY_LABEL))
        self.kind.setToolTip("答えをひとつだけ選ぶ問か、いくつでも選べる問か、自由に書いてもらう問か")
        self.choices = QPlainTextEdit()
        self.choices.setPlaceholderText("一行にひとつずつ（例: 一人暮らし）。字下げした行は、すぐ上の"
                                        "選択肢の下の選択肢（例: 「　車」）")
        self.choices.setToolTip("選択肢を一行にひとつずつ書きます。行の初めに空白か「-」を入れると、"
                                "すぐ上の選択肢の下の選択肢になります（自分で出かける → 車・徒歩）")
        self.choices.setTabChangesFocus(True)  # Enter is a new choice; Tab moves on
        self.choices.setMinimumHeight(110)
        self.error = label("", "error", wrap=True)
        self.error.hide()
        grid.addWidget(self.title, 0, 0)
        grid.addWidget(self.text, 0, 1)
        grid.addWidget(label("種類"), 1, 0)
        grid.addWidget(self.kind, 1, 1, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(label("選択肢"), 2, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.choices, 2, 1)
        grid.addWidget(self.error, 3, 1)
        grid.setColumnStretch(1, 1)
        self.tools = QHBoxLayout()  # the edit dialog's 上へ / この問を消す
        grid.addLayout(self.tools, 0, 2)
        self.kind.currentTextChanged.connect(self._kind_changed)
        if question is not None:
            self.text.setText(question.text)
            self.text.setCursorPosition(0)
            self.kind.setCurrentText(QUESTION_KINDS[question.kind])
            self.choices.setPlainText(survey_questions.lines_of(question))

    def _kind_changed(self, text: str) -> None:
        self.choices.setEnabled(KIND_BY_LABEL[text] != "text")

    def renumber(self, number_: int) -> None:
        self.number = number_
        self.title.setText(f"問{number_}")

    def is_blank(self) -> bool:
        return not self.text.text().strip() and not self.choices.toPlainText().strip()

    def value(self, number_: int | None = None) -> dict:
        """The question as the services take it; a choice line indented first raises,
        naming this question (問`number_`: its place among the questions sent)."""
        kind = KIND_BY_LABEL[self.kind.currentText()]
        text = "" if kind == "text" else self.choices.toPlainText()
        return {"id": self.question.id if self.question else None, "text": self.text.text(),
                "kind": kind,
                "choices": survey_questions.match_lines(self.question, text,
                                                       f"問{number_ or self.number}の選択肢")}


class SurveyCreateDialog(EditDialog):
    """Title, 実施日, 配布数, 回収数, and the questions with their choices. A refused value is
    shown at its field (or at its question) and the dialog keeps everything as typed."""

    FIELDS = (FormField("title", "題名"), FormField("conducted_on", "実施日", "date"),
              FormField("distributed", "配布数"), FormField("returned", "回収数"),
              FormField("entry", "入力のしかた", "choice", tuple(ENTRY_BY_LABEL),
                        tip="数を合計で入れるか、戻ってきた回答用紙を1枚ずつ入力するか（あとで"
                            "切り替えられます）"))

    def __init__(self, on_save: Callable[[dict, list[dict], str], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("アンケートを作る")
        self._on_save = on_save
        self.result_value: Any = None
        self.panel = FormPanel(self.FIELDS)
        self.inputs, self.errors = self.panel.inputs, self.panel.errors
        self.questions: list[QuestionBox] = []
        self._kept: list[int] | None = None  # after a save: the box of each question sent
        self.question_area = QVBoxLayout()
        holder = QWidget()
        holder.setLayout(self.question_area)
        self.question_area.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        scroll.setMinimumHeight(260)
        more = QHBoxLayout()
        more.addWidget(button("問を足す", self.add_question, tip="問をひとつ増やします"))
        more.addWidget(button("最後の問を消す", self.remove_question,
                              tip="いちばん下の問を消します（保存する前なら何度でも）"))
        more.addStretch(1)
        self.general_error = self.panel.take_general_error()
        buttons = save_cancel_buttons(self, self._save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(label("問と選択肢", "subheading"))
        layout.addWidget(scroll, 1)
        layout.addLayout(more)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.add_question()
        self.inputs["entry"].currentTextChanged.connect(self._entry_changed)
        fit_to_screen(self, QSize(760, 760))

    def _entry_changed(self, text: str) -> None:
        forms = ENTRY_BY_LABEL[text] == "forms"
        returned = self.inputs["returned"]
        returned.setEnabled(not forms)
        returned.setToolTip("回答用紙を1枚ずつ入力するときは、入力した用紙の数が回収数になります"
                            if forms else "回収数")
        if forms:
            returned.clear()

    def add_question(self) -> QuestionBox:
        box = QuestionBox(len(self.questions) + 1)
        self.question_area.insertWidget(len(self.questions), box)
        box.show()  # at once, not on the next event loop turn
        self.questions.append(box)
        return box

    def remove_question(self) -> None:
        if self.questions:
            self.questions.pop().deleteLater()

    def values(self) -> tuple[dict, list[dict], str]:
        """The survey's fields (実施日 may raise for its field), every question box (a
        blank one left out) and how the survey is entered."""
        raw = self.panel.values()
        entry = ENTRY_BY_LABEL[raw.pop("entry")]
        kept = [q for q in self.questions if not q.is_blank()]
        return raw, [q.value(n) for n, q in enumerate(kept, start=1)], entry

    def show_error(self, exc: UserError) -> None:
        """Under the question a message names (問2の文…), else under the field or at the bottom."""
        for q in self.questions:
            q.error.hide()
        where = getattr(exc, "field", "")
        kept = self._kept if self._kept is not None else list(range(len(self.questions)))
        for n, i in enumerate(kept, start=1):
            if where.startswith(f"問{n}の"):
                self.panel.clear_errors()
                box = self.questions[i]
                shown = str(exc) if n == i + 1 else f"{exc}（問{i + 1}の欄）"
                box.error.setText(shown)
                box.error.show()
                box.text.setFocus()
                return
        self.panel.show_error(exc)

    def _save(self) -> None:
        # Blank question boxes are left out; remember which box each kept question is.
        self._kept = [i for i, q in enumerate(self.questions) if not q.is_blank()]
        self._finish(lambda: self._on_save(*self.values()))
