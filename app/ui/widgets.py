"""Reusable pieces: 和暦 date field, form dialog with messages beside fields, DTO table model,
confirmations and error dialogs in plain Japanese.

Every dialog that edits something is an `EditDialog`: Enter (which also confirms the Japanese
input method's conversion) moves to the next field and never saves; Ctrl+Enter or 保存する
saves; Esc, やめる and the close box ask before throwing typed input away."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
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
    QPushButton,
    QScrollArea,
    QStyledItemDelegate,
    QTableView,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError, ValidationError
from app.services.normalize import to_date
from app.services.wareki import wareki
from app.ui.basics import button, label

__all__ = ["button", "label", "wareki"]  # re-exported: pages take every building block from here

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
DTO_ROLE = Qt.ItemDataRole.UserRole + 2


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
    key: str = ""        # the service field's name when the input's differs (町内会 by name: neighbourhood_id)


def form_fields(fields: Sequence[Any], choices: dict[str, Sequence[str]] | None = None,
                only: Sequence[str] | None = None) -> list[FormField]:
    """The form's inputs from the service's field declarations (base.Field): label, kind and tip
    as declared; `choices` adds the options read from the data (役割, 町内会) by the field's key;
    `only` picks and orders the fields a form shows (by key)."""
    by_key = {f.key: f for f in fields}
    chosen = [by_key[k] for k in only] if only is not None else [f for f in fields if f.kind]
    return [FormField(f.key, f.label, f.kind, (choices or {}).get(f.key, f.choices), f.tip,
                      f.name if f.name != f.key else "")
            for f in chosen]


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


def make_input(field: FormField, value: Any) -> QWidget:
    """The input for a field's kind, holding `value`: the one place every form builds its inputs."""
    if field.kind == "date":
        widget: QWidget = DateField(field.label)
    elif field.kind == "bool":
        widget = QCheckBox()
    elif field.kind == "choice":
        widget = QComboBox()
        widget.addItems(list(field.choices))
    elif field.kind == "multi":
        widget = CheckGroup(field.choices, ())
    elif field.kind == "long":
        widget = QPlainTextEdit()
        widget.setTabChangesFocus(True)  # Tab moves on, as everywhere else; Enter is a new line
        widget.setMinimumHeight(80)
    else:
        widget = QLineEdit()
    set_input(widget, value)
    return widget


def set_input(widget: QWidget, value: Any) -> None:
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
        if isinstance(widget, QLineEdit):
            widget.setCursorPosition(0)  # a long name or title shows its beginning, not its end


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """The red frame on an input a message is about (an editor made of parts marks its line)."""
    target = getattr(widget, "line", widget)
    target.setProperty("invalid", invalid)
    target.style().polish(target)


def show_field_error(exc: UserError, inputs: dict[str, QWidget], errors: dict[str, QLabel],
                     by_label: dict[str, str], general: QLabel, *, focus: bool = True,
                     by_name: dict[str, str] | None = None) -> None:
    """A ValidationError naming a field goes under that field and marks it; anything else goes
    to the general line. The field is found by its key first (`exc.name`, through `by_name`, or
    an input of that name), then by its label."""
    for name, error in errors.items():
        error.hide()
        mark_invalid(inputs[name], False)
    general.hide()
    key = getattr(exc, "name", None)
    name = None
    if key:
        name = by_name.get(key) if by_name is not None else (key if key in inputs else None)
    if name is None:
        name = by_label.get(getattr(exc, "field", ""))
    if name is not None:
        errors[name].setText(exc.reason)
        errors[name].show()
        mark_invalid(inputs[name], True)
        if focus:
            inputs[name].setFocus()
    else:
        general.setText(str(exc))
        general.show()


class FormPanel(QWidget):
    """Labelled inputs with a message line under each: a ValidationError naming a field (by its
    key, else by its label) is shown under that field and marks it; other errors go to the line
    at the bottom."""

    def __init__(self, fields: Sequence[FormField], values: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._by_label: dict[str, str] = {}
        self._by_name: dict[str, str] = {}
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for field in fields:
            widget = make_input(field, (values or {}).get(field.name))
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
            self._by_name[field.name] = field.name
            if field.key:
                self._by_name[field.key] = field.name
        self.general_error = label("", "error", wrap=True)
        self.general_error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.general_error)

    def set_values(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if name in self.inputs:
                set_input(self.inputs[name], value)
        self.clear_errors()

    def values(self) -> dict[str, Any]:
        return {name: input_value(widget) for name, widget in self.inputs.items()}

    def clear_errors(self) -> None:
        for name, error in self.errors.items():
            error.hide()
            mark_invalid(self.inputs[name], False)
        self.general_error.hide()

    def show_error(self, exc: UserError, *, focus: bool = True) -> None:
        show_field_error(exc, self.inputs, self.errors, self._by_label, self.general_error,
                         focus=focus, by_name=self._by_name)


DISCARD_QUESTION = "入力した内容を保存せずに閉じますか？"


def confirm_discard(parent: QWidget) -> bool:
    """Asked before typed input is thrown away; the safe answer (閉じない) is the default."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("閉じる前の確認")
    box.setText(DISCARD_QUESTION)
    discard = box.addButton("保存せずに閉じる", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("閉じない", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is discard


def input_state(root: QWidget) -> list[Any]:
    """What every input under `root` shows, in order: compared with the state at opening to
    know whether anything was changed (dates as typed, so a wrong date counts too)."""
    state: list[Any] = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLineEdit):
            state.append(widget.text())
        elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
            state.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            state.append(widget.currentText())
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            state.append(widget.isChecked())
        elif isinstance(widget, QAbstractSpinBox):
            state.append(widget.text())
    return state


def save_cancel_buttons(dialog: QDialog, on_save: Callable[[], Any]) -> QDialogButtonBox:
    """保存する and やめる: the same two words in every dialog. Neither is a default button: Enter
    confirms the input method and moves on, it never saves (Ctrl+Enter does, see EditDialog)."""
    buttons = QDialogButtonBox()
    save = buttons.addButton("保存する", QDialogButtonBox.ButtonRole.AcceptRole)
    save.setProperty("role", "primary")
    save.setToolTip("入力した内容を保存します（Ctrl+Enter でも保存できます）")
    cancel = buttons.addButton("やめる", QDialogButtonBox.ButtonRole.RejectRole)
    cancel.setToolTip("保存せずに閉じます")
    for b in (save, cancel):
        b.setAutoDefault(False)
        b.setDefault(False)
    buttons.accepted.connect(on_save)
    buttons.rejected.connect(getattr(dialog, "request_close", dialog.reject))
    if isinstance(dialog, EditDialog):
        dialog.save_button, dialog.cancel_button = save, cancel
    return buttons


class EditDialog(QDialog):
    """A dialog that edits something: the keys behave the same in every form.

    - Enter (Return or the keypad's) in a one-line input moves to the next input; the input
      method's conversion is confirmed with Enter too, so Enter must never save or close.
    - In a multi-line input Enter is a new line (the input keeps the key).
    - Ctrl+Enter anywhere, or 保存する, saves (`save()`).
    - Esc, やめる and the close box close at once when nothing was changed since the dialog
      opened, and otherwise ask first (閉じない is the default).
    `reject()` itself stays a plain close for the program's own use.
    """

    save_button: QPushButton | None = None
    cancel_button: QPushButton | None = None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._opening_state: list[Any] | None = None
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._save_by_key)

    # --- what subclasses give ---------------------------------------------------------------
    def save(self) -> None:
        """Save and close, or show what is wrong and stay open."""
        self._save()

    def _save(self) -> None:
        raise NotImplementedError

    # --- changes ------------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802
        if self._opening_state is None:
            self.mark_unchanged()
        for b in self.findChildren(QPushButton):
            b.setAutoDefault(False)  # a focused button must not take Enter either
            b.setDefault(False)
        super().showEvent(event)

    def mark_unchanged(self) -> None:
        self._opening_state = input_state(self)

    def has_changes(self) -> bool:
        return self._opening_state is not None and input_state(self) != self._opening_state

    def request_close(self) -> bool:
        """Esc, やめる, the close box: True when the dialog closed."""
        if self.cancel_button is not None and not self.cancel_button.isEnabled():
            return False  # covered by the lock
        if self.has_changes() and not confirm_discard(self):
            return False
        self.reject()
        return True

    # --- keys ---------------------------------------------------------------------------------
    def _save_by_key(self) -> None:
        if self.save_button is not None:
            self.save_button.click()  # does nothing while the button is disabled (lock)
        else:
            self.save()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self._save_by_key()
            else:
                self.move_to_next_input()
            event.accept()
            return
        if key == Qt.Key.Key_Escape:
            event.accept()
            self.request_close()
            return
        super().keyPressEvent(event)

    def move_to_next_input(self) -> None:
        self.focusNextChild()
        focused = self.focusWidget()
        parent = focused.parentWidget() if focused is not None else None
        while parent is not None and parent is not self:
            if isinstance(parent, QScrollArea):
                parent.ensureWidgetVisible(focused)
            parent = parent.parentWidget()

    def closeEvent(self, event) -> None:  # noqa: N802
        # The close box (accept() and reject() hide the dialog without a close event).
        if self.isVisible() and self.has_changes() and not confirm_discard(self):
            event.ignore()
            return
        super().closeEvent(event)


class FormDialog(EditDialog):
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


class ChoiceDelegate(QStyledItemDelegate):
    """A table column holding one of a closed list: the cell is a drop-down of the allowed
    values (opened as a persistent editor it is always visible), never free text."""

    def __init__(self, choices: Sequence[str], parent: QObject | None = None,
                 placeholder: str = "選んでください") -> None:
        super().__init__(parent)
        self.choices, self.placeholder = list(choices), placeholder

    def createEditor(self, parent: QWidget, _option, _index) -> QWidget:  # noqa: N802
        combo = QComboBox(parent)
        combo.addItems(self.choices)
        combo.setPlaceholderText(self.placeholder)
        combo.setCurrentIndex(-1)
        combo.currentIndexChanged.connect(lambda _i, c=combo: self.commitData.emit(c))
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:  # noqa: N802
        editor.blockSignals(True)  # showing the value is not an edit
        editor.setCurrentIndex(editor.findText(index.data() or ""))
        editor.blockSignals(False)

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:  # noqa: N802
        if editor.currentIndex() >= 0 and editor.currentText() != (index.data() or ""):
            model.setData(index, editor.currentText())


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


def enable_with_selection(view: QAbstractItemView, *buttons: QWidget) -> Callable[[], None]:
    """Buttons that act on the chosen rows (編集, 削除, 確認済みにする, ...) are greyed out while
    nothing is chosen, so nobody presses them to be told to choose first. Returns the update,
    for a page that changes the model itself."""
    def update() -> None:
        chosen = view.selectionModel() is not None and view.selectionModel().hasSelection()
        for b in buttons:
            b.setEnabled(chosen)

    view.selectionModel().selectionChanged.connect(lambda *_: update())
    model = view.model()
    for signal in (model.modelReset, model.rowsRemoved, model.layoutChanged):
        signal.connect(lambda *_: update())
    update()
    return update


def empty_hint(text: str) -> QLabel:
    """What to do when a list is still empty, shown above the empty table (the page shows it
    when it has no rows at all, not when a filter hides them)."""
    hint = label(text, "hint", wrap=True)
    hint.hide()
    return hint


def run_dialog(dialog: QDialog, modal: bool = True) -> QDialog:
    """Modal in use; tests pass modal=False, get the dialog at once and drive it."""
    if modal:
        dialog.exec()
    else:
        dialog.show()
    return dialog


def confirm_delete(parent: QWidget, what: str, *, question: str = "",
                   detail: str = "削除しても「元に戻す」（Ctrl+Z）で戻せます。") -> bool:
    """Deleting always asks first, with the thing named and the safe choice as default."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("削除の確認")
    box.setText(question or f"{what}を削除しますか？")
    box.setInformativeText(detail)
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
