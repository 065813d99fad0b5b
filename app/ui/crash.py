"""Crash safety: an unexpected error is written to a rotating log file in the user's folder and
shown as a short Japanese dialog that says what is kept and where the log is — never a
traceback window. Edits are committed the moment they are made, so an error loses at most the
operation that was running.

Also here: `install_qt_japanese(app)`, so Qt's own texts (the folder picker, the right-click
menu of text fields: 元に戻す・切り取り・コピー・貼り付け) are Japanese.
"""

from __future__ import annotations

import logging
import logging.handlers
import platform
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

from app import __version__
from app.paths import APP_DIR_NAME, bundle_root

LOG_FILE_NAME = "sasaeai.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
REPEAT_QUIET_SECONDS = 5.0   # the same error again within this time is logged, not shown
MAX_DIALOGS = 5              # after this many dialogs, errors are only logged

logger = logging.getLogger("sasaeai")


def default_log_dir() -> Path:
    """Beside the user's data (Windows: %LOCALAPPDATA%\\SasaeaiNote\\Logs)."""
    import platformdirs

    return platformdirs.user_log_path(APP_DIR_NAME, appauthor=False)


def crash_message(log_path: Path | None) -> tuple[str, str]:
    """(headline, explanation) in plain Japanese."""
    where = (f"問題の記録（ログ）は次のファイルにあります:\n{log_path}\n"
             "困ったときは、このファイルをパソコンに詳しい人や生活支援コーディネーターに"
             "見せてください。") if log_path else ""
    return ("思いがけない問題が起きました。",
            "いま行っていた操作は、最後までできなかったかもしれません。\n"
            "それまでに保存したもの（「保存しました」と出た変更）は、すべて残っています。"
            "消えたものはありません。\n"
            "画面で確かめてから、もう一度やってみてください。\n\n" + where)


class CrashHandler:
    def __init__(self, log_path: Path | None) -> None:
        self.log_path = log_path
        self.shown = 0
        self._showing = False
        self._last: tuple[str, float] = ("", 0.0)
        self._bridge = None
        self._previous = (sys.excepthook, threading.excepthook)

    # --- hooks ------------------------------------------------------------------------------
    def excepthook(self, exc_type: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous[0](exc_type, exc, tb)
            return
        self._log(exc_type, exc, tb, threading.current_thread().name)
        self.notify(exc_type, exc)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread else "?"
        self._log(args.exc_type, args.exc_value, args.exc_traceback, name)
        self.notify(args.exc_type, args.exc_value)

    def _log(self, exc_type, exc, tb, thread_name: str) -> None:
        # logging's handlers report their own failures (a full disk) without raising.
        logger.error("予期しないエラー（スレッド %s）", thread_name, exc_info=(exc_type, exc, tb))

    # --- telling the user -------------------------------------------------------------------
    def notify(self, exc_type, exc) -> None:
        key = f"{exc_type.__name__}: {exc}"
        now = time.monotonic()
        repeated = key == self._last[0] and now - self._last[1] < REPEAT_QUIET_SECONDS
        self._last = (key, now)
        if repeated or self._showing or self.shown >= MAX_DIALOGS:
            return
        app = _qt_app()
        if app is None:
            headline, _ = crash_message(self.log_path)
            where = f" 記録: {self.log_path}" if self.log_path else ""
            print(f"エラー: {headline}（{exc_type.__name__}）{where}", file=sys.stderr)
            return
        if threading.current_thread() is threading.main_thread():
            self.show_dialog()
        elif self._bridge is not None:
            self._bridge.show.emit()  # queued to the window's thread

    def show_dialog(self) -> None:
        from PySide6.QtWidgets import QApplication, QMessageBox

        if self._showing:
            return
        self._showing = True
        self.shown += 1
        try:
            headline, text = crash_message(self.log_path)
            box = QMessageBox(QApplication.activeWindow())
            box.setObjectName("crashDialog")
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("ささえあいノート: 問題が起きました")
            box.setText(headline)
            box.setInformativeText(text)
            go_on = box.addButton("続ける", QMessageBox.ButtonRole.AcceptRole)
            go_on.setToolTip("このまま使い続けます")
            folder = None
            if self.log_path is not None:
                folder = box.addButton("ログのフォルダーを開く", QMessageBox.ButtonRole.ActionRole)
                folder.setToolTip("問題の記録（ログ）が入っているフォルダーを開きます")
            quit_ = box.addButton("ささえあいノートを終わる", QMessageBox.ButtonRole.DestructiveRole)
            quit_.setToolTip("ささえあいノートを閉じます（保存したものは残ります）")
            box.setDefaultButton(go_on)
            box.exec()
            if folder is not None and box.clickedButton() is folder:
                from PySide6.QtCore import QUrl
                from PySide6.QtGui import QDesktopServices

                QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_path.parent)))
            elif box.clickedButton() is quit_:
                for window in QApplication.topLevelWidgets():
                    window.close()
                QApplication.quit()
        finally:
            self._showing = False

    def make_bridge(self) -> None:
        """A QObject in the window's thread, so errors in other threads show their dialog there."""
        if self._bridge is not None or _qt_app() is None:
            return
        from PySide6.QtCore import QObject, Signal

        class _Bridge(QObject):
            show = Signal()

        self._bridge = _Bridge()
        self._bridge.show.connect(self.show_dialog)


def _qt_app():
    qtwidgets = sys.modules.get("PySide6.QtWidgets")
    return qtwidgets.QApplication.instance() if qtwidgets else None


_installed: CrashHandler | None = None
_file_handler: logging.Handler | None = None


def install(log_dir: Path | None = None) -> CrashHandler:
    """Call once at start, after the QApplication exists. Returns the handler (its `log_path`
    is what the help page shows)."""
    global _installed, _file_handler
    if _installed is not None:
        uninstall()
    log_path: Path | None = None
    try:
        folder = Path(log_dir) if log_dir else default_log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        log_path = folder / LOG_FILE_NAME
        handler = logging.handlers.RotatingFileHandler(
            log_path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger()
        root.addHandler(handler)
        if root.level == logging.NOTSET or root.level > logging.INFO:
            root.setLevel(logging.INFO)
        _file_handler = handler
    except OSError:
        log_path = None  # no log folder (read-only profile): the dialog still shows
    crash = CrashHandler(log_path)
    crash.make_bridge()
    sys.excepthook = crash.excepthook
    threading.excepthook = crash.thread_excepthook
    _installed = crash
    logger.info("起動: ささえあいノート %s / Python %s / %s%s", __version__,
                platform.python_version(), platform.platform(),
                " (frozen)" if getattr(sys, "frozen", False) else "")
    return crash


def uninstall() -> None:
    global _installed, _file_handler
    if _installed is not None:
        sys.excepthook, threading.excepthook = _installed._previous
        _installed = None
    if _file_handler is not None:
        logging.getLogger().removeHandler(_file_handler)
        _file_handler.close()
        _file_handler = None


def log_path() -> Path | None:
    """The log file in use, or where it would be."""
    if _installed is not None and _installed.log_path is not None:
        return _installed.log_path
    try:
        return default_log_dir() / LOG_FILE_NAME
    except Exception:  # noqa: BLE001
        return None


# --- Qt's own texts in Japanese -------------------------------------------------------------------

_translators: list = []


# Texts Qt's own Japanese catalogue leaves in English (seen in the file dialog on Linux).
MISSING_JAPANESE = {
    ("QFileDialog", "&Look in:"): "場所(&L):",
    ("QFileDialog", "Look in:"): "場所:",
    ("QFileDialog", "Files of &type:"): "ファイルの種類(&T):",
}


def install_qt_japanese(app) -> bool:
    """Load qtbase_ja.qm (shipped with PySide6, added to the bundle by the spec) and our few
    missing texts; once per application."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    class _Missing(QTranslator):
        def translate(self, context, source, disambiguation=None, n=-1):  # noqa: ARG002
            return MISSING_JAPANESE.get((context, source))

        def isEmpty(self) -> bool:  # noqa: N802
            return False

    if _translators:
        return True
    folders = [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
               str(bundle_root() / "PySide6" / "Qt" / "translations"),
               str(bundle_root() / "translations")]
    for folder in folders:
        translator = QTranslator(app)
        if translator.load("qtbase_ja", folder):
            app.installTranslator(translator)
            _translators.append(translator)
            missing = _Missing(app)
            app.installTranslator(missing)  # asked first: the last installed wins
            _translators.append(missing)
            return True
    return False
