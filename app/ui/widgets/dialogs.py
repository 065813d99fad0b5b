"""Dialogs: the keys every editing dialog shares, the form dialog, the one way a dialog is
sized to the screen, and the plain-Japanese confirmations and error boxes.

Every dialog that edits something is an `EditDialog`: Enter (which also confirms the Japanese
input method's conversion) moves to the next field and never saves; Ctrl+Enter or 保存する
saves; Esc, やめる and the close box ask before throwing typed input away."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.ui.widgets.forms import FormField, FormPanel

# Room a dialog leaves on the screen for its frame and the task bar.
SCREEN_MARGIN = QSize(40, 60)


def text_size(widget: QWidget, chars: int, lines: int) -> QSize:
    """A size in characters and lines of the widget's font, so 文字を大きく grows it too."""
    metrics = widget.fontMetrics()
    return QSize(metrics.horizontalAdvance("あ") * chars, metrics.height() * lines)


def screen_room(dialog: QWidget, available: QSize | None = None) -> QSize | None:
    """How big a dialog may be: the free area of the screen it opens on (or `available`) less
    SCREEN_MARGIN; None when there is no screen to ask."""
    if available is None:
        screen = (dialog.parentWidget() or dialog).screen()
        available = screen.availableGeometry().size() if screen is not None else None
    return None if available is None else available - SCREEN_MARGIN


def fit_to_screen(dialog: QWidget, wanted: QSize, available: QSize | None = None) -> None:
    """The one way a dialog is sized: as big as it wants (its content's hint, a fixed size or
    `text_size`), never bigger than `screen_room` (large text on a 1024×700 display); what does
    not fit scrolls."""
    room = screen_room(dialog, available)
    dialog.resize(wanted if room is None else wanted.boundedTo(room))


def scroll_area(content: QWidget) -> QScrollArea:
    """A form scrolls when the screen is small (large text on a 1024×700 display) rather than
    squeezing its rows; the dialog's buttons stay outside it, always in view."""
    scroller = QScrollArea()
    scroller.setWidget(content)
    scroller.setWidgetResizable(True)
    scroller.setFrameShape(QFrame.Shape.NoFrame)
    return scroller


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

    def _finish(self, save: Callable[[], Any]) -> None:
        """Run the dialog's save: its result kept in `result_value` and the dialog closed, or a
        UserError shown (`show_error`) with the dialog left open as typed."""
        try:
            self.result_value = save()
        except UserError as exc:
            self.show_error(exc)
            return
        self.accept()

    def show_error(self, exc: UserError) -> None:
        raise NotImplementedError

    # --- changes ------------------------------------------------------------------------------
    def showEvent(self, event) -> None:
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

    def keyPressEvent(self, event) -> None:
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

    def closeEvent(self, event) -> None:
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
        self.buttons = save_cancel_buttons(self, self._save)
        self.scroller = scroll_area(self.panel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroller, 1)
        layout.addWidget(self.buttons)
        hint = self.panel.sizeHint()
        fit_to_screen(self, QSize(hint.width() + 40,
                                  hint.height() + self.buttons.sizeHint().height() + 40))

    def values(self) -> dict[str, Any]:
        return self.panel.values()

    def show_error(self, exc: UserError) -> None:
        self.panel.show_error(exc)

    def _save(self) -> None:
        self._finish(lambda: self._on_save(self.values()))


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
