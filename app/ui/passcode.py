"""The passcode in the window: asked before an encrypted database is opened, set, changed or
removed from the backup page, and the recovery code shown once. The screen lock itself is
privacy_guard.py."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from app.services import privacy
from app.ui.privacy_guard import MESSAGES, privacy_guard
from app.ui.widgets import FormDialog, FormField


def unlock_at_start(parent: QWidget | None, db_path) -> bool:
    """Before an encrypted database is opened (so before any page is built): ask for the
    passcode until it is right or the person gives up; wrong tries and pauses are said in words."""
    from pathlib import Path

    from PySide6.QtWidgets import QInputDialog

    from app import cipher
    from app.paths import default_db_path

    path = Path(db_path or default_db_path())
    if not cipher.is_encrypted(path) or cipher.key_for(path) is not None:
        return True
    message = MESSAGES["start"]
    while True:
        text, ok = QInputDialog.getText(parent, "ささえあいノート", message,
                                        QLineEdit.EchoMode.Password)
        if not ok:
            return False
        try:
            cipher.unlock(path, text)
            return True
        except cipher.PasscodeError as exc:
            message = f"{exc}\n\n{MESSAGES['start']}"



# --- passcode dialogs ------------------------------------------------------------------------------

def _password_fields(dialog: FormDialog) -> FormDialog:
    for widget in dialog.inputs.values():
        if isinstance(widget, QLineEdit):
            widget.setEchoMode(QLineEdit.EchoMode.Password)
    return dialog


def passcode_dialog(parent: QWidget, controller) -> FormDialog:
    """Set a passcode, or change it (then the current one is asked first)."""
    store = controller.store
    change = privacy.has_passcode(store)
    fields = ([FormField("current", privacy.CURRENT, tip="いま使っているパスコード")] if change else [])
    fields += [FormField("new", privacy.NEW, tip=privacy.NEW_PASSCODE_TIP),
               FormField("again", privacy.AGAIN, tip="確かめのため、同じものをもう一度入れます")]

    def save(values: dict) -> None:
        code = privacy.set_passcode(store, values["new"], values["again"], values.get("current"))
        guard = privacy_guard(controller)
        if guard is not None:
            guard.apply_settings()
        if code:
            show_recovery_code(parent, code)
        controller.message.emit("パスコードを変えました" if change else "パスコードを決めました")

    title = "パスコードを変える" if change else "パスコードを決める"
    return _password_fields(FormDialog(title, fields, {}, save, parent))


def show_recovery_code(parent: QWidget, code: str) -> None:
    """Shown once, right after the passcode is set: the only way back from a forgotten one."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Information, "回復コード",
                      f"回復コード:  {code}\n\n{privacy.RECOVERY_TEXT}", parent=parent)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def remove_passcode_dialog(parent: QWidget, controller) -> FormDialog:
    store = controller.store

    def save(values: dict) -> None:
        privacy.remove_passcode(store, values["current"])
        guard = privacy_guard(controller)
        if guard is not None:
            guard.apply_settings()
        controller.message.emit("パスコードを外しました。画面はロックされなくなります")

    fields = [FormField("current", privacy.CURRENT, tip="外すには、いまのパスコードが必要です")]
    return _password_fields(FormDialog("パスコードを外す", fields, {}, save, parent))
