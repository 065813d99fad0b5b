"""Reusable pieces: 和暦 date field, form dialog with messages beside fields, DTO table model,
confirmations and error dialogs in plain Japanese."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError, ValidationError
from app.services.normalize import to_date
from app.services.wareki import format_wareki
from app.ui.basics import button, label

__all__ = ["button", "label"]  # re-exported: pages take every building block from here

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
DTO_ROLE = Qt.ItemDataRole.UserRole + 2


def wareki(day: dt.date | None) -> str:
    return format_wareki(day) if day else ""


class DateField(QLineEdit):
    """Accepts 令和7年4月1日, R7.4.1, 2025-04-01, 2025/4/1, 全角 too; shows 和暦, 西暦 on hover."""

    def __init__(self, field_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field_label = field_label
        self.setPlaceholderText("例: 令和7年4月1日 / 2025-04-01")
        self.editingFinished.connect(self._tidy)

    def set_date(self, day: dt.date | None) -> None:
        self.setText(wareki(day))
        self.setToolTip(day.isoformat() if day else "")

    def date(self) -> dt.date | None:
        """The date typed, or a ValidationError naming this field."""
        return to_date(self.text(), self.field_label)

    def _tidy(self) -> None:
        try:
            day = self.date()
        except ValidationError:
            return  # left as typed; the dialog shows the message on saving
        self.set_date(day)


class CheckGroup(QWidget):
    """Several choices that may all apply (roles): a grid of labelled checkboxes."""

    def __init__(self, choices: Sequence[str], checked: Sequence[str], columns: int = 4) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for i, choice in enumerate(choices):
            box = QCheckBox(choice)
            box.setChecked(choice in checked)
            grid.addWidget(box, i // columns, i % columns)
            self.boxes[choice] = box

    def checked(self) -> list[str]:
        return [name for name, box in self.boxes.items() if box.isChecked()]


@dataclasses.dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str = "text"   # text | long | date | bool | choice | multi (several checkboxes)
    choices: Sequence[str] = ()
    tip: str = ""


def input_value(widget: QWidget) -> Any:
    """What a form input holds, as the services take it; a DateField may raise ValidationError
    naming its field. Anything else with text() (QLineEdit, custom editors) gives its text."""
    if isinstance(widget, DateField):
        return widget.date()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, CheckGroup):
        return widget.checked()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    return widget.text()


class FormPanel(QWidget):
    """Labelled inputs with a message line under each: a ValidationError naming a field's label
    is shown under that field and marks it; other errors go to the line at the bottom."""

    def __init__(self, fields: Sequence[FormField], values: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._by_label: dict[str, str] = {}
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for field in fields:
            widget = self._make(field, (values or {}).get(field.name))
            widget.setToolTip(field.tip or field.label)
            error = label("", "error", wrap=True)
            error.hide()
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(widget)
            box.addWidget(error)
            form.addRow(field.label, box)
            self.inputs[field.name], self.errors[field.name] = widget, error
            self._by_label[field.label] = field.name
        self.general_error = label("", "error", wrap=True)
        self.general_error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.general_error)

    @staticmethod
    def _make(field: FormField, value: Any) -> QWidget:
        if field.kind == "date":
            widget = DateField(field.label)
        elif field.kind == "bool":
            widget = QCheckBox()
        elif field.kind == "choice":
            widget = QComboBox()
            widget.addItems(list(field.choices))
        elif field.kind == "multi":
            widget = CheckGroup(field.choices, ())
        elif field.kind == "long":
            widget = QPlainTextEdit()
            widget.setMinimumHeight(80)
        else:
            widget = QLineEdit()
        FormPanel._set(widget, value)
        return widget

    @staticmethod
    def _set(widget: QWidget, value: Any) -> None:
        if isinstance(widget, DateField):
            widget.set_date(value)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QComboBox):
            if value is not None and widget.findText(str(value)) >= 0:
                widget.setCurrentText(str(value))
        elif isinstance(widget, CheckGroup):
            for name, box in widget.boxes.items():
                box.setChecked(name in (value or ()))
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText("" if value is None else str(value))
        else:
            widget.setText("" if value is None else str(value))

    def set_values(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if name in self.inputs:
                self._set(self.inputs[name], value)
        self.clear_errors()

    def values(self) -> dict[str, Any]:
        return {name: input_value(widget) for name, widget in self.inputs.items()}

    def clear_errors(self) -> None:
        for name, error in self.errors.items():
            error.hide()
            self.inputs[name].setProperty("invalid", False)
            self.inputs[name].style().polish(self.inputs[name])
        self.general_error.hide()

    def show_error(self, exc: UserError) -> None:
        self.clear_errors()
        name = self._by_label.get(getattr(exc, "field", ""))
        if name is not None:
            self.errors[name].setText(exc.reason)
            self.errors[name].show()
            self.inputs[name].setProperty("invalid", True)
            self.inputs[name].style().polish(self.inputs[name])
            self.inputs[name].setFocus()
        else:
            self.general_error.setText(str(exc))
            self.general_error.show()


def save_cancel_buttons(dialog: QDialog, on_save: Callable[[], Any]) -> QDialogButtonBox:
    """保存する (default, Enter) and やめる (Esc): the same two words in every dialog."""
    buttons = QDialogButtonBox()
    save = buttons.addButton("保存する", QDialogButtonBox.ButtonRole.AcceptRole)
    save.setProperty("role", "primary")
    save.setDefault(True)
    buttons.addButton("やめる", QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(on_save)
    buttons.rejected.connect(dialog.reject)
    return buttons


class FormDialog(QDialog):
    """A FormPanel with 保存する / やめる: saving may raise ValidationError, and then the message
    appears under the field it names and the dialog stays open with everything as typed."""

    def __init__(self, title: str, fields: Sequence[FormField], values: dict[str, Any],
                 on_save: Callable[[dict[str, Any]], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._on_save = on_save
        self.result_value: Any = None
        self.panel = FormPanel(fields, values)
        self.inputs, self.errors = self.panel.inputs, self.panel.errors
        self.general_error = self.panel.general_error
        buttons = save_cancel_buttons(self, self._save)
        # The form scrolls when the screen is small (large text on a 1024×700 display) rather
        # than squeezing its rows; the buttons always stay in view.
        scroller = QScrollArea()
        scroller.setWidget(self.panel)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.addWidget(scroller, 1)
        layout.addWidget(buttons)
        hint = self.panel.sizeHint()
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = hint.width() + 40, hint.height() + buttons.sizeHint().height() + 40
        if screen is not None:
            width, height = min(width, screen.width() * 9 // 10), min(height, screen.height() * 9 // 10)
        self.resize(width, height)

    def values(self) -> dict[str, Any]:
        return self.panel.values()

    def show_error(self, exc: UserError) -> None:
        self.panel.show_error(exc)

    def _save(self) -> None:
        try:
            self.result_value = self._on_save(self.values())
        except UserError as exc:
            self.show_error(exc)
            return
        self.accept()


@dataclasses.dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None
    align_right: bool = False


class DtoTableModel(QAbstractTableModel):
    """Rows are DTOs; columns are declared once. SORT_ROLE gives the proxy a sortable key."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == SORT_ROLE:
            return column.sort(row) if column.sort else column.text(row)
        if role == DTO_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].header
        return None


def record_table(model: QAbstractTableModel, *, single: bool = False) -> QTableView:
    """A list of records: whole rows are chosen (one at a time when `single`), never typed in;
    edits go through the page's dialogs."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return table


def confirm_delete(parent: QWidget, what: str) -> bool:
    """Deleting always asks first, with the thing named and the safe choice as default."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("削除の確認")
    box.setText(f"{what}を削除しますか？")
    box.setInformativeText("削除しても「元に戻す」（Ctrl+Z）で戻せます。")
    yes = box.addButton("削除する", QMessageBox.ButtonRole.DestructiveRole)
    no = box.addButton("やめる", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes


def show_error(parent: QWidget | None, message: str) -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("うまくいきませんでした")
    box.setText(message)
    box.addButton("閉じる", QMessageBox.ButtonRole.AcceptRole)
    box.exec()
