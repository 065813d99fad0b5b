"""協議体の管理: add, rename and delete councils, add a tier-1 council's councils from a pasted
list, and open the practice data. Every change is one undo step through the controller."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QPlainTextEdit, QVBoxLayout

from app.errors import UserError
from app.services import councils, snapshots
from app.ui.widgets import (
    EditDialog,
    FormDialog,
    FormField,
    confirm_delete,
    label,
    save_cancel_buttons,
    show_error,
)

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

NO_PARENT = "なし（この協議体だけで使う）"
TIERS = ("第2層（日常生活圏域）", "第1層（市全域）")


def fill_council_menu(window: MainWindow) -> None:
    """Built each time the menu opens, so it always matches the chosen council."""
    menu, controller = window.council_menu, window.controller
    menu.clear()
    current = councils.get_council(controller.store, controller.council_id) if controller.council_id else None
    menu.addAction("協議体を追加…", lambda: add_council(window))
    if current is not None:
        if current.tier == 1:
            menu.addAction("下の協議体を一覧から追加…", lambda: add_council_list(window))
        menu.addAction(f"「{current.name}」の名前を変える…", lambda: rename_council(window))
        menu.addAction(f"「{current.name}」を削除…", lambda: delete_council(window))
    menu.addSeparator()
    if controller.practice:
        menu.addAction("本番のデータに戻る", window.back_to_real)
    else:
        menu.addAction("練習用（見本のデータ）を開く", window.open_practice)


def council_fields(store, *, tier_one_ok: bool = True) -> list[FormField]:
    parents = [c.name for c in councils.list_councils(store) if c.tier == 1]
    fields = [FormField("name", "協議体の名前", tip="例: 八幡（「地区」「協議体」はなくても構いません）"),
              FormField("tier", "層", "choice", TIERS if tier_one_ok else TIERS[:1],
                        tip="町内会や地区ごとの協議体は第2層、市全体の協議体は第1層です"),
              FormField("area_name", "地区名", tip="例: 八幡地区（空欄でも構いません）")]
    if parents:
        fields.append(FormField("parent", "上の協議体（第1層）", "choice", (*parents, NO_PARENT),
                                tip="第2層の協議体が属する、市全域の協議体"))
    return fields


def council_values(store, values: dict) -> dict:
    """The form's words as the service takes them."""
    values = dict(values)
    values["tier"] = 1 if values["tier"].startswith("第1層") else 2
    parent = values.pop("parent", NO_PARENT)
    if values["tier"] == 2 and parent != NO_PARENT:
        values["parent_id"] = councils.find_council(store, parent).id
    return values


def add_council(window: MainWindow) -> QDialog:
    controller = window.controller
    store = controller.store

    def save(values: dict) -> object:
        raw = council_values(store, values)
        controller.forget_steps()  # older steps belong to the council shown until now
        made = controller.create(f"協議体「{raw['name']}」を追加", "council",
                                 lambda: councils.create_council(store, raw), areas=())
        window.reload_councils(made.id, keep_undo=True)
        return made

    dialog = FormDialog("協議体を追加", council_fields(store), {}, save, window)
    _run(window, dialog)
    return dialog


def rename_council(window: MainWindow) -> QDialog:
    controller = window.controller
    store, council_id = controller.store, controller.council_id
    current = councils.get_council(store, council_id)
    fields = [FormField("name", "協議体の名前", tip="チラシや名簿に印刷される名前です")]

    def save(values: dict) -> object:
        return controller.update(f"協議体の名前を「{values['name']}」に変更", "council", council_id,
                                 lambda: councils.update_council(store, council_id, {"name": values["name"]}),
                                 areas=("council",))

    dialog = FormDialog("協議体の名前を変える", fields, {"name": current.name}, save, window)
    _run(window, dialog)
    return dialog


def delete_text(store, council_id: str) -> tuple[str, str]:
    """The question and what it takes with it, in numbers a person can check (the same count
    the command line's `council delete` shows)."""
    council = councils.get_council(store, council_id)
    held = councils.describe_records(store, council_id)
    return (f"協議体「{council.name}」とその記録（{held}）をすべて削除しますか？",
            "削除する前にバックアップを作ります。「元に戻す」（Ctrl+Z）でも戻せます。")


def delete_council(window: MainWindow, *, ask: bool = True) -> bool:
    controller = window.controller
    store, council_id = controller.store, controller.council_id
    question, detail = delete_text(store, council_id)
    if ask and not confirm_delete(window, "", question=question, detail=detail):
        return False
    name = councils.get_council(store, council_id).name
    # Older steps were made inside this council: after it is gone they could not run.
    controller.forget_steps()
    try:
        controller.delete(f"協議体「{name}」を削除", "council", council_id,
                          lambda: councils.remove_council(store, council_id), areas=("council",))
    except UserError as exc:
        show_error(window, str(exc))
        return False
    return True


class CouncilListDialog(EditDialog):
    """A tier-1 council adds its councils by pasting their names (one per line, from Excel)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("下の協議体を一覧から追加")
        self.report = None
        layout = QVBoxLayout(self)
        layout.addWidget(label("第2層の協議体の名前を、1行に1つずつ入れてください。"
                               "Excelの列をコピーして貼り付けることもできます。", wrap=True))
        self.names = QPlainTextEdit()
        self.names.setPlaceholderText("例:\n八幡\n豊岡\n中川")
        self.names.setMinimumHeight(self.fontMetrics().height() * 10)
        layout.addWidget(self.names, 1)
        self.error = label("", "error", wrap=True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = save_cancel_buttons(self, self.save)
        self.save_button.setText("追加する")
        layout.addWidget(buttons)

    def _save(self) -> None:
        controller = self.window_.controller
        store, parent_id = controller.store, controller.council_id
        held: list[snapshots.Snapshot] = []

        def undo() -> None:
            held[:] = [snapshots.capture(store, "council", c.id) for c in self.report.created]
            for c in self.report.created:
                snapshots.delete(store, "council", c.id)

        def redo() -> None:
            for snap in held:
                snapshots.restore(store, snap)

        text = self.names.toPlainText()
        controller.forget_steps()
        try:
            self.report = controller.apply(
                "協議体を一覧から追加", lambda: councils.add_councils_from_text(store, parent_id, text),
                undo, redo, areas=("council",))
        except UserError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        said = f"{len(self.report.created)}の協議体を追加しました。"
        if self.report.skipped:
            said += "追加しなかった名前: " + "、".join(self.report.skipped)
        controller.message.emit(said)
        self.accept()


def add_council_list(window: MainWindow) -> CouncilListDialog:
    dialog = CouncilListDialog(window)
    _run(window, dialog)
    return dialog


def _run(window: MainWindow, dialog: QDialog) -> bool:
    """Modal in use; tests set window.open_dialogs_modeless and drive the dialog themselves."""
    if getattr(window, "open_dialogs_modeless", False):
        dialog.show()
        return False
    return bool(dialog.exec())
