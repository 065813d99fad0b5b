"""The main window: council picker, 文字を大きく, undo/redo, side list of pages, status bar.

It is built in two steps so it paints at once: the frame first (Qt only), then, after the first
paint, the database and the pages (SQLAlchemy and alembic take most of a second to import).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.ui import style
from app.ui.basics import button, label

if TYPE_CHECKING:
    from app.ui.controller import Controller
    from app.ui.pages.base import Page


class MainWindow(QMainWindow):
    def __init__(self, controller: Controller | None = None) -> None:
        super().__init__()
        self.controller: Controller | None = None
        self.pages: dict[str, Page] = {}
        self.setWindowTitle("ささえあいノート")
        self.resize(1280, 800)

        self.council_box = QComboBox()
        self.council_box.setToolTip("記録を見る協議体を選びます")
        self.council_box.setMinimumWidth(260)
        self.council_box.currentIndexChanged.connect(self._council_picked)
        self.large_text = button("文字を大きく", self._toggle_large_text,
                                 tip="画面の文字をひと回り大きくします（もう一度押すと元の大きさ）")
        self.large_text.setCheckable(True)
        self.undo_button = _StepButton("元に戻す", "Ctrl+Z", "直前の変更を取り消します")
        self.redo_button = _StepButton("やり直す", "Ctrl+Y", "取り消した変更をもう一度行います")
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
        self.stack = QStackedWidget()
        self.page_list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.loading = label("データを開いています…", "heading")
        self.stack.addWidget(self.loading)
        middle = QHBoxLayout()
        middle.addWidget(self.page_list)
        middle.addWidget(self.stack, 1)
        self.main_area = QWidget()
        outer = QVBoxLayout(self.main_area)
        outer.addLayout(top)
        outer.addLayout(middle, 1)
        self.root = QStackedWidget()
        self.root.addWidget(self.main_area)
        self.setCentralWidget(self.root)
        self.statusBar().showMessage("ようこそ。左の一覧から見たいページを選んでください。")
        self._apply_text_scale()
        if controller is not None:
            self.attach(controller)

    @classmethod
    def start(cls, db_path: Path | None) -> MainWindow:
        """Show the frame now; open the database and build the pages right after it paints."""
        window = cls()
        window._first_paint = _OnFirstPaint(window, lambda: window._open(db_path))
        window.show()
        return window

    def _open(self, db_path: Path | None) -> None:
        from app.ui import crash

        # From here on an unexpected error is a Japanese dialog and a line in the log file;
        # installed after the first paint because logging alone costs a tenth of the start.
        crash.install()
        crash.install_qt_japanese(QApplication.instance())
        QApplication.instance().setWindowIcon(style.app_icon())
        from app.store import Store
        from app.ui.controller import Controller

        try:
            store = Store.open(db_path)
        except UserError as exc:
            from app.ui.widgets import show_error

            show_error(self, str(exc))
            self.close()
            return
        self.attach(Controller(store))
        # The real start only (tests and screenshots build windows without these).
        from app.services import backups
        from app.ui.lock import install_privacy
        from app.ui.pages.backups import warn_about_storage

        backups.track_changes(store)
        self.backup_on_close = True
        install_privacy(self, self.controller)
        warn_about_storage(self, self.controller)

    # --- the second step: data and pages ------------------------------------------------------
    def attach(self, controller: Controller) -> None:
        from PySide6.QtGui import QAction, QKeySequence
        from PySide6.QtWidgets import QFrame, QScrollArea

        from app.ui.pages import page_classes
        from app.ui.welcome import WelcomePage
        from app.ui.widgets import show_error

        self.controller = controller
        controller.setParent(self)  # its signals die with the window's buttons
        stack = controller.undo_stack
        self.undo_action = QAction("元に戻す", self, shortcut=QKeySequence.StandardKey.Undo,
                                   triggered=stack.undo)
        self.redo_action = QAction("やり直す", self, shortcut=QKeySequence("Ctrl+Y"),
                                   triggered=stack.redo)
        self.addActions([self.undo_action, self.redo_action])
        self.undo_button.clicked.connect(stack.undo)
        self.redo_button.clicked.connect(stack.redo)
        stack.canUndoChanged.connect(self.undo_button.setEnabled)
        stack.canRedoChanged.connect(self.redo_button.setEnabled)
        # Slots of the buttons themselves: Qt disconnects them when the buttons are destroyed.
        stack.undoTextChanged.connect(self.undo_button.show_step)
        stack.redoTextChanged.connect(self.redo_button.show_step)

        self.stack.removeWidget(self.loading)
        self.loading.deleteLater()
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
        self.welcome = WelcomePage(controller, self._after_welcome)
        self.root.addWidget(self.welcome)

        controller.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        controller.failed.connect(lambda text: show_error(self, text))
        controller.changed.connect(self._maybe_reload_councils)
        if controller.preference("large_text") == "1":
            self.large_text.setChecked(True)
            self._apply_text_scale()
        self.reload_councils()
        self.page_list.setCurrentRow(0)

    # --- councils ---------------------------------------------------------------------------
    def reload_councils(self, select_id: str | None = None) -> None:
        from app.services import councils

        listed = councils.list_councils(self.controller.store)
        if not listed:
            self.root.setCurrentWidget(self.welcome)
            return
        self.root.setCurrentWidget(self.main_area)
        wanted = select_id or self.controller.council_id or self.controller.preference("last_council")
        self.council_box.blockSignals(True)
        self.council_box.clear()
        for c in listed:
            tier = f"第{c.tier}層"
            self.council_box.addItem(c.name if tier in c.name else f"{c.name}（{tier}）", c.id)
        index = max(0, self.council_box.findData(wanted))
        self.council_box.setCurrentIndex(index)
        self.council_box.blockSignals(False)
        self.controller.set_council(self.council_box.currentData())

    def select_council(self, name: str) -> None:
        from app.services import councils

        council = councils.find_council(self.controller.store, name)
        self.council_box.setCurrentIndex(self.council_box.findData(council.id))

    def _council_picked(self, _index: int) -> None:
        if self.controller is None:
            return
        self.controller.set_council(self.council_box.currentData())
        self.statusBar().showMessage(f"{self.council_box.currentText()} を開きました", 5000)

    def _maybe_reload_councils(self, areas: frozenset[str]) -> None:
        if "council" in areas:
            self.reload_councils()

    def _after_welcome(self, load_demo: bool) -> None:
        if load_demo:
            from app.services import demo

            demo.load_demo(self.controller.store)
        self.reload_councils()

    # --- pages ------------------------------------------------------------------------------
    def show_page(self, key: str) -> Page:
        page = self.pages[key]
        self.page_list.setCurrentRow(list(self.pages).index(key))
        return page

    # --- text size --------------------------------------------------------------------------
    def _toggle_large_text(self) -> None:
        if self.controller is not None:
            self.controller.set_preference("large_text", "1" if self.large_text.isChecked() else "0")
        self._apply_text_scale()

    def _apply_text_scale(self) -> None:
        scale = style.LARGE_TEXT_SCALE if self.large_text.isChecked() else 1.0
        app = QApplication.instance()
        if app is not None:
            style.apply(app, scale)
        self.page_list.setFixedWidth(round(190 * scale))

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.controller is not None:
            try:
                if getattr(self, "backup_on_close", False):
                    from app.services import backups

                    backups.backup_on_close(self.controller.store)
                self.controller.store.close()
            except Exception as exc:  # noqa: BLE001 - closing must never block the exit
                from app.ui.widgets import show_error

                show_error(self, f"閉じるときに問題がありました: {exc}")
        event.accept()


class _StepButton(QPushButton):
    """元に戻す / やり直す, whose tooltip names the step it would undo or redo."""

    def __init__(self, text: str, keys: str, idle_tip: str) -> None:
        super().__init__(text)
        self._text, self._keys, self._idle = text, keys, idle_tip
        self.show_step("")

    def show_step(self, step: str) -> None:
        self.setToolTip(f"{self._text}: {step}（{self._keys}）" if step else f"{self._idle}（{self._keys}）")


class _OnFirstPaint(QObject):
    """Runs `then` once, just after the window's first paint has been handled."""

    def __init__(self, window: QWidget, then) -> None:
        super().__init__(window)
        self._then = then
        window.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False
