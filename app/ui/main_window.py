"""The main window: council picker, 文字を大きく, undo/redo, side list of pages, status bar.

It is built in two steps so it paints at once: the frame first (Qt only), then, after the first
paint, the database and ホーム (SQLAlchemy takes a good part of a second to import). The frame
already shows ホーム's data: services/home.py reads it with Python's own sqlite3 in a few
milliseconds, and the live page replaces it with the same texts once the database is open; input
waits until then. Every other page is built the first time it is shown (`pages`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QMenu,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.ui import style
from app.ui.basics import button, label
from app.ui.pages import PAGES, PageEntry

if TYPE_CHECKING:
    from app.ui.controller import Controller
    from app.ui.pages.base import Page
    from app.ui.welcome import WelcomePage


class MainWindow(QMainWindow):
    def __init__(self, controller: Controller | None = None) -> None:
        super().__init__()
        self.controller: Controller | None = None
        self.pages: Mapping[str, Page] = {}  # every page once attached (_Pages), built on first use
        self.welcome: WelcomePage | None = None  # built when the database has no council yet
        self._real_store = None  # held open while the practice database is shown
        self._shown_row = 0
        self.setWindowTitle("ささえあいノート")
        self.resize(1280, 800)

        self.council_box = QComboBox()
        self.council_box.setToolTip("記録を見る協議体を選びます")
        self.council_box.setMinimumWidth(180)
        self.council_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.council_box.setMinimumContentsLength(8)
        self.council_box.currentIndexChanged.connect(self._council_picked)
        self.large_text = button("文字を大きく", self._toggle_large_text,
                                 tip="画面の文字をひと回り大きくします（もう一度押すと元の大きさ）")
        self.large_text.setCheckable(True)
        self.undo_button = _StepButton("元に戻す", "Ctrl+Z", "直前の変更を取り消します")
        self.redo_button = _StepButton("やり直す", "Ctrl+Y", "取り消した変更をもう一度行います")
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.council_button = button("協議体の管理", tip="協議体を追加する・名前を変える・削除する、"
                                                          "練習用の見本を開く")
        self.council_menu = QMenu(self.council_button)
        self.council_button.setMenu(self.council_menu)
        top = QHBoxLayout()
        top.addWidget(label("協議体:", "subheading"))
        top.addWidget(self.council_box, 1)
        top.addWidget(self.council_button)
        for widget in (self.undo_button, self.redo_button, self.large_text):
            top.addWidget(widget)
        # Shown while the practice database is open: nobody should mistake the demo for real data.
        self.banner = QFrame()
        self.banner.setProperty("role", "banner")
        banner_row = QHBoxLayout(self.banner)
        banner_row.addWidget(label("練習用です（見本のデータ）。ここで入力したことは本番のデータには入りません。",
                                   "banner", wrap=True), 1)
        self.back_button = button("本番のデータに戻る", self.back_to_real, role="primary",
                                  tip="練習をやめて、自分たちの協議体のデータに戻ります")
        banner_row.addWidget(self.back_button)
        self.banner.hide()
        # Shown when the file could only be opened read-only (read-only file, folder or medium).
        self.read_only_banner = label("", "banner", wrap=True)
        self.read_only_banner.hide()

        self.page_list = QListWidget()
        self.page_list.setObjectName("pages")
        self.stack = QStackedWidget()
        self.page_list.currentRowChanged.connect(self._page_picked)
        self.loading: QWidget | None = label("データを開いています…", "heading")  # or StartHome
        self.stack.addWidget(self.loading)
        middle = QHBoxLayout()
        middle.addWidget(self.page_list)
        middle.addWidget(self.stack, 1)
        self.main_area = QWidget()
        outer = QVBoxLayout(self.main_area)
        outer.addWidget(self.banner)
        outer.addWidget(self.read_only_banner)
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
        path = Path(db_path) if db_path else None
        if path is None:
            from app.paths import default_db_path

            path = default_db_path()
        from app.services import home

        # ホーム's texts, which earlier builds kept beside the file: nothing readable stays.
        path.with_name(path.name + "-home.json").unlink(missing_ok=True)
        early = home.start_state(path)
        if early is not None:
            window._show_start_home(early)
        window._first_paint = _OnFirstPaint(window, lambda: window._open(path))
        window.show()
        return window

    def _show_start_home(self, early: dict) -> None:
        """ホーム as home.start_state read it, with its council, until the database is open."""
        from app.ui.pages.home_view import StartHome

        self.council_box.blockSignals(True)
        self.council_box.addItem(early["council_label"], early["council_id"])
        self.council_box.blockSignals(False)
        if early["large_text"]:
            self.large_text.setChecked(True)
            self._apply_text_scale()
        # Input needs no holding: the database opens right after this paint, in one call that
        # takes no events, so a click waits in the queue and reaches the live window. The side
        # list alone stays mute, in case a key arrives first; attach() lets it speak again.
        self.page_list.blockSignals(True)
        self.page_list.addItems([entry.title for entry in PAGES])
        self.page_list.setCurrentRow(0)
        holder = QScrollArea()  # as attach holds every page
        holder.setWidgetResizable(True)
        holder.setFrameShape(QFrame.Shape.NoFrame)
        holder.setWidget(StartHome(PAGES[0].title, early["home"]))
        self.stack.removeWidget(self.loading)
        self.loading.deleteLater()
        self.loading = holder
        self.stack.addWidget(holder)

    def _open(self, db_path: Path | None) -> None:
        from app.ui import crash

        # From here on an unexpected error is a Japanese dialog and a line in the log file;
        # installed after the first paint because logging alone costs a tenth of the start.
        crash.install()
        crash.install_qt_japanese(QApplication.instance())
        QApplication.instance().setWindowIcon(style.app_icon())
        from app.store import Store
        from app.ui.controller import Controller
        from app.ui.passcode import unlock_at_start

        try:
            if not unlock_at_start(self, db_path):  # encrypted: the passcode before any page
                self.close()
                return
            store = Store.open(db_path)
        except UserError as exc:
            from app.ui.widgets import show_error

            show_error(self, str(exc))
            self.close()
            return
        self.attach(Controller(store))
        # The real start only (tests and screenshots build windows without these).
        from app.services import backups
        from app.ui.privacy_guard import install_privacy

        backups.track_changes(store)
        self.backup_on_close = True
        install_privacy(self, self.controller)  # the passcode, when set, before ホーム paints
        QTimer.singleShot(0, self._warn_about_storage)  # after ホーム paints; it does not block

    def _warn_about_storage(self) -> None:
        if self.controller is None:
            return
        from app.ui.pages.backups import warn_about_storage

        warn_about_storage(self, self.controller)

    # --- the second step: data and pages ------------------------------------------------------
    def attach(self, controller: Controller) -> None:
        from PySide6.QtGui import QAction, QKeySequence

        from app.ui import crash

        crash.install_qt_japanese(QApplication.instance())  # Qt's own dialogs in Japanese
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

        # Before the pages connect: a deleted council is replaced before any page reads it.
        controller.changed.connect(self._maybe_reload_councils)
        if self.loading is not None:
            self.stack.removeWidget(self.loading)
            self.loading.deleteLater()
            self.loading = None
            self.page_list.blockSignals(True)
            self.page_list.clear()  # StartHome's list
            self.page_list.blockSignals(False)
        for entry in PAGES:
            # A page taller than the screen scrolls instead of forcing the window's height.
            holder = QScrollArea()
            holder.setWidgetResizable(True)
            holder.setFrameShape(QFrame.Shape.NoFrame)
            self.stack.addWidget(holder)
            self.page_list.addItem(entry.title)
        self.pages = _Pages(self._build_page)

        controller.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        controller.failed.connect(self._show_failure)
        controller.go_to.connect(self.show_page)
        self.setWindowTitle("ささえあいノート — 練習用（見本のデータ）" if controller.practice
                            else "ささえあいノート")
        self.banner.setVisible(controller.practice)
        notice = getattr(controller.store, "read_only_notice", None)
        self.read_only_banner.setText(notice or "")
        self.read_only_banner.setVisible(bool(notice))
        self.council_menu.aboutToShow.connect(self._fill_council_menu)
        if controller.preference("large_text") == "1":
            self.large_text.setChecked(True)
            self._apply_text_scale()
        self.reload_councils()
        self.page_list.blockSignals(True)
        self.page_list.setCurrentRow(0)
        self.page_list.blockSignals(False)
        self._shown_row = 0
        self.pages[PAGES[0].key]  # ホーム is built now; shown, it reads its data
        self.stack.setCurrentIndex(0)

    def _build_page(self, entry: PageEntry) -> Page:
        """The page's module is imported and the page built the first time it is needed."""
        QApplication.setOverrideCursor(_wait_cursor())
        try:
            page = entry.load()(self.controller)
        finally:
            QApplication.restoreOverrideCursor()
        holder = self.stack.widget(PAGES.index(entry))
        holder.setWidget(page)
        return page

    def _show_failure(self, text: str) -> None:
        from app.ui.widgets import show_error

        show_error(self, text)

    def _fill_council_menu(self) -> None:
        from app.ui.councils_menu import fill_council_menu

        fill_council_menu(self)

    def _detach(self) -> Controller:
        """Take the pages and the undo wiring off the current controller (before another
        database is attached); returns the old controller for the caller to dispose of."""
        old = self.controller
        self.removeAction(self.undo_action)
        self.removeAction(self.redo_action)
        for b in (self.undo_button, self.redo_button):
            b.clicked.disconnect()
            b.setEnabled(False)
        self.council_menu.aboutToShow.disconnect()
        self.page_list.blockSignals(True)
        self.page_list.clear()
        self.page_list.blockSignals(False)
        while self.stack.count():
            holder = self.stack.widget(0)
            self.stack.removeWidget(holder)
            holder.deleteLater()
        self.pages = {}
        if self.welcome is not None:
            self.root.removeWidget(self.welcome)
            self.welcome.deleteLater()
            self.welcome = None
        self.controller = None
        return old

    def _switch_to(self, controller: Controller) -> None:
        from app.ui.privacy_guard import privacy_guard

        old = self._detach()
        guard = privacy_guard(old)
        self.attach(controller)
        if guard is not None:
            guard.follow(controller)  # the other database's passcode settings and 電話・住所 state
            if guard.enabled and not controller.practice:
                guard.lock("start")  # back from practice: the real data asks for the passcode again
        old.setParent(None)
        old.deleteLater()

    # --- the practice database --------------------------------------------------------------
    def open_practice(self) -> None:
        """The demo councils in their own file beside the real one, clearly marked."""
        if self.controller is None or self.controller.practice or not self._may_leave():
            return
        from app.paths import practice_db_path
        from app.services import councils, demo
        from app.store import Store
        from app.ui.controller import Controller

        real = self.controller.store
        QApplication.setOverrideCursor(_wait_cursor())
        try:
            store = Store.open(practice_db_path(real.path))
            if not councils.list_councils(store):
                demo.load_demo(store)
        except UserError as exc:
            from app.ui.widgets import show_error

            show_error(self, str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self._real_store = real
        practice = Controller(store)
        practice.practice = True
        self._switch_to(practice)
        self.statusBar().showMessage("練習用の見本を開きました。自由に試してください。", 8000)

    def back_to_real(self) -> None:
        if self._real_store is None or not self._may_leave():
            return
        from app.ui.controller import Controller

        practice_store = self.controller.store
        real, self._real_store = self._real_store, None
        self._switch_to(Controller(real))
        practice_store.close()
        self.statusBar().showMessage("本番のデータに戻りました。", 8000)

    # --- councils ---------------------------------------------------------------------------
    def reload_councils(self, select_id: str | None = None, *, keep_undo: bool = False) -> None:
        from app.services import council_list, councils

        listed = councils.list_councils(self.controller.store)
        if not listed:
            if self.welcome is None:
                from app.ui.welcome import WelcomePage

                self.welcome = WelcomePage(self.controller, self._after_welcome)
                self.root.addWidget(self.welcome)
            self.root.setCurrentWidget(self.welcome)
            self.controller.set_council(None, keep_undo=keep_undo)
            return
        self.root.setCurrentWidget(self.main_area)
        wanted = select_id or self.controller.council_id or self.controller.preference("last_council")
        self.council_box.blockSignals(True)
        self.council_box.clear()
        for c in listed:
            self.council_box.addItem(council_list.picker_label(c.name, c.tier), c.id)
        index = max(0, self.council_box.findData(wanted))
        self.council_box.setCurrentIndex(index)
        self.council_box.blockSignals(False)
        self.controller.set_council(self.council_box.currentData(), keep_undo=keep_undo)

    def select_council(self, name: str) -> None:
        from app.services import councils

        council = councils.find_council(self.controller.store, name)
        self.council_box.setCurrentIndex(self.council_box.findData(council.id))

    def _council_picked(self, _index: int) -> None:
        if self.controller is None:
            return
        wanted = self.council_box.currentData()
        if wanted != self.controller.council_id and not self._may_leave():
            self.council_box.blockSignals(True)
            self.council_box.setCurrentIndex(self.council_box.findData(self.controller.council_id))
            self.council_box.blockSignals(False)
            return
        self.controller.set_council(wanted)
        self.statusBar().showMessage(f"{self.council_box.currentText()} を開きました", 5000)

    def _maybe_reload_councils(self, areas: frozenset[str]) -> None:
        if not areas or "council" in areas:  # no areas named: everything may have changed
            # A council added, renamed, deleted or brought back by undo: the step stays undoable.
            self.reload_councils(keep_undo=True)

    def _after_welcome(self, choice: str) -> None:
        """`choice`: "created" or "file" (the real data has a council now), or "practice"."""
        if choice == "practice":
            self.open_practice()
        else:
            self.reload_councils()

    # --- pages ------------------------------------------------------------------------------
    def show_page(self, key: str) -> Page:
        page = self.pages[key]
        self.page_list.setCurrentRow(list(self.pages).index(key))
        return page

    def current_page(self) -> Page | None:
        if not self.pages or not 0 <= self._shown_row < len(PAGES):
            return None
        return self.pages[PAGES[self._shown_row].key]

    def _may_leave(self) -> bool:
        """A page with typed but unsaved input may ask first (Page.can_leave)."""
        page = self.current_page()
        return page is None or page.can_leave()

    def _page_picked(self, row: int) -> None:
        if row == self._shown_row or row < 0:
            return
        if not self._may_leave():
            self.page_list.blockSignals(True)
            self.page_list.setCurrentRow(self._shown_row)
            self.page_list.blockSignals(False)
            return
        self._shown_row = row
        self.pages[PAGES[row].key]  # built on its first visit
        self.stack.setCurrentIndex(row)

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

    def closeEvent(self, event) -> None:
        if self.controller is not None and not self._may_leave():
            event.ignore()
            return
        if self.controller is not None:
            try:
                if getattr(self, "backup_on_close", False):
                    from app.services import backups

                    backups.backup_on_close(self._real_store or self.controller.store)
                self.controller.store.close()
                if self._real_store is not None:
                    self._real_store.close()
            except Exception as exc:  # noqa: BLE001 - closing must never block the exit
                from app.ui.widgets import show_error

                show_error(self, f"閉じるときに問題がありました: {exc}")
        event.accept()


class _Pages(Mapping[str, "Page"]):
    """Every page of the side list by key; a page is built the first time it is looked up
    (shown, or asked for by a test) and kept. `built()` says which exist."""

    def __init__(self, build: Callable[[PageEntry], Page]) -> None:
        self._entries = {entry.key: entry for entry in PAGES}
        self._built: dict[str, Page] = {}
        self._build = build

    def __getitem__(self, key: str) -> Page:
        page = self._built.get(key)
        if page is None:
            page = self._built[key] = self._build(self._entries[key])
        return page

    def __contains__(self, key: object) -> bool:  # without building it
        return key in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def built(self) -> dict[str, Page]:
        return dict(self._built)


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

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False


def _wait_cursor():
    # Qt's namespace is looked up when first needed: building its enums takes 30 ms, which the
    # first paint need not wait for.
    from PySide6.QtCore import Qt

    return Qt.CursorShape.WaitCursor
