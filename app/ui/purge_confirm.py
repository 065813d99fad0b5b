"""The delete confirmation of the members page with 「バックアップからも完全に消す」, and the
purge that follows a delete when it is checked (app/services/purge.py)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QCheckBox, QMessageBox, QWidget

from app.errors import UserError
from app.ui.widgets import show_error

PURGE_LABEL = "バックアップからも完全に消す"
PURGE_TIP = ("バックアップ（最長1年残ります）からもこの人の情報を消します。"
             "消すと、バックアップから戻してもこの人は戻りません。")


def confirm_member_delete(parent: QWidget, what: str) -> tuple[bool, bool]:
    """(delete?, purge from the backups too?): the usual question, with the safe choice as
    default and the check box off."""
    box = QMessageBox(parent)
    box.setObjectName("memberDeleteDialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("削除の確認")
    box.setText(f"{what}を削除しますか？")
    box.setInformativeText("削除しても「元に戻す」（Ctrl+Z）で戻せます。バックアップには残ります。"
                           f"「{PURGE_LABEL}」を選ぶと、バックアップからも消します（戻せません）。")
    check = QCheckBox(PURGE_LABEL)
    check.setToolTip(PURGE_TIP)
    box.setCheckBox(check)
    yes = box.addButton("削除する", QMessageBox.ButtonRole.DestructiveRole)
    no = box.addButton("やめる", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.exec()
    deleting = box.clickedButton() is yes
    return deleting, deleting and check.isChecked()


def purge_deleted(page, member_ids: Iterable[str]) -> None:
    """After the members were deleted: rewrite the backups without them; says how many."""
    from app.services import purge

    changed: set[str] = set()
    try:
        for member_id in member_ids:
            report = purge.purge_member(page.store, member_id)
            changed.update(str(p) for p in report.changed)
    except UserError as exc:
        show_error(page, str(exc))
        return
    page.controller.message.emit(f"{len(changed)}個のバックアップからも消しました")
