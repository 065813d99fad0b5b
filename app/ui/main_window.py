"""The main window: council picker, 文字を大きく, undo/redo, side list of pages, status bar."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.services import councils, demo
from app.ui import style
from app.ui.controller import Controller
from app.ui.pages import page_classes
from app.ui.pages.base import Page
from app.ui.welcome import WelcomePage
from app.ui.widgets import button, label, show_error


class MainWindow(QMainWindow):
    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        controller.setParent(self)  # its signals die with the window's buttons
        self.setWindowTitle("ささえあいノート")
        self.resize(1280, 800)

        self.council_box = QComboBox()
        self.council_box.setToolTip("記録を見る協議体を選びます")
        self.council_box.setMinimumWidth(260)
        self.council_box.currentIndexChanged.connect(self._council_picked)
        self.large_text = button("文字を大きく", self._toggle_large_text,
                                 tip="画面の文字をひと回り大きくします（もう一度押すと元の大きさ）")
        self.large_text.setCheckable(True)
        stack = controller.undo_stack
        self.undo_action = QAction("元に戻す", self, shortcut=QKeySequence.StandardKey.Undo,
                                   triggered=stack.undo)
        self.redo_action = QAction("やり直す", self, shortcut=QKeySequence("Ctrl+Y"),
                                   triggered=stack.redo)
        self.addActions([self.undo_action, self.redo_action])
        self.undo_button = button("元に戻す", stack.undo, tip="直前の変更を取り消します（Ctrl+Z）")
        self.redo_button = button("やり直す", stack.redo, tip="取り消した変更をもう一度行います（Ctrl+Y）")
        stack.canUndoChanged.connect(self.undo_button.setEnabled)
        stack.canRedoChanged.connect(self.redo_button.setEnabled)
        stack.undoTextChanged.connect(lambda t: self.undo_button.setToolTip(
            f"元に戻す: {t}（Ctrl+Z）" if t else "直前の変更を取り消します（Ctrl+Z）"))
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)

        top = QHBoxLayout()
        top.addWidget(label("協議体:", "subheading"))
        top.addWidget(self.council_box, 1)
        top.addStretch(1)
        for widget in (self.undo_button, self.redo_button, self.large_text):
            top.addWidget(widget)

        self.page_list = QListWidget()
        self.page_list.setObjectName("pages")
        self.page_list.setFixedWidth(190)
        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = {}
        for cls in page_classes():
            page = cls(controller)
            self.pages[page.key] = page
            # A page taller than the screen scrolls instead of forcing the window's height.
            holder = QScrollArea()
            holder.setWidget(page)
            holder.setWidgetResizable(True)
            holder.setFrameShape(QFrame.Shape.NoFrame)
            self.stack.addWidget(holder)
            self.page_list.addItem(page.title)
        self.page_list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.welcome = WelcomePage(controller, self._after_welcome)

        middle = QHBoxLayout()
        middle.addWidget(self.page_list)
        middle.addWidget(self.stack, 1)
        self.main_area = QWidget()
        outer = QVBoxLayout(self.main_area)
        outer.addLayout(top)
        outer.addLayout(middle, 1)
        self.root = QStackedWidget()
        self.root.addWidget(self.main_area)
        self.root.addWidget(self.welcome)
        self.setCentralWidget(self.root)

        controller.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        controller.failed.connect(lambda text: show_error(self, text))
        controller.changed.connect(self._maybe_reload_councils)
        self.statusBar().showMessage("ようこそ。左の一覧から見たいページを選んでください。")
        if controller.preference("large_text") == "1":
            self.large_text.setChecked(True)
        self._apply_text_scale()
        self.reload_councils()
        self.page_list.setCurrentRow(0)

    # --- councils ---------------------------------------------------------------------------
    def reload_councils(self, select_id: str | None = None) -> None:
        listed = councils.list_councils(self.controller.store)
        if not listed:
            self.root.setCurrentWidget(self.welcome)
            return
        self.root.setCurrentWidget(self.main_area)
        wanted = select_id or self.controller.council_id or self.controller.preference("last_council")
        self.council_box.blockSignals(True)
        self.council_box.clear()
        for c in listed:
            self.council_box.addItem(f"{c.name}（第{c.tier}層）", c.id)
        index = max(0, self.council_box.findData(wanted))
        self.council_box.setCurrentIndex(index)
        self.council_box.blockSignals(False)
        self.controller.set_council(self.council_box.currentData())

    def select_council(self, name: str) -> None:
        council = councils.find_council(self.controller.store, name)
        self.council_box.setCurrentIndex(self.council_box.findData(council.id))

    def _council_picked(self, _index: int) -> None:
        self.controller.set_council(self.council_box.currentData())
        name = self.council_box.currentText()
        self.statusBar().showMessage(f"{name} を開きました", 5000)

    def _maybe_reload_councils(self, areas: frozenset[str]) -> None:
        if "council" in areas:
            self.reload_councils()

    def _after_welcome(self, load_demo: bool) -> None:
        if load_demo:
            demo.load_demo(self.controller.store)
        self.reload_councils()

    # --- pages ------------------------------------------------------------------------------
    def show_page(self, key: str) -> Page:
        page = self.pages[key]
        self.page_list.setCurrentRow(list(self.pages).index(key))
        return page

    # --- text size --------------------------------------------------------------------------
    def _toggle_large_text(self) -> None:
        self.controller.set_preference("large_text", "1" if self.large_text.isChecked() else "0")
        self._apply_text_scale()

    def _apply_text_scale(self) -> None:
        scale = style.LARGE_TEXT_SCALE if self.large_text.isChecked() else 1.0
        app = QApplication.instance()
        if app is not None:
            style.apply(app, scale)
        self.page_list.setFixedWidth(round(190 * scale))

    def closeEvent(self, event) -> None:  # noqa: N802
        try:
            self.controller.store.close()
        except Exception as exc:  # noqa: BLE001 - closing must never hide the window's exit
            show_error(self, f"閉じるときに問題がありました: {exc}")
        event.accept()
