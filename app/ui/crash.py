"""Crash safety: an unexpected error is written to a rotating log file in the user's folder and
shown as a short Japanese dialog that says what is kept and where the log is — never a
traceback window. Edits are committed the moment they are made, so an error loses at most the
operation that was running.

The log holds no personal data: for each error only its type, the file/line/function of every
frame (no local variables) and a message with names, numbers and addresses taken out
(`safe_message`): the message of a UserError or of a database error is never written, since it
may quote a member's name or a row's values. The log file is readable by the user only.

Also here: `install_qt_japanese(app)`, so Qt's own texts (the folder picker, the right-click
menu of text fields: 元に戻す・切り取り・コピー・貼り付け) are Japanese.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import platform
import re
import sys
import threading
import time
import traceback
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


_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")
_MAIL = re.compile(r"\S+@\S+")
_DIGITS = re.compile(r"\d")
_WITHHELD = "（文面は記録しません）"


def _withheld(exc: BaseException) -> bool:
    """Errors whose text may quote the data itself: ours (names, values the user typed) and the
    database's (SQLAlchemy adds the statement's parameters)."""
    from app.errors import UserError

    module = type(exc).__module__ or ""
    return isinstance(exc, UserError) or module.startswith(("sqlite3", "sqlcipher3", "sqlalchemy"))


def safe_message(exc: BaseException | None) -> str:
    """The message of `exc` for the log, with anything that may be personal data taken out:
    every non-ASCII run (Japanese names, addresses), every digit (phones, dates of birth) and
    mail addresses; withheld entirely for UserError and database errors."""
    if exc is None:
        return ""
    if _withheld(exc):
        return _WITHHELD
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001 - a broken __str__ must not stop the log
        return _WITHHELD
    text = _MAIL.sub("…@…", text)
    text = _NOT_ASCII.sub("…", text)
    text = _DIGITS.sub("#", text)
    return text[:300]


_CAUSE = "The above exception was the direct cause of the following exception:"
_CONTEXT = "During handling of the above exception, another exception occurred:"


def safe_traceback(exc_type, exc, tb) -> str:
    """Like Python's traceback, without local variables and with `safe_message` messages."""
    blocks: list[list[str]] = []  # the error raised last first; reversed at the end
    current, current_type, current_tb = exc, exc_type, tb
    seen: set[int] = set()
    while True:
        block = []
        if current_tb is not None:
            block.append("Traceback (most recent call last):")
            block += [f'  File "{f.filename}", line {f.lineno}, in {f.name}'
                      for f in traceback.extract_tb(current_tb)]
        name = getattr(current_type, "__qualname__", str(current_type))
        module = getattr(current_type, "__module__", "")
        if module and module != "builtins":
            name = f"{module}.{name}"
        message = safe_message(current)
        block.append(f"{name}: {message}" if message else name)
        blocks.append(block)
        if current is None:
            break
        seen.add(id(current))
        if current.__cause__ is not None and id(current.__cause__) not in seen:
            current, how = current.__cause__, _CAUSE
        elif (current.__context__ is not None and not current.__suppress_context__
              and id(current.__context__) not in seen):
            current, how = current.__context__, _CONTEXT
        else:
            break
        blocks.append(["", how, ""])
        current_type, current_tb = type(current), current.__traceback__
    return "\n".join(line for block in reversed(blocks) for line in block)


class _PrivateFormatter(logging.Formatter):
    """Any record's exception (ours or a library's) as `safe_traceback`; the text another
    handler may have cached on the record is not used."""

    def formatException(self, ei) -> str:
        return safe_traceback(*ei)

    def format(self, record: logging.LogRecord) -> str:
        cached, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached


class _PrivateFileHandler(logging.handlers.RotatingFileHandler):
    """The log file created 0600 on POSIX (on Windows it inherits the ACL of the user's
    profile folder, which only the user can read)."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


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
        # The traceback goes in as text already without personal data, so no handler (a console,
        # a test's capture) ever formats the raw one. logging's handlers report their own
        # failures (a full disk) without raising.
        logger.error("予期しないエラー（スレッド %s）\n%s", thread_name, safe_traceback(exc_type, exc, tb))

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
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        log_path = folder / LOG_FILE_NAME
        if os.name != "nt" and log_path.exists():
            os.chmod(log_path, 0o600)  # a log written by an earlier version
        handler = _PrivateFileHandler(
            log_path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True)
        handler.setFormatter(_PrivateFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
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
    except Exception:  # noqa: BLE001 - no folder for the log is no reason to stop
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
        def translate(self, context, source, disambiguation=None, n=-1):  # noqa: ARG002 - QTranslator's signature
            return MISSING_JAPANESE.get((context, source))

        def isEmpty(self) -> bool:
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
