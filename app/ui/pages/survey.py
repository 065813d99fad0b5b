"""アンケート: a council's questionnaires with their counts. Each percentage comes from the
service (count / that question's total answers); a count is corrected in place and the
percentages follow at once; every correction can be undone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError, ValidationError
from app.models import QUESTION_KINDS
from app.services import surveys
from app.services.surveys import ChoiceResult, QuestionResult, SurveyResult
from app.ui.pages.base import Page
from app.ui.widgets import (
    DateField,
    EditDialog,
    FormDialog,
    FormField,
    button,
    confirm_delete,
    label,
    save_cancel_buttons,
    wareki,
)

QUESTION_BACKGROUND = QColor("#e8eef5")
INVALID_BACKGROUND = QColor("#fde2e2")
KIND_BY_LABEL = {text: kind for kind, text in QUESTION_KINDS.items()}
PERCENT_ROLE = Qt.ItemDataRole.UserRole + 10
BAR_MIN = 90
BAR_COLOUR = QColor("#5b8fc7")


def number(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def rate_text(result: SurveyResult) -> str:
    """「回収率 28.3%（778 / 2,745）」 from the service's rate; blank parts are said, not guessed."""
    if result.response_rate is None:
        return "回収率: 配布数と回収数を入れると出ます"
    return (f"回収率 {result.response_rate}%（{number(result.returned)} / "
            f"{number(result.distributed)}）")


class BarDelegate(QStyledItemDelegate):
    """A bar as long as the percentage (the service's number), for reading at a glance."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        value = index.data(PERCENT_ROLE)
        if value is None:
            return
        rect = option.rect.adjusted(4, 6, -4, -6)
        painter.save()
        painter.fillRect(rect.x(), rect.y(), round(rect.width() * min(value, 100) / 100),
                         rect.height(), BAR_COLOUR)
        painter.restore()


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

    def row_of(self, choice_id: str) -> int:
        return next(r for r, (_q, c) in enumerate(self.rows) if c is not None and c.id == choice_id)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and index.column() == 1 and self.rows[index.row()][1] is not None:
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
            return (choice.text, f"{choice.count:,}", percent, "")[column]
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
            if choice is None:
                return (f"問{question.number}の答えの合計 {question.total:,}。"
                        "割合は、この合計をもとに計算しています")
            if choice.id in self.invalid:
                return self.invalid[choice.id]
            if column == 1:
                return "数を二回押して直すと、割合がすぐ計算し直されます（全角の数字も使えます）"
            if column in (2, 3):
                return f"{choice.count:,} ÷ 問{question.number}の合計 {question.total:,}"
        return None

    def setData(self, index: QModelIndex, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != 1:
            return False
        choice = self.rows[index.row()][1]
        if choice is None:
            return False
        return self.on_edit(choice, "" if value is None else str(value))


class SurveyPage(Page):
    key = "survey"
    title = "アンケート"
    areas = frozenset({"surveys", "council"})

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.listed: list[SurveyResult] = []
        self.current: SurveyResult | None = None
        picker = QHBoxLayout()
        self.picker = QComboBox()
        self.picker.setToolTip("見るアンケートを選びます")
        self.picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.picker.setMinimumContentsLength(12)
        self.picker.currentIndexChanged.connect(self._picked)
        picker.addWidget(label("アンケート"))
        picker.addWidget(self.picker, 1)
        self.body.addLayout(picker)
        self.empty = label("この協議体のアンケートはまだありません。下の「アンケートを作る」から"
                           "記録できます。", wrap=True)
        self.body.addWidget(self.empty)

        self.detail = QWidget()
        box = QVBoxLayout(self.detail)
        box.setContentsMargins(0, 0, 0, 0)
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
            edit.setMaximumWidth(140)
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.editingFinished.connect(lambda n=name: self.save_count_field(n))
            error = label("", "error", wrap=True)
            error.hide()
            counts.addWidget(label(text), 0, column * 2)
            counts.addWidget(edit, 0, column * 2 + 1)
            counts.addWidget(error, 1, column * 2, 1, 2)
            self.count_fields[name], self.count_errors[name] = edit, error
        counts.setColumnStretch(4, 1)
        box.addLayout(counts)
        self.rate = label("", "subheading", wrap=True)
        self.rate.setToolTip("回収率 = 回収数 ÷ 配布数（自動で計算します）")
        box.addWidget(self.rate)
        self.warnings = label("", "note", wrap=True)
        box.addWidget(self.warnings)

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
        self.help = label("数は二回押すと直せます。割合は、その問の答えの合計をもとに"
                          "すぐ計算し直されます。", "note", wrap=True)
        box.addWidget(self.help)  # gives its place to a message while one is shown
        self.body.addWidget(self.detail, 1)

        actions = QHBoxLayout()
        self.create_button = button("アンケートを作る", self.create, role="primary",
                                    tip="新しいアンケートの題名・問・選択肢を記録します")
        self.edit_button = button("題名・日付を直す", self.edit_details,
                                  tip="このアンケートの題名・実施日・備考を直します")
        self.delete_button = button("削除", self.delete_current, role="danger",
                                    tip="このアンケートを結果ごと削除します（確認があります）")
        for widget in (self.create_button, self.edit_button, self.delete_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        self.body.addLayout(actions)

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
        self.edit_button.setEnabled(result is not None)
        self.delete_button.setEnabled(result is not None)
        if switched:
            self._clear_errors()
        self.model.set_result(result)
        if result is None:
            return
        about = [f"実施日: {wareki(result.conducted_on) or '未記入'}"]
        if result.note:
            about.append(f"備考: {result.note}")
        self.about.setText("　".join(about))
        for name in ("distributed", "returned"):
            if switched or not self.count_fields[name].property("invalid"):
                self.count_fields[name].setText(number(getattr(result, name)))
        self.rate.setText(rate_text(result))
        self.warnings.setText("\n".join(f"注意: {w}" for w in result.warnings))
        self.warnings.setVisible(bool(result.warnings))

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

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._layout_rows()
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

    # --- edits --------------------------------------------------------------------------------
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
        if result is None:
            return False
        text = edit.text()
        if text.strip() == number(getattr(result, name)):
            self._mark_field(name, None)
            return True
        field_label = "配布数" if name == "distributed" else "回収数"
        try:
            self.controller.update(
                f"{field_label}を直す", "survey", result.id,
                lambda: surveys.update_survey(self.store, result.id, {name: text}), {"surveys"})
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

    def edit_details(self) -> FormDialog | None:
        result = self.current
        if result is None:
            return None
        fields = [FormField("title", "題名"), FormField("conducted_on", "実施日", "date"),
                  FormField("note", "備考", "long")]

        def save(values: dict):
            return self.controller.update(
                "アンケートの題名・実施日を直す", "survey", result.id,
                lambda: surveys.update_survey(self.store, result.id, values), {"surveys"})

        return self.open_dialog(FormDialog("アンケートの題名・実施日", fields,
                                     {"title": result.title, "conducted_on": result.conducted_on,
                                      "note": result.note}, save, self))

    def create(self) -> SurveyCreateDialog:
        store, council_id = self.store, self.council_id

        def save(raw: dict, questions: list[dict]):
            created = self.controller.create(
                f"アンケート「{raw['title'] or '（題名なし）'}」を作る", "survey",
                lambda: surveys.create_survey(store, council_id, raw, questions), {"surveys"})
            self.picker.setCurrentIndex(self.picker.findData(created.id))
            return created

        return self.open_dialog(SurveyCreateDialog(save, self))

    def delete_current(self) -> None:
        result = self.current
        if result is None:
            return
        if not confirm_delete(self, f"アンケート「{result.title}」（問{len(result.questions)}つと"
                                    "その結果）"):
            return
        self.controller.delete(f"アンケート「{result.title}」を削除", "survey", result.id,
                               lambda: surveys.delete_survey(self.store, result.id),
                               {"surveys"})


class QuestionBox(QFrame):
    """One question being written: its text, kind, and choices one per line."""

    def __init__(self, number_: int) -> None:
        super().__init__()
        self.setProperty("role", "card")
        grid = QGridLayout(self)
        self.title = label(f"問{number_}", "subheading")
        self.text = QLineEdit()
        self.text.setPlaceholderText("例: 家族構成をお聞きします")
        self.text.setToolTip("問の文")
        self.kind = QComboBox()
        self.kind.addItems(list(KIND_BY_LABEL))
        self.kind.setToolTip("答えをひとつだけ選ぶ問か、いくつでも選べる問か")
        self.choices = QPlainTextEdit()
        self.choices.setPlaceholderText("一行にひとつずつ（例: 一人暮らし）")
        self.choices.setToolTip("選択肢を一行にひとつずつ書きます。数は作ったあとで表に入れます")
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

    def value(self) -> dict:
        lines = [line.strip() for line in self.choices.toPlainText().splitlines()]
        return {"text": self.text.text(), "kind": KIND_BY_LABEL[self.kind.currentText()],
                "choices": [line for line in lines if line]}


class SurveyCreateDialog(EditDialog):
    """Title, 実施日, 配布数, 回収数, and the questions with their choices. A refused value is
    shown at its field (or at its question) and the dialog keeps everything as typed."""

    FIELD_LABELS = {"title": "題名", "conducted_on": "実施日", "distributed": "配布数",
                    "returned": "回収数"}

    def __init__(self, on_save: Callable[[dict, list[dict]], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("アンケートを作る")
        self._on_save = on_save
        self.result_value: Any = None
        self.inputs: dict[str, QLineEdit] = {}
        self.errors: dict[str, Any] = {}
        form = QFormLayout()
        for name, text in self.FIELD_LABELS.items():
            edit = DateField(text) if name == "conducted_on" else QLineEdit()
            edit.setToolTip(text)
            error = label("", "error", wrap=True)
            error.hide()
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(edit)
            cell.addWidget(error)
            form.addRow(text, cell)
            self.inputs[name], self.errors[name] = edit, error
        self.questions: list[QuestionBox] = []
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
        self.general_error = label("", "error", wrap=True)
        self.general_error.hide()
        buttons = save_cancel_buttons(self, self._save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(label("問と選択肢", "subheading"))
        layout.addWidget(scroll, 1)
        layout.addLayout(more)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.add_question()
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(760, screen.width() - 40), min(760, screen.height() - 60))

    def add_question(self) -> QuestionBox:
        box = QuestionBox(len(self.questions) + 1)
        self.question_area.insertWidget(len(self.questions), box)
        box.show()  # at once, not on the next event loop turn
        self.questions.append(box)
        return box

    def remove_question(self) -> None:
        if self.questions:
            self.questions.pop().deleteLater()

    def values(self) -> tuple[dict, list[dict]]:
        raw: dict[str, Any] = {name: edit.text() for name, edit in self.inputs.items()}
        raw["conducted_on"] = self.inputs["conducted_on"].date()  # may raise for this field
        return raw, [q.value() for q in self.questions]

    def show_error(self, exc: UserError) -> None:
        for name, error in self.errors.items():
            error.hide()
            self.inputs[name].setProperty("invalid", False)
            self.inputs[name].style().polish(self.inputs[name])
        for q in self.questions:
            q.error.hide()
        self.general_error.hide()
        where = getattr(exc, "field", "")
        by_label = {text: name for name, text in self.FIELD_LABELS.items()}
        if where in by_label:
            name = by_label[where]
            self.errors[name].setText(exc.reason)
            self.errors[name].show()
            self.inputs[name].setProperty("invalid", True)
            self.inputs[name].style().polish(self.inputs[name])
            self.inputs[name].setFocus()
            return
        kept = getattr(self, "_kept", list(range(len(self.questions))))
        for n, i in enumerate(kept, start=1):
            if where.startswith(f"問{n}の"):
                box = self.questions[i]
                shown = str(exc) if n == i + 1 else f"{exc}（問{i + 1}の欄）"
                box.error.setText(shown)
                box.error.show()
                box.text.setFocus()
                return
        self.general_error.setText(str(exc))
        self.general_error.show()

    def _save(self) -> None:
        try:
            raw, questions = self.values()
            # Blank question boxes are left out; remember which box each kept question is.
            self._kept = [i for i, q in enumerate(questions) if q["text"].strip() or q["choices"]]
            self.result_value = self._on_save(raw, [questions[i] for i in self._kept])
        except UserError as exc:
            self.show_error(exc)
            return
        self.accept()
