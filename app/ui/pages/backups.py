"""バックアップ: the list of backups (和暦, reason, size), 今すぐバックアップ, USBメモリに保存,
この時点に戻す; and below it, 個人情報とパスコード: what personal data is, who may see it, the
passcode and the idle-lock minutes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
)

from app.errors import UserError
from app.services import backups, privacy
from app.services.backups import BackupInfo
from app.ui import passcode, privacy_guard, worker
from app.ui.pages.base import Page
from app.ui.widgets import DTO_ROLE, Column, DtoTableModel, button, label, record_table, show_error

COLUMNS = (
    Column("日時", lambda b: b.when_text, lambda b: b.taken_at),
    Column("できたとき", lambda b: b.reason_label),
    Column("大きさ", lambda b: b.size_text, lambda b: b.size, align_right=True),
)

INTRO = ("バックアップは、データの控えです。ささえあいノートを閉じるとき（変更があったとき）と、"
         "ファイルを読み込む前・新しい版に更新する前に、自動で作ります。古いものは少しずつ間引きます。")


def _card() -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("role", "card")
    box = QVBoxLayout(frame)
    box.setContentsMargins(16, 12, 16, 12)
    box.setSpacing(8)
    return frame, box


class _BackupModel(DtoTableModel):
    """The rows, with the 西暦 date and the file name on hover."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            b = self.rows[index.row()]
            return f"{b.taken_at:%Y-%m-%d %H:%M:%S}　{b.path.name}"
        return super().data(index, role)


class BackupsPage(Page):
    key = "backups"
    title = "バックアップ"
    areas = frozenset()  # the list lives in a folder, not in the data; refreshed when shown

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.body.addWidget(label(INTRO, "note", wrap=True))
        self.retention = label(backups.RETENTION_TEXT, "note", wrap=True)  # how long data stays
        self.body.addWidget(self.retention)
        # Without a passcode: a copied file can be read (privacy.file_text says which).
        self.file_notice = label("", "note", wrap=True)
        self.body.addWidget(self.file_notice)
        self.drive_warning = label("", "error", wrap=True)
        self.drive_warning.hide()
        self.body.addWidget(self.drive_warning)

        self.model = _BackupModel(COLUMNS, self)
        self.table = record_table(self.model, single=True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setToolTip("バックアップの一覧です（新しい順）。戻したい時点を選んでください")
        # About eight rows in view. The application font is the style's (the page's own font
        # is only styled once shown), and sizes must not change inside showEvent.
        self.table.setMinimumHeight(QFontMetrics(QApplication.font()).height() * 15)
        self.body.addWidget(self.table, 1)
        self.summary = label("", "note", wrap=True)
        self.body.addWidget(self.summary)
        self.folder = label("", "note")
        # A long folder name must not widen the page; the whole name is in the tooltip.
        self.folder.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(self.folder)

        row = QHBoxLayout()
        self.backup_button = button("今すぐバックアップ", self.backup_now, role="primary",
                                    tip="いまのデータの控えを作ります")
        self.usb_button = button("USBメモリに保存", self.save_to_folder,
                                 tip="いまのデータの控えを、USBメモリなど選んだ場所に保存します")
        self.restore_button = button("この時点に戻す", self.restore_selected, role="danger",
                                     tip="一覧で選んだ時点のデータに戻します（いまの状態は先にバックアップします）")
        for widget in (self.backup_button, self.usb_button):
            row.addWidget(widget)
        row.addStretch(1)
        self.body.addLayout(row)
        restore_row = QHBoxLayout()
        restore_row.addWidget(self.restore_button)
        restore_row.addWidget(label("一覧で選んだ時点のデータに戻します。いまの状態は先にバックアップします。",
                                    "note", wrap=True), 1)
        self.body.addLayout(restore_row)

        self._privacy_section()
        self.drive_lookup = None  # tests: a stand-in for the system's drive-type answer
        # Tests replace these to answer without a modal dialog.
        self.choose_folder = self._choose_folder
        self.ask_restore = self._ask_restore

    # --- 個人情報とパスコード -----------------------------------------------------------------------
    def _privacy_section(self) -> None:
        self.body.addSpacing(8)
        self.body.addWidget(label("個人情報とパスコード", "heading"))
        card, box = _card()
        box.addWidget(label("個人情報とは", "subheading"))
        box.addWidget(label(privacy.PERSONAL_DATA_TEXT, wrap=True))
        box.addWidget(label("見てよい人", "subheading"))
        box.addWidget(label(privacy.WHO_MAY_SEE_TEXT, wrap=True))
        box.addWidget(label("守るために", "subheading"))
        box.addWidget(label(privacy.HOW_TO_PROTECT_TEXT, wrap=True))
        self.body.addWidget(card)

        self.passcode_state = label("", "subheading", wrap=True)
        self.body.addWidget(self.passcode_state)
        row = QHBoxLayout()
        self.passcode_button = button("パスコードを決める", self.open_passcode_dialog, role="primary",
                                      tip="画面のロックを外すためのパスコードを決めます")
        self.remove_button = button("パスコードを外す", self.open_remove_dialog,
                                    tip="パスコードをやめます（いまのパスコードが必要です）")
        self.lock_button = button("今すぐロック", self.lock_now,
                                  tip="席を離れるときに押すと、パスコードを入れるまで画面が隠れます")
        for widget in (self.passcode_button, self.remove_button, self.lock_button):
            row.addWidget(widget)
        row.addStretch(1)
        self.body.addLayout(row)

        idle = QHBoxLayout()
        idle.addWidget(label("操作がないとき、"))
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(*privacy.IDLE_RANGE)
        self.idle_minutes.setSuffix(" 分")
        self.idle_minutes.setToolTip("この時間、マウスもキーボードも使わないと画面をロックします")
        idle.addWidget(self.idle_minutes)
        idle.addWidget(label("でロックする"))
        self.idle_button = button("時間を保存", self.save_idle_minutes,
                                  tip="ロックするまでの時間を保存します")
        idle.addWidget(self.idle_button)
        idle.addStretch(1)
        self.body.addLayout(idle)
        self.idle_error = label("", "error", wrap=True)
        self.idle_error.hide()
        self.body.addWidget(self.idle_error)

    # --- data ---------------------------------------------------------------------------------
    def reload(self) -> None:
        self._stale = False
        self.refresh()  # backups belong to the file, not to a council

    def refresh(self) -> None:
        rows = backups.list_backups(self.store.path)
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        folder = backups.backups_dir(self.store.path)
        self.folder.setText(f"保存場所: {folder}")
        self.folder.setToolTip(str(folder))
        if rows:
            self.summary.setText(f"{len(rows)}個のバックアップ（一番新しいもの: {rows[0].when_text}）")
        else:
            self.summary.setText("バックアップはまだありません。「今すぐバックアップ」で作れます。")
        warning = backups.storage_warning(self.store.path, self.drive_lookup)
        self.drive_warning.setText(warning or "")
        self.drive_warning.setVisible(bool(warning))
        self._show_passcode_state()

    def _show_passcode_state(self) -> None:
        self.file_notice.setText(privacy.file_text(self.store))
        has = privacy.has_passcode(self.store)
        minutes = privacy.idle_minutes(self.store)
        self.idle_minutes.setValue(minutes)
        if has:
            self.passcode_state.setText(f"パスコード: 決めてあります（{minutes}分操作がないとロックします）")
        else:
            self.passcode_state.setText("パスコード: まだ決めていません（画面はロックされません）")
        self.passcode_button.setText("パスコードを変える" if has else "パスコードを決める")
        self.remove_button.setEnabled(has)
        self.lock_button.setEnabled(has)

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.data(rows[0], DTO_ROLE) if rows else None

    # --- actions ------------------------------------------------------------------------------
    # Each on a worker (ui/worker.py) with 中止; stopped, nothing is left half-made.
    def _stopped(self, what: str) -> None:
        self.controller.message.emit(f"{what}を中止しました（何も変えていません）")

    def backup_now(self) -> BackupInfo | None:
        store = self.store
        try:
            info = worker.run(self, "バックアップを作っています…",
                              lambda tell: backups.backup_now(store, progress=tell))
        except worker.Cancelled:
            self._stopped("バックアップ")
            return None
        except (UserError, OSError) as exc:
            show_error(self, f"バックアップを作れませんでした: {exc}")
            return None
        self.refresh()
        self.controller.message.emit(f"バックアップを作りました（{info.when_text}）")
        return info

    def _choose_folder(self) -> Path | None:
        folder = QFileDialog.getExistingDirectory(self, "保存する場所（USBメモリなど）を選んでください")
        return Path(folder) if folder else None

    def save_to_folder(self) -> Path | None:
        folder = self.choose_folder()
        if folder is None:
            return None
        store = self.store
        try:
            saved = worker.run(self, "USBメモリなどに保存しています…",
                               lambda tell: backups.copy_to_folder(store, folder, progress=tell))
        except worker.Cancelled:
            self._stopped("保存")
            return None
        except (UserError, OSError) as exc:
            show_error(self, str(exc))
            return None
        self.controller.message.emit(f"保存しました: {saved}（個人情報が入っています。USBメモリは"
                                     "なくさないよう、しまっておいてください）")
        return saved

    def _ask_restore(self, chosen: BackupInfo) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("この時点に戻す")
        box.setText(f"{chosen.when_text} の状態に戻しますか？")
        box.setInformativeText("いまの状態は、戻す前にバックアップします。"
                               "あとで一覧の「戻す前の状態」を選べば、いまの状態にも戻せます。")
        yes = box.addButton("戻す", QMessageBox.ButtonRole.AcceptRole)
        yes.setToolTip("選んだ時点のデータに戻します")
        no = box.addButton("やめる", QMessageBox.ButtonRole.RejectRole)
        no.setToolTip("何も変えずに閉じます")
        box.setDefaultButton(no)
        box.exec()
        return box.clickedButton() is yes

    def restore_selected(self) -> bool:
        chosen = self.selected()
        if chosen is None:
            self.controller.message.emit("戻したい時点を一覧から選んでください")
            return False
        if not self.ask_restore(chosen):
            return False
        store = self.store
        try:
            report = worker.run(self, f"{chosen.when_text} の状態に戻しています…",
                                lambda tell: backups.restore(store, chosen, progress=tell))
        except worker.Cancelled:
            self.refresh()  # a "before-restore" backup may have been made before 中止
            self._stopped("戻すの")
            return False
        except (UserError, OSError) as exc:
            show_error(self, str(exc))
            return False
        # Every page reads again; undo steps belonged to the replaced data.
        self.controller.replaced(text=f"{report.restored.when_text} の状態に戻しました"
                                      f"（戻す前の状態も {report.safety.when_text} に保存しました）")
        self.refresh()
        return True

    # --- passcode -----------------------------------------------------------------------------
    def open_passcode_dialog(self):
        dialog = passcode.passcode_dialog(self, self.controller)
        dialog.finished.connect(lambda _r: self._show_passcode_state())
        return self.open_dialog(dialog)

    def open_remove_dialog(self):
        dialog = passcode.remove_passcode_dialog(self, self.controller)
        dialog.finished.connect(lambda _r: self._show_passcode_state())
        return self.open_dialog(dialog)

    def save_idle_minutes(self) -> None:
        try:
            minutes = privacy.set_idle_minutes(self.store, self.idle_minutes.value())
        except UserError as exc:
            self.idle_error.setText(str(exc))
            self.idle_error.show()
            return
        self.idle_error.hide()
        guard = privacy_guard.privacy_guard(self.controller)
        if guard is not None:
            guard.apply_settings()
        self._show_passcode_state()
        self.controller.message.emit(f"{minutes}分操作がないとロックするようにしました")

    def lock_now(self) -> None:
        guard = privacy_guard.privacy_guard(self.controller)
        if guard is None or not guard.lock("manual"):
            self.controller.message.emit("パスコードを決めると、ロックできます")


def warn_about_storage(window, controller, lookup=None) -> str | None:
    """At start: when the database is on a USB stick or a network folder, say so once (a
    window-modal message that does not hold up the start) and in the status bar."""
    text = backups.storage_warning(controller.store.path, lookup)
    if text:
        box = QMessageBox(window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("データベースの場所")
        box.setText(text)
        ok = box.addButton("わかりました", QMessageBox.ButtonRole.AcceptRole)
        ok.setToolTip("このお知らせを閉じます")
        box.open()
        window.statusBar().showMessage("データベースが取り外せる場所かネットワーク上にあります", 15000)
    return text
