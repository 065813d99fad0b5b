"""回答用紙: the forms entered so far (each can be opened and corrected, or deleted) and the
button that opens the entry of one form after another (entry_dialog.py). Every save, correction
and deletion is one undo step through the controller.

A survey entered as totals shows why there is nothing to type here and offers the switch."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from app.services import survey_forms
from app.services.survey_forms import FormDTO
from app.services.surveys import SurveyResult
from app.ui.widgets import (
    Column,
    DtoTableModel,
    button,
    confirm_delete,
    empty_hint,
    enable_with_selection,
    label,
    record_table,
    selected_record,
)

RECENT = 100  # forms listed in the entry window, the last saved first


def form_columns(result: SurveyResult) -> list[Column]:
    """整理番号, 町内会, then a column per question with the numbers typed (or the words)."""
    columns = [Column("整理番号", lambda f: str(f.number), sort=lambda f: f.number, align_right=True),
               Column("町内会", lambda f: f.neighbourhood)]
    for q in result.questions:
        if q.kind == "text":
            columns.append(Column(f"問{q.number}", lambda f, q=q: f.texts.get(q.id, "")[:20]))
        else:
            columns.append(Column(f"問{q.number}", lambda f, q=q: survey_forms.codes(
                q, f.choices.get(q.id, ()))))
    return columns


class FormsList(QWidget):
    """The forms as a list (in the entry window the last saved first), with 開いて直す and 削除."""

    def __init__(self, on_open: Callable[[FormDTO], None], on_delete: Callable[[FormDTO], None],
                 *, title: str = "入力した用紙", buttons_below: bool = False) -> None:
        super().__init__()
        self.title = title
        self.model = DtoTableModel([], self)
        self.table = record_table(self.model, single=True)
        self.table.verticalHeader().hide()
        # Column widths from the first rows only: measuring 2,745 rows took half a second a save.
        self.table.horizontalHeader().setResizeContentsPrecision(40)
        self.table.doubleClicked.connect(lambda _i: self._open())
        self._on_open, self._on_delete = on_open, on_delete
        self.open_button = button("開いて直す", self._open,
                                  tip="選んだ用紙を入力欄に出して直します（ダブルクリックでも）")
        self.delete_button = button("削除", self._delete, role="danger",
                                    tip="選んだ用紙を削除します（確認があります）")
        enable_with_selection(self.table, self.open_button, self.delete_button)
        self.count = label("", "subheading")
        self.head = QHBoxLayout()
        self.head.addWidget(self.count)
        self.head.addStretch(1)
        below = QHBoxLayout()  # in a narrow column the buttons go under the list
        for b in (self.open_button, self.delete_button):
            (below if buttons_below else self.head).addWidget(b)
        below.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(self.head)
        box.addWidget(self.table, 1)
        box.addLayout(below)
        self._shape: tuple = ()

    def set_forms(self, result: SurveyResult, forms: list[FormDTO]) -> None:
        """`forms` in the order shown (the entry window's: the last saved first, a few only)."""
        shape = (result.id, tuple((q.id, q.kind) for q in result.questions))
        fresh = shape != self._shape or not self.model.rows
        if shape != self._shape:
            self._shape = shape
            self.model.columns = form_columns(result)
        self.model.set_rows(forms)
        if fresh:
            self.table.resizeColumnsToContents()
        self.count.setText(f"{self.title} {result.forms:,}枚")

    def select_number(self, number: int) -> None:
        for row, form in enumerate(self.model.rows):
            if form.number == number:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
                return

    def selected(self) -> FormDTO | None:
        return selected_record(self.table)

    def _open(self) -> None:
        form = self.selected()
        if form is not None:
            self._on_open(form)

    def _delete(self) -> None:
        form = self.selected()
        if form is not None:
            self._on_delete(form)


class FormsTab(QWidget):
    def __init__(self, page) -> None:
        super().__init__()
        self.page = page
        self.result: SurveyResult | None = None
        self.forms: list[FormDTO] = []
        self.areas: list[tuple[str, str]] = []
        self.dialog = None  # the entry dialog while it is open
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.stack)

        totals = QWidget()
        box = QVBoxLayout(totals)
        box.addWidget(label("このアンケートは、数を「集計」の表に合計で入れるしかたです。戻ってきた"
                            "回答用紙を1枚ずつ入力すると、町内会別の集計やクロス集計もできます。",
                            "note", wrap=True))
        self.switch_button = button("回答用紙を1枚ずつ入力する", lambda: page.switch_entry("forms"),
                                    role="primary", tip="入力のしかたを「回答用紙を1枚ずつ入力」に"
                                    "切り替えます（合計の数が入っていれば、確かめてから消します）")
        box.addWidget(self.switch_button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addStretch(1)
        self.stack.addWidget(totals)

        forms = QWidget()
        box = QVBoxLayout(forms)
        box.setContentsMargins(0, 0, 0, 0)
        self.enter_button = button("回答用紙を入力する", lambda: self.open_entry(), role="primary",
                                   tip="戻ってきた用紙を1枚ずつ、番号を打って入力します")
        self.list = FormsList(lambda f: self.open_entry(f), self.delete)
        self.list.head.insertWidget(0, self.enter_button)
        self.list.head.insertSpacing(1, 12)
        self.hint = empty_hint("まだ用紙はありません。「回答用紙を入力する」で、戻ってきた用紙の"
                               "番号を1枚ずつ打ちます。")
        box.addWidget(self.hint)
        box.addWidget(self.list, 1)
        self.stack.addWidget(forms)

    # --- data -------------------------------------------------------------------------------
    def show_survey(self, result: SurveyResult | None, areas: list[tuple[str, str]]) -> None:
        """While the entry window is open only its few last forms are read (each save reads
        them again: 2,745 forms took a quarter of a second); the whole list when it closes."""
        self.result, self.areas = result, areas
        forms = result is not None and result.entry == "forms"
        self.stack.setCurrentIndex(1 if forms else 0)
        if self.dialog is not None:
            if result is None or not forms:
                self.dialog.set_data(None, areas, [], 1)
                return
            store = self.page.store
            self.dialog.set_data(result, areas, survey_forms.list_forms(store, result.id, recent=RECENT),
                                 survey_forms.next_number(store, result.id))
            return
        self.forms = survey_forms.list_forms(self.page.store, result.id) if forms and result else []
        if result is not None and forms:
            self.list.set_forms(result, self.forms)
        self.hint.setVisible(forms and not self.forms)

    def next_number(self) -> int:
        return survey_forms.next_number(self.page.store, self.result.id) if self.result else 1

    # --- edits ------------------------------------------------------------------------------
    def open_entry(self, form: FormDTO | None = None):
        from app.ui.pages.survey.entry_dialog import FormEntryDialog

        if self.result is None or self.result.entry != "forms":
            return None
        self.dialog = FormEntryDialog(self, self.page)
        self.dialog.finished.connect(lambda _r: self._closed())
        self.show_survey(self.result, self.areas)
        if form is not None:
            self.dialog.entry.load_form(form)
        return self.page.open_dialog(self.dialog)

    def save(self, raw: dict, answers: dict, form_id: str | None) -> FormDTO:
        result = self.result
        assert result is not None
        controller, store = self.page.controller, self.page.store
        number = raw.get("number") or self.next_number()

        def save() -> FormDTO:
            return survey_forms.save_form(store, result.id, raw, answers, form_id)

        if form_id is None:
            saved = controller.create(f"回答用紙（整理番号 {number}）を保存", "survey_response",
                                      save, {"surveys"})
        else:
            saved = controller.update(f"回答用紙（整理番号 {number}）を直す", "survey_response",
                                      form_id, save, {"surveys"})
        self._read_again()
        self.list.select_number(saved.number)
        if self.dialog is not None:
            self.dialog.list.select_number(saved.number)
        return saved

    def delete(self, form: FormDTO) -> bool:
        parent = self.dialog if self.dialog is not None else self
        if not confirm_delete(parent, f"回答用紙（整理番号 {form.number}）"):
            return False
        if self.dialog is not None:
            self.dialog.forget(form.id)
        store = self.page.store
        self.page.controller.delete(f"回答用紙（整理番号 {form.number}）を削除", "survey_response",
                                    form.id, lambda: survey_forms.delete_form(store, form.id),
                                    {"surveys"})
        self._read_again()
        return True

    def _closed(self) -> None:
        self.dialog = None
        self.show_survey(self.result, self.areas)  # the whole list again

    def _read_again(self) -> None:
        """The page reads the forms again when told of the change (controller.changed) while
        shown; when it is not shown, the entry dialog still needs the new list and counts."""
        if self.page._stale:
            self.page.reload()
