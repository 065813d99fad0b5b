"""Privacy on a shared PC: the screen lock after N minutes without input (not the database
file's lock, which is store.py's), and the 電話・住所 show/hide state pages read. The passcode
asked before the database opens and the passcode dialogs are passcode.py's.

Locking covers every open window of the program (the main window and any dialog, so a half-typed
member form is kept, not thrown away) with an opaque panel that asks for the passcode; the main
window's content is also hidden, so nothing under the panel can be reached with Tab or a
shortcut. Without a passcode nothing locks: there would be no way to unlock.

Entry point for the window: `install_privacy(window, controller)` right after `attach()`; when
the window shows another database (practice and back), `guard.follow(controller)`. The guard and
the show/hide state are found from a controller (`privacy_guard`, `reveal_state`) in tables kept
here, not stored on the controller.
"""

from __future__ import annotations

import contextlib
import time
import weakref
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.paths import bundle_root
from app.services import privacy
from app.services.privacy import RevealState
from app.ui.widgets import button, label

QWIDGETSIZE_MAX = 16_777_215
ICON_DIR = ("resources", "icons")
WRONG_LIMIT = 5          # wrong passcodes in a row before a pause
WRONG_PAUSE_MS = 30_000

_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.InputMethod, QEvent.Type.TabletPress,
})


# --- 電話・住所を表示 --------------------------------------------------------------------------------

_reveal_states: weakref.WeakKeyDictionary[QObject, RevealState] = weakref.WeakKeyDictionary()


def reveal_state(controller: QObject) -> RevealState:
    """The window's show/hide state for phone numbers and addresses (one per controller, so the
    practice database starts hidden again)."""
    state = _reveal_states.get(controller)
    if state is None:
        state = _reveal_states[controller] = RevealState()
    return state


def reveal_button(controller: QObject) -> QPushButton:
    """A 「表示」 toggle for a page with phone numbers or addresses in its table."""
    state = reveal_state(controller)
    widget = QPushButton()
    widget.setCheckable(True)

    def sync(shown: bool) -> None:
        widget.blockSignals(True)
        widget.setChecked(shown)
        widget.blockSignals(False)
        widget.setText("電話・住所を隠す" if shown else "電話・住所を表示")
        widget.setToolTip("電話番号と住所の一部を＊で隠します" if shown else
                          "表の電話番号と住所を全部表示します（まわりに人がいないか確かめてから）")

    widget.toggled.connect(state.set_shown)
    state.subscribe(sync)
    widget.destroyed.connect(lambda *_: state.unsubscribe(sync))
    sync(state.shown)
    return widget


# --- the lock panel -----------------------------------------------------------------------------------

MESSAGES = {
    "start": "パスコードを入れてください。",
    "idle": "しばらく操作がなかったので、画面をロックしました。\n個人情報を守るためです。\n"
            "続けるには、パスコードを入れてください。",
    "manual": "画面をロックしました。続けるには、パスコードを入れてください。",
}


class LockPanel(QFrame):
    """Icon, a message, the passcode field and 開く; 終わる for the next person at the PC."""

    unlock_requested = Signal(str)
    quit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        self.icon = QLabel()
        self.icon.setPixmap(QPixmap(str(bundle_root().joinpath(*ICON_DIR, "sasaeai-64.png"))))
        self.title = label("ささえあいノート", "heading")
        self.message = label(MESSAGES["start"], "subheading", wrap=True)
        self.field = QLineEdit()
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setPlaceholderText("パスコード")
        self.field.setToolTip("決めてあるパスコードを入れて、Enterキーか「開く」を押します")
        self.field.setMinimumWidth(self.fontMetrics().horizontalAdvance("あ") * 12)
        self.field.setMinimumHeight(round(self.fontMetrics().height() * 2))
        self.field.returnPressed.connect(self._submit)
        self.open_button = button("開く", self._submit, role="primary",
                                  tip="パスコードを確かめて、画面を元に戻します")
        self.error = label("", "error", wrap=True)
        self.error.hide()
        self.quit_button = button("ささえあいノートを終わる", self.quit_requested.emit,
                                  tip="ロックしたまま閉じます（保存したものは残ります）")
        self.forgot = label("パスコードを忘れたときは、パソコンの管理をしている人か、"
                            "生活支援コーディネーターに相談してください。", "note", wrap=True)

        head = QHBoxLayout()
        head.addWidget(self.icon)
        head.addWidget(self.title, 1)
        entry = QHBoxLayout()
        entry.addWidget(self.field, 1)
        entry.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(14)
        layout.addLayout(head)
        layout.addWidget(self.message)
        layout.addLayout(entry)
        layout.addWidget(self.error)
        layout.addWidget(self.forgot)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.quit_button)
        layout.addLayout(bottom)
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("あ") * 34)

    def _submit(self) -> None:
        self.unlock_requested.emit(self.field.text())

    def show_reason(self, reason: str) -> None:
        self.message.setText(MESSAGES.get(reason, MESSAGES["manual"]))
        self.error.hide()
        self.field.clear()

    def show_wrong(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.field.clear()
        self.field.setFocus()


class _Cover(QFrame):
    """An opaque layer over one top-level window, following its size. Made once per window and
    kept (hidden) until the window goes: deleting it while its window's focus chain changes has
    crashed Qt 6.11 (a QMessageBox closed right after unlocking)."""

    def __init__(self, window: QWidget, guard: PrivacyGuard) -> None:
        super().__init__(window)
        self.setObjectName("lockCover")
        self.setAutoFillBackground(True)
        self.setStyleSheet("QFrame#lockCover { background: #e9eff5; }")
        self.panel = LockPanel()
        self.panel.unlock_requested.connect(guard.try_unlock)
        self.panel.quit_requested.connect(guard.quit_program)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.panel, 10)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self._window = window
        self.hide()

    def activate(self, reason: str) -> None:
        self.panel.show_reason(reason)
        self.panel.field.setEnabled(True)
        self.panel.open_button.setEnabled(True)
        self._window.installEventFilter(self)
        self.setGeometry(self._window.rect())
        self.show()
        self.raise_()

    def eventFilter(self, obj, event) -> bool:
        if obj is self._window and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._window.rect())
        return False

    def remove(self) -> None:
        self._window.removeEventFilter(self)
        self.hide()


# --- the guard ----------------------------------------------------------------------------------------

class PrivacyGuard(QObject):
    """Watches for input, locks after the idle time, unlocks with the passcode."""

    locked_changed = Signal(bool)
    _guards: weakref.WeakKeyDictionary[QObject, PrivacyGuard] = weakref.WeakKeyDictionary()

    def __init__(self, window: QMainWindow, controller, idle_ms: int | None = None) -> None:
        super().__init__(window)
        self.window = window
        self._controller = controller
        PrivacyGuard._guards[controller] = self
        self.reveal = reveal_state(controller)
        self.locked = False
        self.reason = ""
        self.wrong = 0
        self._fixed_idle_ms = idle_ms
        self.idle_ms = idle_ms or privacy.DEFAULT_IDLE_MINUTES * 60_000
        self._covers: dict[QWidget, _Cover] = {}   # shown now
        self._made: dict[QWidget, _Cover] = {}     # made so far, reused at the next lock
        self._disabled: list[QWidget] = []
        self._hidden: list[QWidget] = []
        self._sizes: list[tuple] = []
        self._last_input = time.monotonic()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._check_idle)
        self.quit_program: Callable[[], None] = window.close
        QApplication.instance().installEventFilter(self)
        window.destroyed.connect(self._detach)
        self.apply_settings()

    @classmethod
    def of(cls, controller: QObject) -> PrivacyGuard | None:
        return cls._guards.get(controller)

    @property
    def controller(self):
        return self._controller

    @controller.setter
    def controller(self, controller) -> None:
        self.follow(controller)

    def follow(self, controller) -> None:
        """The window now shows another database (the practice one, or back to the real one):
        guard that one, with its own passcode settings and its own 電話・住所 state."""
        if PrivacyGuard._guards.get(self._controller) is self:
            del PrivacyGuard._guards[self._controller]
        self._controller = controller
        PrivacyGuard._guards[controller] = self
        self.reveal = reveal_state(controller)
        self.apply_settings()

    @property
    def store(self):
        return self._controller.store

    def _detach(self, *_args) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    # --- settings ---------------------------------------------------------------------------
    @property
    def enabled(self) -> bool:
        return privacy.has_passcode(self.store)

    def apply_settings(self) -> None:
        """Re-read the passcode and idle minutes (after the page changed them)."""
        if self._fixed_idle_ms is None:
            self.idle_ms = privacy.idle_minutes(self.store) * 60_000
        self._timer.setInterval(max(50, min(5_000, self.idle_ms // 4)))
        self._last_input = time.monotonic()
        if self.enabled and not self.locked:
            self._timer.start()
        else:
            self._timer.stop()

    # --- input ------------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind in _INPUT_EVENTS:
            self._last_input = time.monotonic()
        elif (kind == QEvent.Type.Show and self.locked and isinstance(obj, QWidget)
              and obj.isWindow() and obj not in self._covers and _coverable(obj)):
            QTimer.singleShot(0, lambda w=obj: self._cover(w) if self.locked else None)
        return False

    def _check_idle(self) -> None:
        if not self.locked and (time.monotonic() - self._last_input) * 1000 >= self.idle_ms:
            self.lock("idle")

    # --- lock / unlock ----------------------------------------------------------------------
    def lock(self, reason: str = "manual") -> bool:
        """Cover every window of the program; False when no passcode is set."""
        if self.locked:
            return True
        if not self.enabled:
            return False
        self.locked, self.reason = True, reason
        self._timer.stop()
        while (popup := QApplication.activePopupWidget()) is not None:
            popup.close()
        QToolTip.hideText()
        self.reveal.set_shown(False)
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible() and _coverable(widget):
                self._cover(widget)
        if self.window not in self._covers:
            self._cover(self.window)  # not shown yet (passcode asked at start)
        self._focus_field()
        self.locked_changed.emit(True)
        return True

    def _cover(self, window: QWidget) -> None:
        if window in self._covers or not self.locked:
            return
        if isinstance(window, QMainWindow):
            # Hidden, not disabled: a dialog is a child window of a page, and disabling the page
            # would disable the dialog and its passcode field too.
            central = window.centralWidget()
            if central is not None and not central.isHidden():
                central.hide()
                self._hidden.append(central)
            for action in window.actions():  # Ctrl+Z must not undo behind the lock
                if action.isEnabled():
                    action.setEnabled(False)
                    self._disabled.append(action)
        else:
            others = [w for w in QApplication.topLevelWidgets() if w is not window and w.isVisible()]
            for child in window.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
                if (child.isEnabled() and not child.isWindow() and not isinstance(child, _Cover)
                        and not any(_is_ancestor(child, other) for other in others)):
                    child.setEnabled(False)
                    self._disabled.append(child)
        cover = self._made.get(window)
        if cover is None or not shiboken6.isValid(cover):
            cover = self._made[window] = _Cover(window, self)
            window.destroyed.connect(lambda *_a, w=window: self._made.pop(w, None))
        self._covers[window] = cover
        need = cover.sizeHint().expandedTo(cover.minimumSizeHint())
        screen = window.screen().availableGeometry() if window.screen() else None
        if screen is not None:
            need = need.boundedTo(screen.size() * 0.9).expandedTo(cover.minimumSizeHint())
        if window.width() < need.width() or window.height() < need.height():
            # A small dialog (a QMessageBox fixes its own size) grows so the passcode field
            # fits; its size and limits come back on unlocking.
            self._sizes.append((window, window.minimumSize(), window.maximumSize(), window.size()))
            window.setMaximumSize(QWIDGETSIZE_MAX, QWIDGETSIZE_MAX)
            window.setMinimumSize(max(window.width(), need.width()), max(window.height(), need.height()))
            window.resize(window.minimumSize())
        cover.activate(self.reason)

    def _focus_field(self) -> None:
        target = QApplication.activeModalWidget() or QApplication.activeWindow() or self.window
        cover = self._covers.get(target) or self._covers.get(self.window)
        if cover is not None:
            cover.panel.field.setFocus()

    def try_unlock(self, attempt: str) -> bool:
        if not self.locked:
            return True
        from app import cipher

        try:
            privacy.try_passcode(self.store, attempt)  # wrong tries counted in the key file
        except cipher.PasscodeError as exc:
            self.wrong += 1
            if self.store.key is not None:  # the pause, too, comes from the key file
                pause = cipher.KeyFile.load(self.store.path).pause_left()
            else:  # an older screen-lock-only passcode: counted here
                pause = WRONG_PAUSE_MS / 1000 if self.wrong % WRONG_LIMIT == 0 else 0
            for cover in self._covers.values():
                cover.panel.show_wrong(str(exc))
            if pause:
                self._pause_entry(round(pause * 1000), str(exc))
            return False
        self.unlock()
        return True

    def _pause_entry(self, ms: int = WRONG_PAUSE_MS, text: str | None = None) -> None:
        for cover in self._covers.values():
            cover.panel.show_wrong(text or f"{WRONG_LIMIT}回まちがえました。{ms // 1000}秒たってから、"
                                   "もう一度入れてください。")
            cover.panel.field.setEnabled(False)
            cover.panel.open_button.setEnabled(False)

        def resume() -> None:
            for cover in self._covers.values():
                cover.panel.field.setEnabled(True)
                cover.panel.open_button.setEnabled(True)
            self._focus_field()

        QTimer.singleShot(ms, resume)

    def unlock(self) -> None:
        for cover in self._covers.values():
            with contextlib.suppress(RuntimeError):  # its window closed meanwhile
                cover.remove()
        self._covers.clear()
        for item in self._disabled:
            with contextlib.suppress(RuntimeError):
                item.setEnabled(True)
        for widget in self._hidden:
            with contextlib.suppress(RuntimeError):
                widget.show()
        for window, min_size, max_size, size in self._sizes:
            with contextlib.suppress(RuntimeError):
                window.setMinimumSize(min_size)
                window.setMaximumSize(max_size)
                window.resize(size)
        self._sizes.clear()
        self._disabled.clear()
        self._hidden.clear()
        self.locked, self.wrong = False, 0
        self.apply_settings()
        self.locked_changed.emit(False)

    def cover_of(self, window: QWidget) -> _Cover | None:
        return self._covers.get(window)


def _is_ancestor(widget: QWidget, other: QWidget) -> bool:
    parent = other.parentWidget()
    while parent is not None:
        if parent is widget:
            return True
        parent = parent.parentWidget()
    return False


def _coverable(widget: QWidget) -> bool:
    kind = widget.windowType()
    return kind not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip, Qt.WindowType.SplashScreen,
                        Qt.WindowType.Desktop) and not isinstance(widget, _Cover)


def privacy_guard(controller: QObject) -> PrivacyGuard | None:
    """The guard watching the window that shows this controller's database, if any."""
    return PrivacyGuard.of(controller)


def install_privacy(window: QMainWindow, controller, *, idle_ms: int | None = None) -> PrivacyGuard:
    """Call right after `window.attach(controller)`: asks for the passcode at once when one is
    set (before any page paints), then locks after the idle minutes set on the backup page."""
    guard = PrivacyGuard(window, controller, idle_ms)
    if guard.enabled:
        guard.lock("start")
    return guard
