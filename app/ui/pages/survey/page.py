"""アンケート: a council's questionnaires. Tabs: 集計 (each choice's count and percentage from the
service: count / that question's total answers; typed in place for a survey entered as totals),
回答用紙 (the forms entered, and the window that types them one after another: forms_tab.py,
entry_dialog.py), 町内会別, クロス集計 and 自由記述
(results_tabs.py). Every edit goes through the controller and can be undone; the survey-wide
edits (make, copy, questions, switch, delete) are in actions.py."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError, ValidationError
from app.services import neighbourhoods, surveys
from app.services.surveys import ChoiceResult, SurveyResult
from app.ui.pages.base import Page
from app.ui.pages.survey.actions import SurveyActions
from app.ui.pages.survey.delegates import BarDelegate
from app.ui.pages.survey.forms_tab import FormsTab
from app.ui.pages.survey.results_tabs import AreaTab, CrossTab, OpenTab
from app.ui.pages.survey.table_model import SurveyModel, number
from app.ui.widgets import button, label, wareki

BAR_MIN = 90  # narrower than this, the bars give way to the words
TABS = ("集計", "回答用紙", "町内会別", "クロス集計", "自由記述")


def rate_text(result: SurveyResult) -> str:
    """「回収率 28.3%（778 / 2,745）」 from the service's rate; blank parts are said, not guessed."""
    if result.response_rate is None:
        return "回収率: 配布数と回収数を入れると出ます"
    return (f"回収率 {result.response_rate}%（{number(result.returned)} / "
            f"{number(result.distributed)}）")


class SurveyPage(SurveyActions, Page):
    key = "survey"
    title = "アンケート"
    areas = frozenset({"surveys", "council", "neighbourhoods"})

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.listed: list[SurveyResult] = []
        self.current: SurveyResult | None = None
        # The heading shares its line with the survey chooser: on a small screen every line counts.
        self.body.removeWidget(self.heading)
        picker = QHBoxLayout()
        self.picker = QComboBox()
        self.picker.setToolTip("見るアンケートを選びます")
        self.picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.picker.setMinimumContentsLength(12)
        self.picker.currentIndexChanged.connect(self._picked)
        picker.addWidget(self.heading)
        picker.addSpacing(12)
        picker.addWidget(self.picker, 1)
        self.body.insertLayout(0, picker)
        self.empty = label("この協議体のアンケートはまだありません。下の「アンケートを作る」から"
                           "記録できます。", wrap=True)
        self.body.addWidget(self.empty)

        self.detail = QWidget()
        box = QVBoxLayout(self.detail)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        self.about = label("", "note", wrap=True)
        box.addWidget(self.about)
        counts = QGridLayout()
        counts.setHorizontalSpacing(8)
        self.count_fields: dict[str, QLineEdit] = {}
        self.count_errors: dict[str, Any] = {}
        for column, (name, text, tip) in enumerate((
                ("distributed", "配布数", "配った枚数"),
                ("returned", "回収数", "戻ってきた枚数（配布数より多くはなりません）"))):
            edit = QLineEdit()
            edit.setToolTip(f"{tip}。直して Enter を押すと保存します（全角の数字も使えます）")
            edit.setMaximumWidth(edit.fontMetrics().horizontalAdvance("0") * 8 + 20)
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.editingFinished.connect(lambda n=name: self.save_count_field(n))
            error = label("", "error", wrap=True)
            error.hide()
            counts.addWidget(label(text), 0, column * 2)
            counts.addWidget(edit, 0, column * 2 + 1)
            counts.addWidget(error, 1, column * 2, 1, 5)
            self.count_fields[name], self.count_errors[name] = edit, error
        self.rate = label("", "subheading", wrap=True)
        self.rate.setToolTip("回収率 = 回収数 ÷ 配布数（自動で計算します）")
        counts.addWidget(self.rate, 0, 4)
        counts.setColumnStretch(4, 1)
        box.addLayout(counts)
        self.warnings = label("", "note", wrap=True)
        box.addWidget(self.warnings)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._results_tab(), TABS[0])
        self.forms_tab = FormsTab(self)
        self.area_tab = AreaTab(lambda: self.store)
        self.cross_tab = CrossTab(lambda: self.store)
        self.open_tab = OpenTab(lambda: self.store)
        for widget, text in zip((self.forms_tab, self.area_tab, self.cross_tab, self.open_tab),
                                TABS[1:], strict=True):
            self.tabs.addTab(widget, text)
        box.addWidget(self.tabs, 1)
        self.body.addWidget(self.detail, 1)
        self.body.addLayout(self._actions())

    def _results_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        box.setContentsMargins(0, 4, 0, 0)
        self.model = SurveyModel(self.set_count, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.bars = BarDelegate(self.table)
        self.table.setItemDelegateForColumn(3, self.bars)
        self.model.modelReset.connect(self._layout_rows)
        self.table.viewport().installEventFilter(self)
        box.addWidget(self.table, 1)
        self.table_error = label("", "error", wrap=True)
        self.table_error.hide()
        box.addWidget(self.table_error)
        self.help = label("", "note", wrap=True)
        box.addWidget(self.help)  # gives its place to a message while one is shown
        return tab

    def _actions(self) -> QHBoxLayout:
        self.create_button = button("アンケートを作る", self.create, role="primary",
                                    tip="新しいアンケートの題名・問・選択肢を記録します")
        self.copy_button = button("去年のアンケートをもとに作る", self.copy_last_year,
                                  tip="前のアンケートの問と選択肢を写して、新しいアンケートを作ります"
                                      "（答えや数は写しません）")
        self.questions_button = button("問を直す", self.edit_questions,
                                       tip="問の文・種類・選択肢・順番を直します")
        self.edit_button = button("題名・日付を直す", self.edit_details,
                                  tip="このアンケートの題名・実施日・備考を直します")
        self.entry_button = button("入力のしかたを変える", self.toggle_entry,
                                   tip="合計で入れるか、回答用紙を1枚ずつ入力するかを切り替えます")
        self.delete_button = button("削除", self.delete_current, role="danger",
                                    tip="このアンケートを結果ごと削除します（確認があります）")
        # On a narrow window the less used buttons fold into one 「そのほか」 menu.
        self._folding = (self.copy_button, self.edit_button, self.entry_button, self.delete_button)
        self.more_button = button("そのほか", tip="去年のアンケートをもとに作る・題名・日付を直す・"
                                  "入力のしかたを変える・削除")
        menu = QMenu(self.more_button)
        for widget in self._folding:
            action = menu.addAction(widget.text())
            action.setToolTip(widget.toolTip())
            action.triggered.connect(widget.click)
        self.more_button.setMenu(menu)
        actions = QHBoxLayout()
        for widget in (self.create_button, self.questions_button, *self._folding, self.more_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        return actions

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            QTimer.singleShot(0, self._arrange)  # 文字を大きく makes everything wider

    def _arrange(self) -> None:
        """As many of the less used buttons as fit, in order; the rest fold into 「そのほか」. The
        room is the scroll area's (the page itself widens to what it shows)."""
        view = self.parentWidget()
        room = (view.width() if view is not None else self.width()) - 40 - sum(b.sizeHint().width() + 12
                                       for b in (self.create_button, self.questions_button))
        widths = [b.sizeHint().width() + 12 for b in self._folding]
        shown = len(widths)
        if sum(widths) > room:
            room -= self.more_button.sizeHint().width() + 12
            shown = 0
            while shown < len(widths) and sum(widths[:shown + 1]) <= room:
                shown += 1
        for i, (widget, action) in enumerate(zip(self._folding, self.more_button.menu().actions(),
                                                 strict=True)):
            widget.setVisible(i < shown)
            action.setVisible(i >= shown)
            action.setEnabled(widget.isEnabled())
        self.more_button.setVisible(shown < len(widths))

    # --- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        wanted = self.current.id if self.current else None
        self.listed = surveys.list_surveys(self.store, self.council_id)
        self.picker.blockSignals(True)
        self.picker.clear()
        for s in self.listed:
            when = f"（{wareki(s.conducted_on)}）" if s.conducted_on else ""
            self.picker.addItem(f"{s.title}{when}", s.id)
        index = self.picker.findData(wanted) if wanted else -1
        self.picker.setCurrentIndex(max(0, index) if self.listed else -1)
        self.picker.blockSignals(False)
        self._show(self.listed[self.picker.currentIndex()] if self.listed else None)

    def _picked(self, index: int) -> None:
        self._show(self.listed[index] if 0 <= index < len(self.listed) else None)

    def choose(self, title: str) -> None:
        """Pick a survey by its title (tests, and a later jump from other pages)."""
        self.picker.setCurrentIndex(next(i for i, s in enumerate(self.listed) if s.title == title))

    def _show(self, result: SurveyResult | None) -> None:
        switched = result is None or self.current is None or result.id != self.current.id
        self.current = result
        self.empty.setVisible(result is None)
        self.detail.setVisible(result is not None)
        for widget in (self.edit_button, self.delete_button, self.questions_button,
                       self.entry_button, self.copy_button):
            widget.setEnabled(result is not None)
        self._arrange()
        if switched:
            self._clear_errors()
        forms = result is not None and result.entry == "forms"
        self.model.editable = not forms
        self.model.set_result(result)
        areas = [(n.id, n.name) for n in neighbourhoods.list_neighbourhoods(
            self.store, self.council_id)] if forms and self.council_id else []
        self.forms_tab.show_survey(result, areas)
        for tab in (self.area_tab, self.cross_tab, self.open_tab):
            tab.show_survey(result)
        if result is None:
            return
        about = [f"実施日: {wareki(result.conducted_on) or '未記入'}",
                 "回答用紙を1枚ずつ入力" if forms else "合計を入力"]
        if result.note:
            about.append(f"備考: {result.note}")
        self.about.setText("　".join(about))
        returned = self.count_fields["returned"]
        returned.setReadOnly(forms)
        returned.setToolTip("入力した回答用紙の数です（用紙を入力すると増えます）" if forms else
                            "戻ってきた枚数（配布数より多くはなりません）。直して Enter を押すと保存します")
        for name in ("distributed", "returned"):
            if switched or not self.count_fields[name].property("invalid"):
                self.count_fields[name].setText(number(getattr(result, name)))
        self.rate.setText(rate_text(result))
        self.warnings.setText("\n".join(f"注意: {w}" for w in result.warnings))
        self.warnings.setVisible(bool(result.warnings))
        self.help.setText("数は回答用紙から数えています。割合は、その問の答えの合計をもとにしています。"
                          if forms else "数は二回押すと直せます。割合は、その問の答えの合計をもとに"
                          "すぐ計算し直されます。")

    def _layout_rows(self) -> None:
        """Numbers stay next to their choice (no wide gap to read across); the choice column
        wraps when the window is narrow rather than pushing the numbers out of sight."""
        header = self.table.horizontalHeader()
        natural = [max(self.table.sizeHintForColumn(c), header.sectionSizeHint(c)) + 8
                   for c in range(3)]
        width = self.table.viewport().width() - 4
        # The bars are a help, not the data: on a narrow screen they give way to the words.
        bars = width - sum(natural) >= BAR_MIN
        self.table.setColumnHidden(3, not bars)
        room = width - natural[1] - natural[2] - (BAR_MIN if bars else 0)
        header.resizeSection(0, max(160, min(natural[0], room)))
        header.resizeSection(1, natural[1])
        header.resizeSection(2, natural[2])
        for row, (_q, choice) in enumerate(self.model.rows):
            self.table.setRowHeight(row, self.table.sizeHintForRow(row) + (10 if choice is None else 4))

    def showEvent(self, event) -> None:
        view = self.parentWidget()
        if view is not None and not view.property("survey_watched"):
            view.setProperty("survey_watched", True)
            view.installEventFilter(self)  # the window narrowed: fold buttons again
        super().showEvent(event)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            if watched is self.table.viewport():
                self._layout_rows()
            elif watched is self.parentWidget():
                self._arrange()
        return super().eventFilter(watched, event)

    def _clear_errors(self) -> None:
        for name, edit in self.count_fields.items():
            self._mark_field(name, None)
            edit.setProperty("invalid", False)
        self.table_error.hide()
        self.help.show()
        self.table.setProperty("invalid", False)
        self.table.style().polish(self.table)

    def _mark_field(self, name: str, message: str | None) -> None:
        edit, error = self.count_fields[name], self.count_errors[name]
        edit.setProperty("invalid", message is not None)
        edit.style().polish(edit)
        error.setText(message or "")
        error.setVisible(message is not None)

    # --- edits of the counts --------------------------------------------------------------------
    def set_count(self, choice: ChoiceResult, text: str) -> bool:
        """Save one choice's count through the controller (undoable). A refused value leaves
        the stored count as it was; the cell is marked and the message is shown under the table."""
        result = self.current
        if result is None:
            return False
        try:
            self.controller.update(
                f"「{choice.text}」の数を直す", "survey_choice", choice.id,
                lambda: surveys.set_choice_count(self.store, choice.id, text), {"surveys"})
        except UserError as exc:
            self.model.mark(choice.id, str(exc))
            self.table_error.setText(f"{exc}（数は {choice.count:,} のまま）")
            self.table_error.show()
            self.help.hide()
            self.table.setProperty("invalid", True)
            self.table.style().polish(self.table)
            return False
        self.model.mark(choice.id, None)
        if not self.model.invalid:
            self.table_error.hide()
            self.help.show()
            self.table.setProperty("invalid", False)
            self.table.style().polish(self.table)
        return True

    def save_count_field(self, name: str) -> bool:
        """配布数 / 回収数 typed in the field: saved (undoable) or refused with the message at it."""
        result, edit = self.current, self.count_fields[name]
        if result is None or edit.isReadOnly():
            return False
        text = edit.text()
        if text.strip() == number(getattr(result, name)):
            self._mark_field(name, None)
            return True
        field_label = "配布数" if name == "distributed" else "回収数"
        try:
            self.update_fields(f"{field_label}を直す", result, {name: text})
        except ValidationError as exc:
            # The service names 回収数 when the pair disagrees; say it where the user typed.
            self._mark_field(name, exc.reason if exc.field == field_label else str(exc))
            return False
        except UserError as exc:
            self._mark_field(name, str(exc))
            return False
        self._mark_field(name, None)
        edit.setText(number(getattr(self.current, name)) if self.current else text)
        return True
