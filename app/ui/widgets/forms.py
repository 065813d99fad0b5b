"""The form framework: inputs built from the services' field declarations, read back as the
services take them, and a ValidationError shown under the input it names.

`FormPanel` holds a form's inputs and their message lines; `FormDialog` (dialogs.py) puts one
in a dialog with 保存する / やめる. A dialog laid out otherwise (ResourceDialog's two columns)
still makes its rows with `FormPanel.add_field` and registers inputs placed elsewhere with
`FormPanel.register`, so reading values and showing errors work the same everywhere."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError, ValidationError
from app.services.normalize import to_date
from app.services.wareki import wareki
from app.ui.basics import label


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

    def __init__(self, fields: Sequence[FormField] = (), values: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._by_label: dict[str, str] = {}
        self._by_name: dict[str, str] = {}
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for field in fields:
            self.add_field(field, (values or {}).get(field.name))
        self.general_error = label("", "error", wrap=True)
        self.general_error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)

    def add_field(self, field: FormField, value: Any, form: QFormLayout | None = None,
                  row_label: QLabel | None = None) -> QWidget:
        """One row: the field's input holding `value`, its message line under it, and its label
        (`row_label` when the dialog styles its labels); in the panel's form unless `form`."""
        widget = make_input(field, value)
        widget.setToolTip(field.tip or field.label)
        error = label("", "error", wrap=True)
        error.hide()
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(error)
        (self.form if form is None else form).addRow(
            field.label if row_label is None else row_label, box)
        self.register(field.name, field.label, widget, error, key=field.key)
        return widget

    def register(self, name: str, text: str, widget: QWidget, error: QLabel, *, key: str = "") -> None:
        """An input the panel reads and marks: its own rows, and inputs a dialog places itself
        (the schedule editor's text and 祝日は休み) with their message lines."""
        self.inputs[name], self.errors[name] = widget, error
        self._by_label[text] = name
        self._by_name[name] = name
        if key:
            self._by_name[key] = name

    def take_general_error(self) -> QLabel:
        """The general message line, for a dialog that shows it below its other parts (the
        survey's questions, the schedule editor) rather than under the form's last row."""
        self.layout().removeWidget(self.general_error)
        return self.general_error

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
