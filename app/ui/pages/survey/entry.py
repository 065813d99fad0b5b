"""One returned paper form typed from the keyboard, then the next.

A row per question: its number, a short field for the choice numbers (one digit each with at
most ten choices, 0 for the tenth, 2-1 for a sub-choice; several for a question that takes
several) and, beside it, what those numbers mean, so the person typing sees at once that 2 is
夫婦二人. An open question takes its words. Enter reads the field (a mistake is shown at once
and the cursor stays) and moves to the next question; Enter on the last question, or Ctrl+Enter
anywhere, saves the form and starts the next with the next 整理番号. The choices of the question
being typed are listed at the side with their counts so far (`legend`).

The fields take no input method: the numbers come in half-width without a conversion Enter.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from app.errors import UserError, ValidationError
from app.services import survey_forms
from app.services.survey_forms import FormDTO
from app.services.surveys import QuestionResult, SurveyResult
from app.ui.widgets import button, label, mark_invalid

KIND_SHORT = {"single": "ひとつ", "multiple": "いくつでも", "text": "自由に書く"}
SHORT_TEXT = 6  # characters of a question's text shown beside its number (all of it on hover)


def legend_table(q: QuestionResult) -> str:
    """The question's choices as a small table: number, words, count so far, percentage."""
    rows = []
    for c in q.choices:
        shown = "—" if c.percent is None else f"{c.percent}%"
        indent = "　" if c.parent_id else ""
        rows.append(f"<tr><td><b>{indent}{c.number}</b></td><td>{html.escape(c.text)}</td>"
                    f"<td align='right'>{c.count:,}</td><td align='right'>{shown}</td></tr>")
    return ("<table cellspacing='0' cellpadding='3'><tr><th>番号</th><th align='left'>選択肢</th>"
            f"<th>数</th><th>割合</th></tr>{''.join(rows)}</table>")


class Row:
    """One line of the form: a field and the words its numbers stand for."""

    def __init__(self, key: str, title: str, tip: str, *, digits: bool, question=None) -> None:
        self.key, self.question = key, question
        self.title = label(title)
        self.title.setToolTip(tip)
        self.field = QLineEdit()
        self.field.setToolTip(tip)
        if digits:
            self.field.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
            self.field.setMaximumWidth(self.field.fontMetrics().horizontalAdvance("0") * 9 + 16)
        self.echo = label("", wrap=True)
        self.echo.setMinimumWidth(80)
        self.digits = digits

    def show_echo(self, text: str, error: bool = False) -> None:
        self.echo.setText(text)
        self.echo.setProperty("role", "error" if error else "note")
        self.echo.style().polish(self.echo)
        mark_invalid(self.field, error)


class FormEntry(QWidget):
    """The entry of one form. `on_save(raw, answers, form_id)` saves through the controller
    and returns the FormDTO (a UserError is shown at its field); `form_id` is set while a saved
    form is being corrected."""

    def __init__(self, on_save: Callable[[dict, dict, str | None], FormDTO],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.on_save = on_save
        self.result: SurveyResult | None = None
        self.areas: list[tuple[str, str]] = []  # (id, name) in the council's order
        self.editing: FormDTO | None = None
        self.next_number = 1
        self.rows: list[Row] = []
        self.legend = label("", wrap=True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend_title = label("", "subheading", wrap=True)

        self.mode = label("", "subheading", wrap=True)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(2, 1)
        self.general_error = label("", "error", wrap=True)
        self.general_error.hide()
        self.saved = label("", "note", wrap=True)
        self.save_button = button("保存して次の用紙へ", self.save, role="primary",
                                  tip="この用紙を保存し、次の整理番号の用紙に進みます（Ctrl+Enter。"
                                      "最後の問で Enter を押しても保存します）")
        self.cancel_button = button("直すのをやめる", self.start_new,
                                    tip="直している用紙は保存したときのままにして、新しい用紙の入力に戻ります")
        self.cancel_button.hide()
        self.clear_button = button("入力を消す", self.clear, tip="この用紙に入れた番号を消します")
        self.actions = QHBoxLayout()
        self.actions.addWidget(self.save_button)
        self.actions.addWidget(self.cancel_button)
        self.actions.addWidget(self.clear_button)
        self.actions.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        box.addWidget(self.mode)
        box.addLayout(self.grid)
        box.addWidget(self.general_error)
        box.addLayout(self.actions)
        box.addWidget(self.saved)
        box.addStretch(1)
        self._build()

    # --- building ---------------------------------------------------------------------------
    def _shape(self, result: SurveyResult | None, areas: list[tuple[str, str]]) -> tuple:
        questions = () if result is None else tuple(
            (q.id, q.kind, tuple(c.id for c in q.choices)) for q in result.questions)
        return (result.id if result else None, questions, tuple(areas))

    def set_survey(self, result: SurveyResult | None, areas: list[tuple[str, str]],
                   next_number: int) -> None:
        """The survey's questions (rebuilt when they changed; what is typed survives a refresh
        after a save or an undo) and its counts so far for the legend."""
        same = self._shape(result, areas) == self._shape(self.result, self.areas)
        self.result, self.areas, self.next_number = result, areas, next_number
        if not same:
            self.editing = None
            self._build()
        self.number_row.field.setPlaceholderText(str(next_number))
        self._show_legend(self.focused_row())

    def _build(self) -> None:
        for row in self.rows:
            for widget in (row.title, row.field, row.echo):
                self.grid.removeWidget(widget)
                widget.hide()  # at once: deleteLater waits for the event loop
                widget.deleteLater()
        self.rows = [Row("number", "整理番号", "用紙の整理番号。空のままなら、表示されている次の番号で"
                         "保存します", digits=True),
                     Row("area", "町内会", "町内会の番号（右の一覧）。書かれていなければ空のまま"
                         " Enter", digits=True)]
        for q in self.result.questions if self.result else ():
            tip = f"問{q.number}　{q.text}（{KIND_SHORT[q.kind]}）"
            short = q.text if len(q.text) <= SHORT_TEXT else q.text[:SHORT_TEXT - 1] + "…"
            self.rows.append(Row(q.id, f"問{q.number}　{short}", tip, digits=q.kind != "text",
                                 question=q))
        for r, row in enumerate(self.rows):
            self.grid.addWidget(row.title, r, 0)
            if row.digits:
                self.grid.addWidget(row.field, r, 1)
                self.grid.addWidget(row.echo, r, 2)
            else:
                self.grid.addWidget(row.field, r, 1, 1, 2)
            row.field.installEventFilter(self)
            row.field.textEdited.connect(lambda _t, x=row: x.show_echo(""))
        if len(self.areas) == 0:
            self.area_row.field.setEnabled(False)
            self.area_row.field.setToolTip("この協議体には町内会が登録されていません（協議体の設定で登録できます）")
        self._set_mode()

    @property
    def number_row(self) -> Row:
        return self.rows[0]

    @property
    def area_row(self) -> Row:
        return self.rows[1]

    def first_row(self) -> Row:
        return self.area_row if self.area_row.field.isEnabled() else self.rows[min(2, len(self.rows) - 1)]

    def focused_row(self) -> Row | None:
        return next((r for r in self.rows if r.field.hasFocus()), None)

    # --- what the fields mean -----------------------------------------------------------------
    def _question(self, row: Row) -> QuestionResult:
        assert row.question is not None and self.result is not None
        return next(q for q in self.result.questions if q.id == row.question.id)

    def read(self, row: Row) -> Any:
        """The row's value as the service takes it; a ValidationError names the row."""
        text = row.field.text()
        if row.key == "number":
            return text.strip() or None
        if row.key == "area":
            return survey_forms.parse_neighbourhood(self.areas, text)
        if not row.digits:
            return text
        return survey_forms.parse_codes(self._question(row), text)

    def check(self, row: Row) -> bool:
        """Read the row and say what it means beside it (or what is wrong)."""
        try:
            value = self.read(row)
        except ValidationError as exc:
            row.show_echo(exc.reason, error=True)
            return False
        if row.key == "area":
            row.show_echo(next((n for i, n in self.areas if i == value), "（書かれていない）"))
        elif row.question is not None and row.digits:
            q = self._question(row)
            texts = {c.id: f"{c.number} {c.text}" for c in q.choices}
            shown = [texts[c] for c in value if not any(
                x.parent_id == c and x.id in value for x in q.choices)]
            row.show_echo("、".join(shown) if shown else "（答えなし）")
        else:
            row.show_echo("")
        return True

    def _show_legend(self, row: Row | None) -> None:
        if row is None or row.key == "number":
            self.legend_title.setText("入力のしかた")
            self.legend.setText("町内会と各問の番号を入れて Enter で次へ。いくつでも選ぶ問は「135」の"
                                "ように続けて、下の選択肢は「2-1」。最後の問の Enter か Ctrl+Enter で"
                                "保存し、次の用紙へ進みます。↑↓で前後の問へ。")
        elif row.key == "area":
            self.legend_title.setText("町内会")
            self.legend.setText("<br>".join(f"<b>{i}</b>　{html.escape(name)}" for i, (_id, name) in
                                            enumerate(self.areas, start=1)) or "（登録なし）")
        elif row.question is not None and row.question.kind == "text":
            self.legend_title.setText(f"問{row.question.number}　{row.question.text}（自由に書く）")
            self.legend.setText("書かれたことを入力します。名前や電話番号が書かれていても、"
                                "ここには入れないでください。")
        elif row.question is not None:
            q = self._question(row)
            self.legend_title.setText(f"問{q.number}　{q.text}（{KIND_SHORT[q.kind]}・答え {q.total:,}）")
            self.legend.setText(legend_table(q))

    # --- keys ---------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        row = next((r for r in self.rows if r.field is watched), None)
        if row is None:
            return super().eventFilter(watched, event)
        if event.type() == QEvent.Type.FocusIn:
            self._show_legend(row)
        elif event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                    self.save()
                elif self.check(row):
                    self._next(row)
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self._move(row, 1 if key == Qt.Key.Key_Down else -1)
                return True
        return super().eventFilter(watched, event)

    def _enabled(self) -> list[Row]:
        return [r for r in self.rows if r.field.isEnabled()]

    def _move(self, row: Row, step: int) -> None:
        rows = self._enabled()
        at = rows.index(row) + step
        if 0 <= at < len(rows):
            rows[at].field.setFocus()
            rows[at].field.selectAll()

    def _next(self, row: Row) -> None:
        rows = self._enabled()
        if row is rows[-1]:
            self.save()
        else:
            self._move(row, 1)

    # --- saving -------------------------------------------------------------------------------
    def values(self) -> tuple[dict, dict]:
        """(raw, answers) for the service; the first row that cannot be read raises, shown."""
        raw: dict[str, Any] = {}
        answers: dict[str, Any] = {}
        for row in self.rows:
            if not self.check(row):
                row.field.setFocus()
                raise ValidationError(row.title.text(), row.echo.text())
            value = self.read(row)
            if row.key == "number":
                raw["number"] = value
            elif row.key == "area":
                raw["neighbourhood_id"] = value
            else:
                answers[row.key] = value
        if self.editing is not None:
            raw["note"] = self.editing.note
        return raw, answers

    def save(self) -> FormDTO | None:
        self.general_error.hide()
        try:
            raw, answers = self.values()
        except ValidationError:
            return None
        try:
            saved = self.on_save(raw, answers, self.editing.id if self.editing else None)
        except UserError as exc:
            self.show_error(exc)
            return None
        self.saved.setText(f"整理番号 {saved.number} の用紙を{'直しました' if self.editing else '保存しました'}")
        self.editing = None
        self.clear()
        return saved

    def show_error(self, exc: UserError) -> None:
        where = getattr(exc, "field", "")
        for row in self.rows:
            named = {"number": "整理番号", "area": "町内会"}.get(row.key) or (
                f"問{row.question.number}" if row.question is not None else "")
            if where == named:
                row.show_echo(getattr(exc, "reason", str(exc)), error=True)
                row.field.setFocus()
                return
        self.general_error.setText(str(exc))
        self.general_error.show()

    # --- new form, correction ------------------------------------------------------------------
    def clear(self) -> None:
        for row in self.rows:
            row.field.clear()
            row.show_echo("")
        self.general_error.hide()
        self._set_mode()
        if self.rows:
            self.first_row().field.setFocus()

    def start_new(self) -> None:
        self.editing = None
        self.clear()

    def load_form(self, form: FormDTO) -> None:
        """A saved form in the fields, to be corrected and saved again (one undo step)."""
        self.editing = form
        self.general_error.hide()
        for row in self.rows:
            if row.key == "number":
                row.field.setText(str(form.number))
            elif row.key == "area":
                at = next((i for i, (a, _n) in enumerate(self.areas, 1) if a == form.neighbourhood_id), None)
                row.field.setText("" if at is None else str(at))
            elif not row.digits:
                row.field.setText(form.texts.get(row.key, ""))
            else:
                row.field.setText(survey_forms.codes(self._question(row), form.choices.get(row.key, ())))
            self.check(row)
        self._set_mode()
        self.first_row().field.setFocus()

    def _set_mode(self) -> None:
        editing = self.editing is not None
        self.mode.setText(f"整理番号 {self.editing.number} の用紙を直しています" if self.editing
                          else "新しい用紙")
        self.save_button.setText("直した内容を保存" if editing else "保存して次の用紙へ")
        self.cancel_button.setVisible(editing)
